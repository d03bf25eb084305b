package io.chaintrack.connectors.price;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CoinGecko-compatible HTTP price API ({@code /simple/token_price/{platform}}) behind the same rate limit,
 * retries and circuit breaker types as the JSON-RPC client. It never answers null while it has ever answered: when
 * the provider fails or its breaker is open, the last known good price comes back marked stale.
 */
public final class HttpPriceSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpPriceSource.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Where and how to ask; {@code keyHeader} is e.g. x-cg-pro-api-key, unused when {@code key} is empty. */
    public record Config(String name, String baseUrl, String platform, String currency, String keyHeader, String key,
                         RateLimit rateLimit, RetryPolicy retry, BreakerPolicy breaker, Duration requestTimeout) {}

    /** A token's price from this source; {@code stale} when it is the last known good after a failure. */
    public record Price(String token, BigDecimal price, Instant asOf, boolean stale) {}

    /** Metrics of every HTTP price source: calls by outcome, breaker state (0 closed, 1 open, 2 half-open). */
    public static final class Metrics {
        final Counter calls;
        final Gauge breaker;

        public Metrics(PrometheusRegistry registry) {
            calls = Counter.builder().name("chaintrack_price_source_calls_total")
                    .help("HTTP price API calls by source and outcome (ok, http_<status>, error, breaker_open)")
                    .labelNames("source", "outcome").register(registry);
            breaker = Gauge.builder().name("chaintrack_price_source_breaker_state")
                    .help("Circuit breaker of an HTTP price source: 0 closed, 1 open, 2 half-open")
                    .labelNames("source").register(registry);
        }
    }

    private static final class Retryable extends RuntimeException {
        Retryable(String message) {
            super(message, null, false, false);
        }
    }

    private final Config config;
    private final Metrics metrics;
    private final HttpClient http;
    private final RateLimiter limiter;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Map<String, Price> lastGood = new ConcurrentHashMap<>();

    public HttpPriceSource(Config config, Metrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        this.limiter = RateLimiter.of("price-" + config.name(), RateLimiterConfig.custom()
                .limitForPeriod(config.rateLimit().calls())
                .limitRefreshPeriod(config.rateLimit().per().plus(config.rateLimit().guard()))
                .timeoutDuration(Duration.ofMinutes(1))
                .build());
        RetryPolicy r = config.retry();
        this.retry = Retry.of("price-" + config.name(), RetryConfig.custom()
                .maxAttempts(r.maxAttempts())
                .intervalFunction(r.backoff())
                .retryOnException(t -> t instanceof Retryable)
                .build());
        this.breaker = CircuitBreaker.of("price-" + config.name(), config.breaker().toConfig());
        metrics.breaker.labelValues(config.name()).set(0);
        breaker.getEventPublisher().onStateTransition(ev -> {
            CircuitBreaker.State to = ev.getStateTransition().getToState();
            metrics.breaker.labelValues(config.name()).set(BreakerPolicy.gaugeValue(to));
            LOG.warn("price source {}: circuit breaker is now {}", config.name(), to);
        });
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /**
     * Prices of {@code tokens} (contract addresses): fresh when the provider answered, else the last known good
     * marked stale; a token the provider never priced is absent.
     */
    public Map<String, Price> prices(Collection<String> tokens) {
        List<String> wanted = tokens.stream().map(t -> t.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
        Map<String, Price> out = new LinkedHashMap<>();
        try {
            JsonNode body = breaker.executeSupplier(() -> Retry.decorateSupplier(retry, () -> {
                RateLimiter.waitForPermission(limiter);
                return call(wanted);
            }).get());
            for (String token : wanted) {
                JsonNode entry = body.path(token);
                JsonNode value = entry.path(config.currency());
                if (value.isNumber()) {
                    Instant asOf = entry.has("last_updated_at") ? Instant.ofEpochSecond(entry.get("last_updated_at").asLong())
                            : Instant.now();
                    Price p = new Price(token, value.decimalValue().stripTrailingZeros(), asOf, false);
                    lastGood.put(token, p);
                    out.put(token, p);
                } else if (lastGood.containsKey(token)) {
                    out.put(token, stale(lastGood.get(token)));
                }
            }
            return out;
        } catch (CallNotPermittedException e) {
            metrics.calls.labelValues(config.name(), "breaker_open").inc();
        } catch (RuntimeException e) {
            LOG.warn("price source {}: {}", config.name(), e.getMessage());
        }
        for (String token : wanted) {
            Price last = lastGood.get(token);
            if (last != null) {
                out.put(token, stale(last));
            }
        }
        return out;
    }

    private static Price stale(Price p) {
        return new Price(p.token(), p.price(), p.asOf(), true);
    }

    private JsonNode call(List<String> tokens) {
        String url = config.baseUrl().replaceAll("/+$", "") + "/simple/token_price/" + enc(config.platform())
                + "?contract_addresses=" + enc(String.join(",", tokens)) + "&vs_currencies=" + enc(config.currency())
                + "&include_last_updated_at=true";
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(config.requestTimeout()).GET()
                .header("Accept", "application/json");
        if (config.key() != null && !config.key().isEmpty()) {
            req.header(config.keyHeader(), config.key());
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            metrics.calls.labelValues(config.name(), "error").inc();
            throw new Retryable("price source " + config.name() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = resp.statusCode();
        if (status != 200) {
            metrics.calls.labelValues(config.name(), "http_" + status).inc();
            if (status == 429 || status >= 500) {
                throw new Retryable("price source " + config.name() + " answered HTTP " + status);
            }
            throw new IllegalStateException("price source " + config.name() + " refused the request with HTTP " + status);
        }
        try {
            JsonNode body = JSON.readTree(resp.body());
            if (!body.isObject()) {
                throw new IOException("not a JSON object");
            }
            metrics.calls.labelValues(config.name(), "ok").inc();
            return body;
        } catch (IOException e) {
            metrics.calls.labelValues(config.name(), "error").inc();
            throw new Retryable("price source " + config.name() + " sent an unreadable body: " + e.getMessage());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
