package io.chaintrack.api.metrics;

import io.chaintrack.api.query.HealthQueryService;
import io.chaintrack.proto.v1.PriceSourceStatus;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;

/**
 * Each price source's breaker and error counts from price_source_status as gauges, read at scrape time (one statement
 * per scrape, shared by every gauge), so the alert rules see them wherever the API is scraped. Named
 * chaintrack_price_source_status_* apart from the pipeline's own chaintrack_price_source_* metrics: the same source
 * seen through the table must not double an alert. No samples when the database does not answer.
 */
final class PriceSourceMetrics {
    private static final long REUSE_NANOS = 1_000_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PriceSourceMetrics.class);
    /** The pipeline's encoding (0 closed, 1 open, 2 half-open), and 3 for a source switched off. */
    static final Map<String, Double> STATES = Map.of("closed", 0.0, "open", 1.0, "half_open", 2.0, "disabled", 3.0);

    private final DataSource dataSource;
    private volatile List<PriceSourceStatus> last = List.of();
    private volatile boolean read;
    private volatile long readAt;

    private PriceSourceMetrics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static void register(PrometheusRegistry registry, DataSource dataSource) {
        PriceSourceMetrics m = new PriceSourceMetrics(dataSource);
        m.gauge(registry, "chaintrack_price_source_status_breaker_state",
                "Circuit breaker of a price source as its writer last reported it: 0 closed, 1 open, 2 half-open, 3 disabled",
                s -> STATES.getOrDefault(s.getBreakerState(), -1.0));
        m.gauge(registry, "chaintrack_price_source_status_calls",
                "Calls the price source's writer made since it started (price_source_status.calls)", s -> s.getCalls());
        m.gauge(registry, "chaintrack_price_source_status_errors",
                "Failed calls of the price source since its writer started (price_source_status.errors)", s -> s.getErrors());
        m.gauge(registry, "chaintrack_price_source_status_error_ratio",
                "errors / calls of the price source since its writer started (0 before any call)", PriceSourceStatus::getErrorRate);
        m.gauge(registry, "chaintrack_price_source_status_last_success_timestamp_seconds",
                "When the price source last answered (Unix seconds); absent when it never did",
                s -> s.hasLastSuccess() ? s.getLastSuccess().getSeconds() + s.getLastSuccess().getNanos() / 1e9 : Double.NaN);
    }

    private void gauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<PriceSourceStatus> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("source")
                .callback(callback -> {
                    for (PriceSourceStatus s : latest()) {
                        double v = value.applyAsDouble(s);
                        if (!Double.isNaN(v)) {
                            callback.call(v, s.getSource());
                        }
                    }
                })
                .register(registry);
    }

    /** The rows read by this scrape: the first gauge reads them, the others reuse that read. */
    private List<PriceSourceStatus> latest() {
        long now = System.nanoTime();
        if (read && now - readAt < REUSE_NANOS) {
            return last;
        }
        // the same gated connection as chaintrack_api_db_up: a down database fails fast instead of stalling the scrape
        try (Connection c = io.chaintrack.api.query.DatabaseGate.of(dataSource).dataSource().getConnection()) {
            last = HealthQueryService.priceSources(null, c);
        } catch (Exception e) {
            LOG.debug("price source gauges not read: {}", e.toString());
            last = List.of();
        }
        readAt = now;
        read = true;
        return last;
    }
}
