package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.price.HttpPriceSource;
import io.chaintrack.jobs.prices.PriceTables.SourceStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's HTTP price poller: once per poll, the configured tokens' prices through {@link HttpPriceSource}
 * (rate limit, retries, breaker), each fresh price written as the {@code http:<name>} row of the poll's minute, and
 * the source's price_source_status row (breaker state, HTTP calls and failed calls as its Prometheus counters count
 * them). A stale (last-known-good) answer writes no row: it is no new observation, the API ages the last one.
 */
public final class HttpPricePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpPricePoller.class);
    static final String CALLS_METRIC = "chaintrack_price_source_calls";

    private final HttpPriceSource source;
    private final String name;
    private final long chainId;
    private final List<String> tokens;
    private final String quote;
    private final PrometheusRegistry registry;
    private final CollapsingUpsertSink.Writer<PriceRow> prices;
    private final CollapsingUpsertSink.Writer<SourceStatus> status;
    private Map<String, Double> lastOutcomes = Map.of();
    private Long lastSuccessMs;
    private ScheduledExecutorService scheduler;

    /** @param registry where {@code source}'s {@link HttpPriceSource.Metrics} are registered (its counters are read back) */
    public HttpPricePoller(HttpPriceSource source, String name, String currency, long chainId, List<String> tokens,
                           PrometheusRegistry registry, PostgresSinkOptions target) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the HTTP price poller needs at least one token (chaintrack.prices.http.tokens)");
        }
        this.source = source;
        this.name = name;
        this.chainId = chainId;
        this.tokens = tokens.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        this.quote = currency.toUpperCase(Locale.ROOT);
        this.registry = registry;
        this.prices = CollapsingUpsertSink.standaloneWriter(PriceTables.TOKEN_PRICES, target);
        this.status = CollapsingUpsertSink.standaloneWriter(PriceTables.SOURCE_STATUS, target);
    }

    public String sourceName() {
        return "http:" + name;
    }

    /** One poll at {@code now}: returns the rows written (fresh prices only). */
    public List<PriceRow> pollOnce(Instant now) throws IOException {
        Map<String, HttpPriceSource.Price> answer = source.prices(tokens);
        long minute = PriceRow.minuteOf(now.toEpochMilli());
        List<PriceRow> rows = new ArrayList<>();
        for (HttpPriceSource.Price p : answer.values()) {
            if (!p.stale() && p.price().signum() > 0) {
                rows.add(new PriceRow(chainId, p.token(), sourceName(), minute, quote, PriceRow.UNIT_WHOLE, p.price(),
                        null, p.asOf().toEpochMilli(), null, false));
            }
        }
        for (PriceRow r : rows) {
            prices.write(r, null);
        }
        Map<String, Double> outcomes = outcomes();
        String lastError = null;
        if (!rows.isEmpty()) {
            lastSuccessMs = now.toEpochMilli();
        } else {
            lastError = describeFailure(outcomes);
        }
        double calls = outcomes.entrySet().stream().filter(e -> !e.getKey().equals("breaker_open"))
                .mapToDouble(Map.Entry::getValue).sum();
        double errors = outcomes.entrySet().stream().filter(e -> !e.getKey().equals("breaker_open") && !e.getKey().equals("ok"))
                .mapToDouble(Map.Entry::getValue).sum();
        status.write(new SourceStatus(sourceName(), breakerState(source.breakerState()), (long) calls, (long) errors,
                lastSuccessMs, lastError, now.toEpochMilli()), null);
        prices.flush(false);
        status.flush(false);
        lastOutcomes = outcomes;
        return rows;
    }

    /** What went wrong in this poll, from the outcome counters that moved (e.g. "http_429 x2"). */
    private String describeFailure(Map<String, Double> outcomes) {
        List<String> moved = new ArrayList<>();
        outcomes.forEach((outcome, n) -> {
            double delta = n - lastOutcomes.getOrDefault(outcome, 0.0);
            if (delta > 0 && !outcome.equals("ok")) {
                moved.add(outcome + " x" + (long) delta);
            }
        });
        return moved.isEmpty() ? "no fresh price for " + tokens : String.join(", ", moved);
    }

    /** This source's call counter by outcome, as exported. */
    private Map<String, Double> outcomes() {
        Map<String, Double> out = new TreeMap<>();
        for (MetricSnapshot s : registry.scrape(n -> n.equals(CALLS_METRIC) || n.equals(CALLS_METRIC + "_total"))) {
            if (s instanceof CounterSnapshot c) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    if (name.equals(d.getLabels().get("source"))) {
                        out.merge(d.getLabels().get("outcome"), d.getValue(), Double::sum);
                    }
                }
            }
        }
        return out;
    }

    static String breakerState(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> "disabled";
        };
    }

    /** Polls every {@code interval} on a daemon thread until closed; a failed write is logged and retried next poll. */
    public HttpPricePoller start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "price-poller-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(() -> {
            try {
                pollOnce(Instant.now());
            } catch (Exception e) {
                LOG.warn("price poller {}: {}", name, e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        prices.close();
        status.close();
    }
}
