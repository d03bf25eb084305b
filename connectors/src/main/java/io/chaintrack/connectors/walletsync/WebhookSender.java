package io.chaintrack.connectors.walletsync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued sync-completion webhooks: POST of the JSON body with header
 * {@code Chaintrack-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the wallet's secret>}.
 * and {@code Chaintrack-Delivery: <delivery id>}, the same on every attempt. A 2xx answer delivers; anything else is
 * retried with exponential backoff up to {@code maxAttempts}, every attempt persisted, so a restarted worker carries on
 * where the last one stopped. Each delivery is claimed before it is sent (its next attempt pushed past the longest a
 * send can take), so workers sharing the database never send it at once; a worker killed between sending and
 * recording lets it be sent again after the claim: at least once, and receivers deduplicate on the delivery id.
 */
public final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    public static final String SIGNATURE_HEADER = "Chaintrack-Signature";
    public static final String DELIVERY_HEADER = "Chaintrack-Delivery";

    private final WalletSyncStore store;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration timeout;
    private final HttpClient http;

    public WebhookSender(WalletSyncStore store, int maxAttempts, Duration initialBackoff, Duration timeout) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhook max attempts must be at least 1, got " + maxAttempts);
        }
        this.store = store;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The signature header's value for {@code body} signed at {@code unixSeconds}. */
    public static String signature(String secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** How long a claimed delivery is kept from other workers: a connect and a response, each up to the timeout, and slack. */
    Duration claim() {
        return timeout.multipliedBy(2).plusSeconds(5);
    }

    /** Attempts every delivery that is due (up to 100 per call), one claimed at a time; returns how many were delivered. */
    public int deliverDue() {
        int delivered = 0;
        for (int n = 0; n < 100 && !Thread.currentThread().isInterrupted(); n++) {
            List<WalletSyncStore.Delivery> due = store.dueDeliveries(1, claim());
            if (due.isEmpty()) {
                break;
            }
            WalletSyncStore.Delivery d = due.get(0);
            if (d.secret() == null) {
                store.recordAttempt(d.id(), false, null, "the wallet or its webhook was removed", null);
                continue;
            }
            Integer status = null;
            String error;
            try {
                HttpResponse<Void> resp = http.send(HttpRequest.newBuilder(URI.create(d.url())).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header(SIGNATURE_HEADER, signature(d.secret(), Instant.now().getEpochSecond(), d.body()))
                        .header(DELIVERY_HEADER, Long.toString(d.id()))
                        .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.discarding());
                status = resp.statusCode();
                if (status / 100 == 2) {
                    store.recordAttempt(d.id(), true, status, "", null);
                    delivered++;
                    continue;
                }
                error = "HTTP " + status;
            } catch (IOException | IllegalArgumentException e) {
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return delivered;
            }
            int attempt = d.attempts() + 1;
            Duration next = attempt >= maxAttempts ? null : initialBackoff.multipliedBy(1L << Math.min(20, attempt - 1));
            LOG.info("webhook delivery {} to {}: attempt {} failed ({}){}", d.id(), d.url(), attempt, error,
                    next == null ? ", giving up" : ", next in " + next);
            store.recordAttempt(d.id(), false, status, error, next);
        }
        return delivered;
    }
}
