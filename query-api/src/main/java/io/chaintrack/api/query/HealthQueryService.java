package io.chaintrack.api.query;

import com.google.protobuf.Timestamp;
import io.chaintrack.api.config.HealthConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.IngestEndpointStatus;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.chaintrack.proto.v1.ReadinessResponse;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * — uptime, chain lag, Kafka lag, ingest endpoint status — is detail that never turns health red by itself.
 * Never throws, so health itself cannot fail.
 */
@Singleton
public final class HealthQueryService {
    public static final String SERVING = "SERVING";
    public static final String NOT_SERVING = "NOT_SERVING";
    private static final Logger LOG = LoggerFactory.getLogger(HealthQueryService.class);
    private static final String ENDPOINTS_SQL = "SELECT chain, endpoint, rate_limited_total, breaker_state, reported_at"
            + " FROM ingest_endpoint_status ORDER BY chain, endpoint";

    private final Store store;
    private final ChainQueryService chains;
    private final SchemaCheck schema;
    private final KafkaLagProbe kafka;
    private final HealthConfig config;
    private final Clock clock;
    private final Instant startedAt;

    public HealthQueryService(Store store, ChainQueryService chains, SchemaCheck schema, KafkaLagProbe kafka,
                              HealthConfig config, Clock clock) {
        this.store = store;
        this.chains = chains;
        this.schema = schema;
        this.kafka = kafka;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public CheckResponse check(CheckRequest request) {
        Instant now = clock.instant();
        CheckResponse.Builder out = CheckResponse.newBuilder()
                .setUptimeSeconds(Math.max(0, Duration.between(startedAt, now).toSeconds()))
                .setStartedAt(timestamp(startedAt))
                .setQueueDepth(kafka.measure());
        List<String> missing;
        try {
            missing = missingSchema();
        } catch (ApiException e) {
            LOG.warn("health check: database not answering: {}", e.getMessage());
            return out.setStatus(NOT_SERVING).setDatabaseUp(false).build();
        }
        out.setDatabaseUp(true).setSchemaMigrated(missing.isEmpty()).addAllMissingSchema(missing);
        if (!missing.isEmpty()) {
            return out.setStatus(NOT_SERVING).build();
        }
        try {
            out.addAllChains(store.read(c -> ChainQueryService.chainViews(store, c)))
                    .addAllChainStatuses(chains.listChainStatuses(ListChainStatusesRequest.getDefaultInstance()).getChainsList())
                    .addAllIngestEndpoints(ingestEndpoints(now));
            return out.setStatus(SERVING).build();
        } catch (ApiException e) {
            LOG.warn("health check: database not answering: {}", e.getMessage());
            return out.clearChains().clearChainStatuses().clearIngestEndpoints()
                    .setStatus(NOT_SERVING).setDatabaseUp(false).build();
        }
    }

    /** Ready when the database answers and every table and column the API reads exists. */
    public ReadinessResponse readiness(ReadinessRequest request) {
        try {
            List<String> missing = missingSchema();
            if (!missing.isEmpty()) {
                return ReadinessResponse.newBuilder().setReady(false)
                        .setReason("schema not migrated, missing " + missing + ": run chaintrack migrate").build();
            }
            return ReadinessResponse.newBuilder().setReady(true).build();
        } catch (ApiException e) {
            return ReadinessResponse.newBuilder().setReady(false).setReason("database not answering").build();
        }
    }

    private List<String> missingSchema() {
        List<String> missing = new ArrayList<>(schema.missingTables());
        if (missing.isEmpty()) {
            missing.addAll(schema.missingColumns());
        }
        return missing;
    }

    private List<IngestEndpointStatus> ingestEndpoints(Instant now) {
        return store.read(c -> {
            List<IngestEndpointStatus> out = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, ENDPOINTS_SQL); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant reported = rs.getObject("reported_at", OffsetDateTime.class).toInstant();
                    out.add(IngestEndpointStatus.newBuilder()
                            .setChain(rs.getString("chain"))
                            .setEndpoint(rs.getString("endpoint"))
                            .setRateLimitedTotal(rs.getLong("rate_limited_total"))
                            .setBreakerState(rs.getString("breaker_state"))
                            .setReportedAt(timestamp(reported))
                            .setStale(Duration.between(reported, now).compareTo(config.ingestStatusStaleAfter()) > 0)
                            .build());
                }
            }
            return out;
        });
    }

    private static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
