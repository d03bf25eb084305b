package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.evm.EndpointStatusSnapshot;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.kafka.ConsumerLag;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.ConsumerGroupLag;
import io.chaintrack.proto.v1.IngestEndpointStatus;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health in detail against real services: uptime, per-chain lag against the head, Kafka consumer lag of the
 * jobs' groups (embedded broker) and ingest endpoint status, both written as the ingest job's reporter writes
 * them (the API reads them from PostgreSQL), readiness.
 */
class HealthDetailTest {
    @Test
    void healthReportsUptimeChainLagQueueDepthAndIngestEndpoints() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            new SeedData().seed(postgres.dataSource());
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "UPDATE chains SET head_number = (SELECT max(block_number) FROM blocks WHERE chain_id = 1 AND canonical) + 5,"
                        + " head_seen_at = now() WHERE chain_id = 1");
                // what the ingest job's reporter writes: 3 rate-limit hits, an open breaker; and a row that stopped
                EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
                for (int i = 0; i < 3; i++) {
                    metrics.rateLimited("devnet", "provider-a");
                }
                metrics.breakerState("devnet", "provider-a", 1);
                metrics.breakerState("devnet", "provider-b", 0);
                assertThat(EndpointStatusSnapshot.write(c, EndpointStatusSnapshot.of(metrics), Instant.now())).isEqualTo(2);
                EndpointStatusSnapshot.write(c, List.of(new EndpointStatusSnapshot.EndpointStatus("old-net", "gone", 9, "HALF_OPEN")),
                        Instant.now().minusSeconds(600));
            }
            int partitions = ChainEventsKafka.PARTITIONS;
            Map<Integer, Integer> produced = new HashMap<>();
            try (ChainEventsKafka events = ChainEventsKafka.create(kafka)) {
                for (int i = 0; i < 10; i++) {
                    int p = i % partitions;
                    events.produce(p, (byte) i);
                    produced.merge(p, 1, Integer::sum);
                }
                // the balance job committed 3 records of partition 0 and everything of the others; analytics nothing
                events.commit("chaintrack-balances", p -> p == 0 ? 3 : produced.getOrDefault(p, 0));
            }
            long balancesLag = produced.get(0) - 3;
            // what the ingest job's reporter reads from the brokers and writes
            try (var admin = ConsumerLag.admin(kafka.bootstrapServers(), Duration.ofSeconds(5));
                 Connection c = postgres.dataSource().getConnection()) {
                ConsumerLag.write(c, ChainEventsKafka.TOPIC, ConsumerLag.read(admin, ChainEventsKafka.TOPIC,
                        ConsumerLag.DEFAULT_GROUPS, Duration.ofSeconds(5)), Instant.now());
            }

            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
                 Clients clients = new Clients(api)) {
                Clients.Response rest = clients.get("/v1/health");
                assertThat(rest.status()).isEqualTo(200);
                CheckResponse body = rest.parse(CheckResponse.newBuilder()).build();
                assertThat(body.getStatus()).isEqualTo("SERVING");
                assertThat(body.getSchemaMigrated()).isTrue();
                assertThat(body.getMissingSchemaList()).isEmpty();
                assertThat(body.getUptimeSeconds()).isGreaterThanOrEqualTo(0);
                assertThat(body.getStartedAt().getSeconds()).isLessThanOrEqualTo(Instant.now().getEpochSecond())
                        .isGreaterThan(Instant.now().getEpochSecond() - 300);

                ChainStatusView devnet = body.getChainStatusesList().stream().filter(s -> s.getChainId() == 1).findFirst().orElseThrow();
                assertThat(devnet.getBlocksBehindHead()).isEqualTo(5);
                assertThat(devnet.getHeadNumber()).isEqualTo(devnet.getLatestBlock() + 5);
                assertThat(devnet.getLagSeconds()).isPositive(); // seed blocks are from 2024
                assertThat(devnet.getFreshness().name()).contains("STALE");

                assertThat(body.getQueueDepth().getState()).isEqualTo("OK");
                assertThat(body.getQueueDepth().getTopic()).isEqualTo(ChainEventsKafka.TOPIC);
                ConsumerGroupLag balances = body.getQueueDepth().getGroupsList().get(0);
                assertThat(balances.getGroupId()).isEqualTo("chaintrack-balances");
                assertThat(balances.getLag()).isEqualTo(balancesLag);
                assertThat(balances.getPartitions()).isEqualTo(partitions);
                assertThat(balances.getUncommittedPartitions()).isZero();
                ConsumerGroupLag analytics = body.getQueueDepth().getGroupsList().get(1);
                assertThat(analytics.getGroupId()).isEqualTo("chaintrack-analytics");
                assertThat(analytics.getLag()).isEqualTo(10);
                assertThat(analytics.getUncommittedPartitions()).isEqualTo(partitions);

                assertThat(body.getIngestEndpointsList()).extracting(IngestEndpointStatus::getChain, IngestEndpointStatus::getEndpoint,
                                IngestEndpointStatus::getRateLimitedTotal, IngestEndpointStatus::getBreakerState, IngestEndpointStatus::getStale)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("devnet", "provider-a", 3L, "OPEN", false),
                                org.assertj.core.groups.Tuple.tuple("devnet", "provider-b", 0L, "CLOSED", false),
                                org.assertj.core.groups.Tuple.tuple("old-net", "gone", 9L, "HALF_OPEN", true));

                CheckResponse grpc = clients.health.check(CheckRequest.getDefaultInstance());
                // REST and gRPC carry the same answer; only clock-derived seconds may tick between the two calls
                assertThat(withoutClockFields(grpc)).isEqualTo(withoutClockFields(body));

                assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                assertThat(clients.health.readiness(ReadinessRequest.getDefaultInstance()).getReady()).isTrue();
            }

            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
                 Clients clients = new Clients(api);
                 Connection c = postgres.dataSource().getConnection()) {
                // a reporter that stopped: the last reading is shown, as ERROR
                SeedData.execute(c, "UPDATE consumer_lag SET reported_at = now() - interval '10 minutes'");
                CheckResponse stale = clients.health.check(CheckRequest.getDefaultInstance());
                assertThat(stale.getStatus()).isEqualTo("SERVING");
                assertThat(stale.getQueueDepth().getState()).isEqualTo("ERROR");
                assertThat(stale.getQueueDepth().getDetail()).contains("ingest-status-stale-after");
                assertThat(stale.getQueueDepth().getGroupsList()).hasSize(2);

                // no reporter with Kafka configured: queue depth is UNKNOWN, not zero
                SeedData.execute(c, "DELETE FROM consumer_lag");
                CheckResponse body = clients.health.check(CheckRequest.getDefaultInstance());
                assertThat(body.getStatus()).isEqualTo("SERVING");
                assertThat(body.getQueueDepth().getState()).isEqualTo("UNKNOWN");
                assertThat(body.getQueueDepth().getTopic()).isEqualTo(ChainEventsKafka.TOPIC);
                assertThat(body.getQueueDepth().getDetail()).contains("chaintrack.kafka.bootstrap-servers");
                assertThat(body.getQueueDepth().getGroupsList()).isEmpty();
            }
        }
    }

    static CheckResponse withoutClockFields(CheckResponse r) {
        CheckResponse.Builder b = r.toBuilder().clearUptimeSeconds();
        for (int i = 0; i < b.getChainStatusesCount(); i++) {
            b.setChainStatuses(i, b.getChainStatuses(i).toBuilder().clearLagSeconds());
        }
        return b.build();
    }

    @Test
    void readinessFailsUntilTheSchemaIsMigrated() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "CREATE DATABASE bare");
            }
            String bareUrl = postgres.jdbcUrl().replace("/postgres", "/bare");
            try (QueryApi api = QueryApi.start(bareUrl, postgres.user(), postgres.password(), 0, 0,
                    Map.of("chaintrack.api.validate-schema", false));
                 Clients clients = new Clients(api)) {
                Clients.Response ready = clients.get("/v1/health/readiness");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().get("reason").getAsString()).contains("schema not migrated").contains("chains");
                Clients.Response health = clients.get("/v1/health");
                assertThat(health.status()).isEqualTo(503);
                CheckResponse body = health.parse(CheckResponse.newBuilder()).build();
                assertThat(body.getDatabaseUp()).isTrue();
                assertThat(body.getSchemaMigrated()).isFalse();
                assertThat(body.getMissingSchemaList()).contains("chains", "ingest_endpoint_status");

                io.chaintrack.connectors.postgres.Migrations.migrate(bareUrl, postgres.user(), postgres.password());
                assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                assertThat(clients.get("/v1/health").status()).isEqualTo(200);
            }
        }
    }
}
