package io.chaintrack.api.query;

import io.chaintrack.api.config.HealthConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.ConsumerGroupLag;
import io.chaintrack.proto.v1.IngestEndpointStatus;
import io.chaintrack.proto.v1.PriceSourceStatus;
import io.chaintrack.proto.v1.QueueDepth;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.chaintrack.proto.v1.ReadinessResponse;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SERVING exactly when the store answers and its schema is migrated (what readiness requires); the rest
 * — uptime, chain lag, Kafka lag, ingest endpoint status, the last reconciliation of each chain — is detail that never turns health red by itself.
 * Never throws, so health itself cannot fail. Probes poll it on every replica, so one call costs one connection
 * and three statements once the schema is known complete. Kafka lag is what the ingest job last wrote to
 * consumer_lag: the API never talks to Kafka.
 */
@Singleton
public final class HealthQueryService {
    public static final String SERVING = "SERVING";
    public static final String NOT_SERVING = "NOT_SERVING";
    private static final Logger LOG = LoggerFactory.getLogger(HealthQueryService.class);
    private static final String PING_SQL = "SELECT 1 AS ready";
    private static final String ENDPOINTS_SQL = "SELECT chain, endpoint, rate_limited_total, breaker_state, reported_at"
            + " FROM ingest_endpoint_status ORDER BY chain, endpoint";
    private static final String LAG_SQL = "SELECT topic, group_id, lag, partitions, uncommitted_partitions, reported_at"
            + " FROM consumer_lag WHERE group_id = ANY (?) ORDER BY array_position(?, group_id)";
    static final String CHAIN_EVENTS_TOPIC = "chaintrack.chain-events.v1";
    private static final String PRICE_SOURCES_SQL = "SELECT source, breaker_state, calls, errors, last_success, last_error,"
            + " updated_at FROM price_source_status ORDER BY source";

    private final Store store;
    private final ChainQueryService chains;
    private final SchemaCheck schema;
    private final HealthConfig config;
    private final Clock clock;
    private final Instant startedAt;

    public HealthQueryService(Store store, ChainQueryService chains, SchemaCheck schema, HealthConfig config, Clock clock) {
        this.store = store;
        this.chains = chains;
        this.schema = schema;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public CheckResponse check(CheckRequest request) {
        Instant now = clock.instant();
        CheckResponse.Builder out = CheckResponse.newBuilder()
                .setUptimeSeconds(Math.max(0, Duration.between(startedAt, now).toSeconds()))
                .setStartedAt(Rows.toTimestamp(startedAt))
                .setQueueDepth(QueueDepth.newBuilder().setTopic(CHAIN_EVENTS_TOPIC).setState("UNKNOWN")
                        .setDetail("not read: the database is down or its schema not migrated"));
        List<String> missing;
        try {
            missing = schema.missing();
        } catch (ApiException e) {
            return databaseDown(out, e);
        }
        out.setDatabaseUp(true).setSchemaMigrated(missing.isEmpty()).addAllMissingSchema(missing);
        if (!missing.isEmpty()) {
            return out.setStatus(NOT_SERVING).build();
        }
        try {
            // one connection, one chain status statement: the chain list is the same rows seen without the status
            Details details = store.read(c -> new Details(chains.statuses(c), ingestEndpoints(c, now), queueDepth(c, now),
                    ReconciliationQueryService.latest(store, c, null), priceSources(store, c)));
            details.statuses().forEach(s -> out.addChains(ChainQueryService.chainView(s)));
            return out.addAllChainStatuses(details.statuses()).addAllIngestEndpoints(details.endpoints())
                    .setQueueDepth(details.queueDepth()).addAllReconciliations(details.reconciliations())
                    .addAllPriceSources(details.priceSources())
                    .setStatus(SERVING).build();
        } catch (ApiException e) {
            if (forgetSchemaIfGone(e)) {
                List<String> gone = schemaMissingNow();
                if (!gone.isEmpty()) {
                    return out.setSchemaMigrated(false)
                            .addAllMissingSchema(gone).setStatus(NOT_SERVING).build();
                }
            }
            return databaseDown(out, e);
        }
    }

    private List<String> schemaMissingNow() {
        try {
            return schema.missing();
        } catch (ApiException e) {
            return List.of();
        }
    }

    /** Ready when the database answers and every table and column the API reads exists. */
    public ReadinessResponse readiness(ReadinessRequest request) {
        try {
            boolean remembered = schema.knownComplete();
            List<String> missing = schema.missing();
            if (!missing.isEmpty()) {
                return ReadinessResponse.newBuilder().setReady(false)
                        .setReason("schema not migrated, missing " + missing + ": run chaintrack migrate").build();
            }
            if (remembered) {
                // the schema answer came from memory: the database still has to answer now
                store.read(c -> {
                    try (PreparedStatement st = store.prepare(c, PING_SQL); ResultSet rs = st.executeQuery()) {
                        return rs.next();
                    }
                });
            }
            return ReadinessResponse.newBuilder().setReady(true).build();
        } catch (ApiException e) {
            return ReadinessResponse.newBuilder().setReady(false).setReason("database not answering").build();
        }
    }

    private record Details(List<ChainStatusView> statuses, List<IngestEndpointStatus> endpoints, QueueDepth queueDepth,
                           List<io.chaintrack.proto.v1.ReconciliationSummary> reconciliations,
                           List<PriceSourceStatus> priceSources) {}

    /**
     * Each price source's health as its writer last reported it; the error rate is errors / calls since that writer
     * started (0 before any call). Read by health and by the price gauges (store null: a plain statement).
     */
    public static List<PriceSourceStatus> priceSources(Store store, Connection c) throws SQLException {
        List<PriceSourceStatus> out = new ArrayList<>();
        try (PreparedStatement st = store == null ? c.prepareStatement(PRICE_SOURCES_SQL) : store.prepare(c, PRICE_SOURCES_SQL);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long calls = rs.getLong("calls");
                long errors = rs.getLong("errors");
                PriceSourceStatus.Builder s = PriceSourceStatus.newBuilder().setSource(rs.getString("source"))
                        .setBreakerState(rs.getString("breaker_state")).setCalls(calls).setErrors(errors)
                        .setErrorRate(calls == 0 ? 0 : (double) errors / calls)
                        .setLastError(Rows.nullToEmpty(rs.getString("last_error")))
                        .setUpdatedAt(Rows.timestamp(rs, "updated_at"));
                com.google.protobuf.Timestamp success = Rows.timestamp(rs, "last_success");
                if (success != null) {
                    s.setLastSuccess(success);
                }
                out.add(s.build());
            }
        }
        return out;
    }

    /** The schema result is kept (a lost connection does not unmigrate it); the schema fields of this answer are dropped. */
    private CheckResponse databaseDown(CheckResponse.Builder out, ApiException e) {
        LOG.warn("health check: database not answering: {}", e.getMessage());
        return out.clearSchemaMigrated().clearMissingSchema()
                .setStatus(NOT_SERVING).setDatabaseUp(false).build();
    }

    /** A table or column the remembered schema had is missing after all (database replaced): check again next time. */
    private boolean forgetSchemaIfGone(ApiException e) {
        if (e.getCause() instanceof SQLException sql && ("42P01".equals(sql.getSQLState()) || "42703".equals(sql.getSQLState()))) {
            schema.forget();
            return true;
        }
        return false;
    }

    private List<IngestEndpointStatus> ingestEndpoints(Connection c, Instant now) throws SQLException {
        List<IngestEndpointStatus> out = new ArrayList<>();
        try (PreparedStatement st = store.prepare(c, ENDPOINTS_SQL); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                Instant reported = rs.getObject("reported_at", OffsetDateTime.class).toInstant();
                out.add(IngestEndpointStatus.newBuilder()
                        .setChain(rs.getString("chain"))
                        .setEndpoint(rs.getString("endpoint"))
                        .setRateLimitedTotal(rs.getLong("rate_limited_total"))
                        .setBreakerState(rs.getString("breaker_state"))
                        .setReportedAt(Rows.toTimestamp(reported))
                        .setStale(Duration.between(reported, now).compareTo(config.ingestStatusStaleAfter()) > 0)
                        .build());
            }
        }
        return out;
    }

    /**
     * The last lag reading the ingest job wrote. The job re-reads every status interval, so a reading older
     * than ingest-status-stale-after means its reporter stopped or cannot reach the brokers: ERROR, not a stale number.
     */
    private QueueDepth queueDepth(Connection c, Instant now) throws SQLException {
        QueueDepth.Builder out = QueueDepth.newBuilder().setTopic(CHAIN_EVENTS_TOPIC);
        Instant oldest = null;
        try (PreparedStatement st = store.prepare(c, LAG_SQL)) {
            java.sql.Array groups = c.createArrayOf("text", config.consumerGroups().toArray());
            st.setArray(1, groups);
            st.setArray(2, groups);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant reported = rs.getObject("reported_at", OffsetDateTime.class).toInstant();
                    oldest = oldest == null || reported.isBefore(oldest) ? reported : oldest;
                    out.setTopic(rs.getString("topic")).addGroups(ConsumerGroupLag.newBuilder().setGroupId(rs.getString("group_id"))
                            .setLag(rs.getLong("lag")).setPartitions(rs.getInt("partitions"))
                            .setUncommittedPartitions(rs.getInt("uncommitted_partitions")));
                }
            }
        }
        if (oldest == null) {
            return out.setState("UNKNOWN").setDetail("no consumer lag reported: the ingest job writes it to consumer_lag when it has"
                    + " chaintrack.kafka.bootstrap-servers and a JDBC URL").build();
        }
        if (Duration.between(oldest, now).compareTo(config.ingestStatusStaleAfter()) > 0) {
            return out.setState("ERROR").setDetail("consumer lag last reported at " + oldest
                    + ", longer ago than chaintrack.api.health.ingest-status-stale-after").build();
        }
        return out.setState("OK").build();
    }
}
