package io.chaintrack.jobs.ingest;

import io.chaintrack.connectors.evm.EndpointStatusSnapshot;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.kafka.ConsumerLag;
import io.chaintrack.connectors.kafka.TopicCatalog;
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
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes events through unchanged and, while it runs, writes this task manager's RPC endpoint status
 * (rate-limit hits, breaker states) to ingest_endpoint_status every interval. Chained to the source, so
 * it runs in the JVM whose metrics the source's readers update. Given the brokers, it also writes the jobs'
 * consumer lag on the chain-events topic to consumer_lag, so the API's health needs no Kafka client. A failed
 * write or reading is logged, never fatal: health then shows the rows as stale.
 */
public final class IngestStatusReporter extends RichMapFunction<ChainEvent, ChainEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IngestStatusReporter.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Duration interval;
    private final EvmMetrics.RegistrySupplier registry;
    private String lagBootstrapServers;
    private List<String> lagGroups = ConsumerLag.DEFAULT_GROUPS;
    private transient ScheduledExecutorService scheduler;
    private transient Admin admin;

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

    /** Also reports these groups' lag on the chain-events topic, read from these brokers. */
    public IngestStatusReporter withConsumerLag(String bootstrapServers, List<String> groups) {
        this.lagBootstrapServers = bootstrapServers;
        this.lagGroups = List.copyOf(groups);
        return this;
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
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** One snapshot written now; public for the health test. */
    public void report() {
        List<EndpointStatusSnapshot.EndpointStatus> statuses = EndpointStatusSnapshot.of(EvmMetrics.on(registry.get()));
        List<ConsumerLag.GroupLag> lags = consumerLag();
        if (statuses.isEmpty() && lags.isEmpty()) {
            return; // no RPC endpoint has reported yet (or this job follows the synthetic chain): nothing to connect for
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            EndpointStatusSnapshot.write(c, statuses, Instant.now());
            ConsumerLag.write(c, TopicCatalog.CHAIN_EVENTS.name(), lags, Instant.now());
        } catch (Exception e) {
            LOG.warn("could not write the ingest endpoint status to {}: {}", jdbcUrl, e.toString());
        }
    }

    private synchronized List<ConsumerLag.GroupLag> consumerLag() {
        if (lagBootstrapServers == null || lagBootstrapServers.isBlank()) {
            return List.of();
        }
        Duration timeout = interval.compareTo(Duration.ofSeconds(5)) < 0 ? interval : Duration.ofSeconds(5);
        try {
            if (admin == null) {
                admin = ConsumerLag.admin(lagBootstrapServers, timeout);
            }
            return ConsumerLag.read(admin, TopicCatalog.CHAIN_EVENTS.name(), lagGroups, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            LOG.warn("could not read the consumer lag from {}: {}", lagBootstrapServers, e.toString());
            return List.of();
        }
    }
}
