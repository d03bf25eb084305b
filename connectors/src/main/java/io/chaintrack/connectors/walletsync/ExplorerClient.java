package io.chaintrack.connectors.walletsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Etherscan-compatible account API ({@code module=account&action=txlist|txlistinternal|tokentx}, also served by
 * Blockscout) behind the same rate limit, retry and breaker types as the JSON-RPC client. A 429, a 5xx, a broken body
 * or the in-band "Max rate limit reached" answer is retried with backoff; an explorer error that retrying cannot
 * mend (a result window too large, an invalid key) fails with the explorer's own message.
 */
public final class ExplorerClient {
    private static final Logger LOG = LoggerFactory.getLogger(ExplorerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param baseUrl   the API URL ({@code https://api.etherscan.io/v2/api?chainid=1}, a Blockscout {@code /api})
     * @param apiKey    sent as {@code apikey} when not empty
     * @param pageSize  records asked per request ({@code offset})
     * @param resultCap the explorer's window: page × offset may not exceed it (Etherscan: 10,000)
     */
    public record Config(String name, String baseUrl, String apiKey, int pageSize, int resultCap, RateLimit rateLimit,
                         RetryPolicy retry, BreakerPolicy breaker, Duration requestTimeout) {
        public Config {
            if (pageSize < 1 || resultCap < pageSize) {
                throw new IllegalArgumentException("explorer page size must be at least 1 and at most the result cap ("
                        + resultCap + "), got " + pageSize);
            }
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw new IllegalArgumentException("explorer URL must start with http:// or https://, got " + baseUrl);
            }
        }
    }

    /** The explorer refused a request for a reason retrying cannot mend. */
    public static final class ExplorerException extends RuntimeException {
        public ExplorerException(String message) {
            super(message);
        }
    }

    private static final class Retryable extends RuntimeException {
        Retryable(String message) {
            super(message, null, false, false);
        }
    }

    private final Config config;
    private final HttpClient http;
    private final RateLimiter limiter;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public ExplorerClient(Config config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.requestTimeout()).build();
        this.limiter = RateLimiter.of("explorer-" + config.name(), RateLimiterConfig.custom()
                .limitForPeriod(config.rateLimit().calls())
                .limitRefreshPeriod(config.rateLimit().per().plus(config.rateLimit().guard()))
                .timeoutDuration(Duration.ofMinutes(5))
                .build());
        RetryPolicy r = config.retry();
        this.retry = Retry.of("explorer-" + config.name(), RetryConfig.custom()
                .maxAttempts(r.maxAttempts())
                .intervalFunction(r.backoff())
                .retryOnException(t -> t instanceof Retryable)
                .build());
        retry.getEventPublisher().onRetry(e -> retries.incrementAndGet());
        this.breaker = CircuitBreaker.of("explorer-" + config.name(), config.breaker().toConfig());
        breaker.getEventPublisher().onStateTransition(ev -> LOG.warn("explorer {}: circuit breaker is now {}",
                config.name(), ev.getStateTransition().getToState()));
    }

    public Config config() {
        return config;
    }

    /** HTTP calls made, and how many of them were retries. */
    public long calls() {
        return calls.get();
    }

    public long retries() {
        return retries.get();
    }

    /**
     * One page of {@code action}'s records of {@code address} in blocks [fromBlock, toBlock], oldest first; an empty
     * list when there are none.
     */
    public List<JsonNode> page(String action, String address, long fromBlock, long toBlock, int page) {
        if ((long) page * config.pageSize() > config.resultCap()) {
            throw new IllegalArgumentException("page " + page + " × " + config.pageSize() + " is past the explorer's window of "
                    + config.resultCap());
        }
        String sep = config.baseUrl().contains("?") ? "&" : "?";
        String url = config.baseUrl() + sep + "module=account&action=" + enc(action) + "&address=" + enc(address)
                + "&startblock=" + fromBlock + "&endblock=" + toBlock + "&page=" + page + "&offset=" + config.pageSize()
                + "&sort=asc" + (config.apiKey() == null || config.apiKey().isEmpty() ? "" : "&apikey=" + enc(config.apiKey()));
        JsonNode body = breaker.executeSupplier(() -> Retry.decorateSupplier(retry, () -> {
            RateLimiter.waitForPermission(limiter);
            return call(url, action);
        }).get());
        List<JsonNode> out = new ArrayList<>();
        body.path("result").forEach(out::add);
        return out;
    }

    private JsonNode call(String url, String action) {
        calls.incrementAndGet();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(config.requestTimeout()).GET()
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Retryable("explorer " + config.name() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = resp.statusCode();
        if (status == 429 || status >= 500) {
            throw new Retryable("explorer " + config.name() + " answered HTTP " + status);
        }
        if (status != 200) {
            throw new ExplorerException("explorer " + config.name() + " refused " + action + " with HTTP " + status);
        }
        JsonNode body;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new Retryable("explorer " + config.name() + " sent an unreadable body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new Retryable("explorer " + config.name() + " sent a body that is not a JSON object");
        }
        JsonNode result = body.path("result");
        if ("1".equals(body.path("status").asText()) && result.isArray()) {
            return body;
        }
        String message = body.path("message").asText("");
        if (result.isArray() && result.isEmpty() && message.toLowerCase(Locale.ROOT).startsWith("no ")) {
            return body; // "No transactions found" / "No internal transactions found": an empty page
        }
        String text = result.isTextual() ? result.asText() : message;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("rate limit") || lower.contains("too many")) {
            throw new Retryable("explorer " + config.name() + ": " + text);
        }
        throw new ExplorerException("explorer " + config.name() + " " + action + ": " + text);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
