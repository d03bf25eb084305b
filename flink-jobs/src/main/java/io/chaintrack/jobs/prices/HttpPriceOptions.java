package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.HttpPriceSource;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.DurationConverter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The HTTP price provider's options (CoinGecko-compatible), shared by the price-poller role and the one-command stack.
 * The poller is off while no base URL is set.
 */
public final class HttpPriceOptions {
    @ConfigKey("chaintrack.prices.http.base-url")
    @Option(names = "--price-http-base-url", description = "CoinGecko-compatible API base URL, e.g. https://api.coingecko.com/api/v3 (unset: no HTTP prices).")
    String baseUrl;
    @ConfigKey("chaintrack.prices.http.name")
    @Option(names = "--price-http-name", defaultValue = "coingecko", description = "Provider name; rows have source http:<name> (default ${DEFAULT-VALUE}).")
    String name = "coingecko";
    @ConfigKey("chaintrack.prices.http.key")
    @Option(names = "--price-http-key", defaultValue = "", description = "API key, sent in the key header when set.")
    String key = "";
    @ConfigKey("chaintrack.prices.http.key-header")
    @Option(names = "--price-http-key-header", defaultValue = "x-cg-pro-api-key", description = "Header carrying the key (default ${DEFAULT-VALUE}).")
    String keyHeader = "x-cg-pro-api-key";
    @ConfigKey("chaintrack.prices.http.platform")
    @Option(names = "--price-http-platform", defaultValue = "ethereum", description = "Asset platform of the tokens (default ${DEFAULT-VALUE}).")
    String platform = "ethereum";
    @ConfigKey("chaintrack.prices.http.currency")
    @Option(names = "--price-http-currency", defaultValue = "usd", description = "Quote currency (default ${DEFAULT-VALUE}).")
    String currency = "usd";
    @ConfigKey("chaintrack.prices.http.chain-id")
    @Option(names = "--price-http-chain-id", defaultValue = "1", description = "Chain id of the tokens' rows (default ${DEFAULT-VALUE}).")
    long chainId = 1;
    @ConfigKey("chaintrack.prices.http.tokens")
    @Option(names = "--price-http-token", split = ",", description = "Token contract addresses polled (repeatable or comma separated).")
    List<String> tokens = new ArrayList<>();
    @ConfigKey("chaintrack.prices.http.rate-limit")
    @Option(names = "--price-http-rate-limit", defaultValue = "30", description = "At most this many calls per minute (default ${DEFAULT-VALUE}).")
    int callsPerMinute = 30;
    @ConfigKey("chaintrack.prices.http.poll-interval")
    @Option(names = "--price-http-poll-interval", defaultValue = "1m", converter = DurationConverter.class,
            description = "Time between polls (default ${DEFAULT-VALUE}).")
    Duration pollInterval = Duration.ofMinutes(1);
    @ConfigKey("chaintrack.prices.http.breaker-open")
    @Option(names = "--price-http-breaker-open", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long an opened breaker stays open before one trial call (default ${DEFAULT-VALUE}).")
    Duration breakerOpen = Duration.ofMinutes(5);

    /**
     * A poll's retries: one poll is one breaker call, so its retries must end well within a poll interval. With the
     * JSON-RPC client's RetryPolicy.defaults() (10 attempts, back-off up to 30 s) a provider that is down held each poll
     * about 80 s, longer than the default interval, and the breaker's 4-poll minimum took over 5 minutes to reach.
     */
    static final RetryPolicy POLL_RETRY = new RetryPolicy(3, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(2));

    public boolean enabled() {
        return baseUrl != null && !baseUrl.isBlank();
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** The provider client; bad values raise IllegalArgumentException naming the option. */
    public HttpPriceSource source(HttpPriceSource.Metrics metrics) {
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("--price-http-base-url must be an http(s) URL, got " + baseUrl);
        }
        if (callsPerMinute < 1) {
            throw new IllegalArgumentException("--price-http-rate-limit must be >= 1 call per minute, got " + callsPerMinute);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("--price-http-poll-interval must be positive, got " + pollInterval);
        }
        // the breaker opens when half of the last 6 polls failed (each poll is one breaker call, retries inside it)
        return new HttpPriceSource(new HttpPriceSource.Config(name, baseUrl, platform, currency, keyHeader, key,
                RateLimit.of(callsPerMinute, Duration.ofMinutes(1)), POLL_RETRY,
                new BreakerPolicy(50f, 6, 4, breakerOpen, 1), Duration.ofSeconds(30)), metrics);
    }

    /** A started poller writing to {@code target}, metrics on {@code registry}. */
    public HttpPricePoller startPoller(PrometheusRegistry registry, PostgresSinkOptions target) {
        HttpPriceSource source = source(new HttpPriceSource.Metrics(registry));
        return new HttpPricePoller(source, name, currency, chainId, tokens, registry, target).start(pollInterval);
    }
}
