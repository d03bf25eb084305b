package io.chaintrack.jobs.ingest;

import io.chaintrack.connectors.evm.EndpointStatusSnapshot;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.proto.v1.ChainEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes events through unchanged and, while it runs, writes this task manager's RPC endpoint status
 * (rate-limit hits, breaker states) to ingest_endpoint_status every interval. Chained to the source, so
 * it runs in the JVM whose metrics the source's readers update. A failed write is logged, never fatal:
 * health then shows the row as stale.
 */
public final class IngestStatusReporter extends RichMapFunction<ChainEvent, ChainEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IngestStatusReporter.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Duration interval;
    private final EvmMetrics.RegistrySupplier registry;
    private transient ScheduledExecutorService scheduler;

    public IngestStatusReporter(String jdbcUrl, String user, String password, Duration interval,
                                EvmMetrics.RegistrySupplier registry) {
        if (interval.isNegative() || interval.toMillis() < 100) {
            throw new IllegalArgumentException("status interval must be at least 100ms, not " + interval);
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.interval = interval;
        this.registry = registry;
    }

    @Override
    public void open(OpenContext context) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaintrack-ingest-status");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ChainEvent map(ChainEvent event) {
        return event;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                // the last snapshot must not race a scheduled one still writing
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            report();
        }
    }

    /** One snapshot written now; public for the health test. */
    public void report() {
        List<EndpointStatusSnapshot.EndpointStatus> statuses = EndpointStatusSnapshot.of(EvmMetrics.on(registry.get()));
        if (statuses.isEmpty()) {
            return; // no RPC endpoint has reported yet (or this job follows the synthetic chain): nothing to connect for
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            EndpointStatusSnapshot.write(c, statuses, Instant.now());
        } catch (Exception e) {
            LOG.warn("could not write the ingest endpoint status to {}: {}", jdbcUrl, e.toString());
        }
    }
}
