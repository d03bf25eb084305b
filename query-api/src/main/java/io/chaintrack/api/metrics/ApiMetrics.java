package io.chaintrack.api.metrics;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;

/**
 * The API's Prometheus metrics, in a registry of its own so two in-process API instances never share
 * or collide. Routes are URI templates / gRPC method names, never raw paths, to keep label sets bounded.
 */
@Singleton
public final class ApiMetrics {
    public static final String REQUEST_DURATION = "chaintrack_api_request_duration_seconds";
    public static final String UNMATCHED_ROUTE = "unmatched";
    /** The method label of any HTTP method outside {@link #METHODS}: a client cannot add series with made-up methods. */
    public static final String OTHER_METHOD = "OTHER";
    static final java.util.Set<String> METHODS = java.util.Set.of(
            "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "GRPC");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram requestDuration;
    private final Histogram batchReads;
    private final Histogram batchWait;
    private final Histogram batchStatement;
    private final DataSource dataSource;
    private final Counter negativeBalances;

    public ApiMetrics(DataSource dataSource) {
        this.dataSource = dataSource;
        requestDuration = Histogram.builder()
                .name(REQUEST_DURATION)
                .help("Time to serve one API request, by route template (REST) or full method (gRPC), method and status")
                .labelNames("route", "method", "status")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        batchReads = Histogram.builder()
                .name("chaintrack_api_batch_reads")
                .help("Reads answered by one coalesced SQL statement, by read shape (see chaintrack.api.batch)")
                .labelNames("batch")
                .classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        // where a batched read's time goes: queued behind running statements, then its statement (with the
        // connection borrow); the rest of its request duration is request handling and the response
        batchWait = batchSeconds("chaintrack_api_batch_wait_seconds",
                "Time a read waited for its coalesced SQL statement to start, by read shape");
        batchStatement = batchSeconds("chaintrack_api_batch_statement_seconds",
                "Time one coalesced SQL statement took, connection borrow included, by read shape");
        GaugeWithCallback.builder()
                .name("chaintrack_api_db_up")
                .help("1 when PostgreSQL answered a validity check during this scrape, else 0")
                .callback(callback -> callback.call(databaseUp() ? 1 : 0))
                .register(registry);
        negativeBalances = Counter.builder()
                .name("chaintrack_api_negative_balances_served_total")
                .help("Balances served below zero (flagged negative in the answer); holder is zero_address for the zero"
                        + " address, negative by construction as the source of mints, genesis and withdrawals, else account")
                .labelNames("holder")
                .register(registry);
        negativeBalances.initLabelValues("account");
        negativeBalances.initLabelValues("zero_address");
        ReconciliationMetrics.register(registry, dataSource);
        PriceSourceMetrics.register(registry, dataSource);
        poolGauge("chaintrack_api_db_pool_active", "Connections in use", HikariPoolMXBean::getActiveConnections);
        poolGauge("chaintrack_api_db_pool_idle", "Idle connections in the pool", HikariPoolMXBean::getIdleConnections);
        poolGauge("chaintrack_api_db_pool_pending", "Threads waiting for a connection", HikariPoolMXBean::getThreadsAwaitingConnection);
    }

    public void observe(String route, String method, String status, long nanos) {
        requestDuration.labelValues(route, methodLabel(method), status).observe(nanos / 1e9);
    }

    static String methodLabel(String method) {
        return METHODS.contains(method) ? method : OTHER_METHOD;
    }

    /** Counts the negative balances of one answer (each flagged {@code negative} in it). */
    public void countNegativeBalances(String address, java.util.List<io.chaintrack.proto.v1.BalanceView> balances) {
        for (io.chaintrack.proto.v1.BalanceView b : balances) {
            if (b.getNegative()) {
                negativeBalances.labelValues(io.chaintrack.core.model.Addresses.ZERO.equals(address) ? "zero_address" : "account").inc();
            }
        }
    }

    public void observeBatch(String batch, int reads) {
        batchReads.labelValues(batch).observe(reads);
    }

    public void observeBatchWait(String batch, long nanos) {
        batchWait.labelValues(batch).observe(nanos / 1e9);
    }

    public void observeBatchStatement(String batch, long nanos) {
        batchStatement.labelValues(batch).observe(nanos / 1e9);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Exposition in OpenMetrics when the scraper asks for it, else the Prometheus text format. */
    public Exposition scrape(String accept) {
        ExpositionFormatWriter writer = accept != null && accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.create() : PrometheusTextFormatWriter.create();
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    /** A rendered scrape. */
    public record Exposition(String contentType, byte[] body) {}

    private Histogram batchSeconds(String name, String help) {
        return Histogram.builder().name(name).help(help).labelNames("batch").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
    }

    private void poolGauge(String name, String help, ToIntFunction<HikariPoolMXBean> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> {
                    HikariPoolMXBean pool = pool();
                    callback.call(pool == null ? 0 : value.applyAsInt(pool));
                })
                .register(registry);
    }

    private HikariPoolMXBean pool() {
        return io.chaintrack.api.query.DatabaseGate.of(dataSource).poolStats();
    }

    private boolean databaseUp() {
        try (Connection connection = io.chaintrack.api.query.DatabaseGate.of(dataSource).dataSource().getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }
}
