package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What health costs the shared database, counted by the server itself (pg_stat_statements preloaded in a
 * real PostgreSQL): once the schema is complete it is not looked up again, and the per-chain status is
 * read once per call; while it is incomplete every call re-checks it, so readiness follows the migration.
 * Kafka lag (in-process broker) is one reading per refresh interval.
 */
class HealthLoadTest {
    static final Predicate<String> SCHEMA = q -> q.contains("to_regclass") || q.contains("information_schema.columns");
    static final Predicate<String> CHAIN_STATUS = q -> q.contains("LATERAL") && q.contains("head_seen_at");
    static final Predicate<String> CHAIN_LIST = q -> q.contains("LATERAL") && !q.contains("head_seen_at");
    static final Predicate<String> ENDPOINTS = q -> q.contains("FROM ingest_endpoint_status");
    static final Predicate<String> CONSUMER_LAG = q -> q.contains("FROM consumer_lag");

    @Test
    void repeatedHealthChecksDoNotRepeatTheSchemaLookupsOrTheChainStatus() throws Exception {
        try (EmbeddedPostgres postgres = countingPostgres()) {
            Migrations.migrate(postgres.getPostgresDatabase());
            new SeedData().seed(postgres.getPostgresDatabase());
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
            try (Connection stats = postgres.getPostgresDatabase().getConnection();
                 QueryApi api = QueryApi.start(url, "postgres", "", 0, 0,
                         Map.of("chaintrack.api.cache.enabled", false, "datasources.default.connection-timeout", 1000));
                 Clients clients = new Clients(api)) {
                SeedData.execute(stats, "CREATE EXTENSION pg_stat_statements");
                assertThat(clients.get("/v1/health").status()).isEqualTo(200);

                int calls = 5;
                reset(stats);
                for (int i = 0; i < calls; i++) {
                    assertThat(clients.get("/v1/health").status()).isEqualTo(200);
                    CheckResponse grpc = clients.health.check(CheckRequest.getDefaultInstance());
                    assertThat(grpc.getStatus()).isEqualTo("SERVING");
                    assertThat(grpc.getSchemaMigrated()).isTrue();
                    assertThat(grpc.getChainsList()).extracting(c -> c.getChainId()).containsExactly(1L, 10L);
                    assertThat(grpc.getChainStatusesList()).extracting(c -> c.getChainId()).containsExactly(1L, 10L);
                }
                Map<String, Long> health = calls(stats, "postgres");
                System.out.printf("health x%d: schema=%d status=%d list=%d endpoints=%d all=%d %s%n", 2 * calls,
                        sum(health, SCHEMA), sum(health, CHAIN_STATUS), sum(health, CHAIN_LIST), sum(health, ENDPOINTS),
                        sum(health, q -> true), health);
                assertThat(sum(health, SCHEMA)).as("schema look-ups after the schema was found complete").isZero();
                assertThat(sum(health, CHAIN_STATUS)).as("chain status queries").isEqualTo(2L * calls);
                assertThat(sum(health, CHAIN_LIST)).as("the chain list is derived from the status").isZero();
                assertThat(sum(health, ENDPOINTS)).isEqualTo(2L * calls);
                assertThat(sum(health, CONSUMER_LAG)).isEqualTo(2L * calls);

                reset(stats);
                for (int i = 0; i < calls; i++) {
                    assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                    assertThat(clients.health.readiness(ReadinessRequest.getDefaultInstance()).getReady()).isTrue();
                }
                Map<String, Long> readiness = calls(stats, "postgres");
                System.out.printf("readiness x%d: schema=%d all=%d %s%n", 2 * calls, sum(readiness, SCHEMA),
                        sum(readiness, q -> true), readiness);
                assertThat(sum(readiness, SCHEMA)).isZero();
                assertThat(sum(readiness, q -> q.contains("AS ready"))).as("readiness still asks the database")
                        .isEqualTo(2L * calls);

                // the database refuses the API for a while: reported as down, the known-good schema is kept
                try (Connection admin = postgres.getDatabase("postgres", "template1").getConnection()) {
                    SeedData.execute(admin, "ALTER DATABASE postgres ALLOW_CONNECTIONS false");
                    SeedData.execute(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'"
                            + " AND backend_type = 'client backend' AND pid <> " + backendPid(stats));
                }
                Clients.Response down = clients.get("/v1/health");
                assertThat(down.status()).isEqualTo(503);
                CheckResponse downBody = down.parse(CheckResponse.newBuilder()).build();
                assertThat(downBody.getDatabaseUp()).isFalse();
                assertThat(downBody.getSchemaMigrated()).as("unknown while the database is down").isFalse();
                assertThat(downBody.getChainStatusesList()).isEmpty();
                assertThat(clients.get("/v1/health/readiness").json().get("reason").getAsString()).isEqualTo("database not answering");
                try (Connection admin = postgres.getDatabase("postgres", "template1").getConnection()) {
                    SeedData.execute(admin, "ALTER DATABASE postgres ALLOW_CONNECTIONS true");
                }
                reset(stats);
                // the API fails fast while the database is down (DatabaseGate) and reopens once its probe connects
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
                int status;
                while ((status = clients.get("/v1/health").status()) != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(status).as("health once the database accepts connections again").isEqualTo(200);
                assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                assertThat(sum(calls(stats, "postgres"), SCHEMA)).as("no schema look-up after the database came back").isZero();

                // a database replaced behind the process (a table gone): the remembered schema is dropped and named
                SeedData.execute(stats, "DROP TABLE ingest_endpoint_status");
                Clients.Response gone = clients.get("/v1/health");
                assertThat(gone.status()).isEqualTo(503);
                CheckResponse goneBody = gone.parse(CheckResponse.newBuilder()).build();
                assertThat(goneBody.getDatabaseUp()).isTrue();
                assertThat(goneBody.getSchemaMigrated()).isFalse();
                assertThat(goneBody.getMissingSchemaList()).containsExactly("ingest_endpoint_status");
                assertThat(clients.get("/v1/health/readiness").json().get("reason").getAsString())
                        .contains("schema not migrated").contains("ingest_endpoint_status");
            }
        }
    }

    @Test
    void anIncompleteSchemaIsCheckedOnEveryCallUntilTheMigrationsRan() throws Exception {
        try (EmbeddedPostgres postgres = countingPostgres()) {
            try (Connection c = postgres.getPostgresDatabase().getConnection()) {
                SeedData.execute(c, "CREATE DATABASE bare");
                SeedData.execute(c, "CREATE EXTENSION pg_stat_statements");
            }
            String bareUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/bare";
            try (Connection stats = postgres.getPostgresDatabase().getConnection();
                 QueryApi api = QueryApi.start(bareUrl, "postgres", "", 0, 0, Map.of("chaintrack.api.validate-schema", false));
                 Clients clients = new Clients(api)) {
                reset(stats);
                for (int i = 0; i < 3; i++) {
                    assertThat(clients.get("/v1/health").status()).isEqualTo(503);
                    assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(503);
                }
                long incomplete = sum(calls(stats, "bare"), SCHEMA);
                System.out.printf("incomplete schema, 6 calls: schema statements=%d%n", incomplete);
                assertThat(incomplete).as("one schema look-up statement per call while incomplete").isEqualTo(6);

                Migrations.migrate(bareUrl, "postgres", "");
                assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                reset(stats);
                for (int i = 0; i < 3; i++) {
                    assertThat(clients.get("/v1/health").status()).isEqualTo(200);
                    assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(200);
                }
                assertThat(sum(calls(stats, "bare"), SCHEMA)).as("complete schema remembered").isZero();
            }
        }
    }

    static EmbeddedPostgres countingPostgres() throws Exception {
        return EmbeddedPostgres.builder()
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track", "all")
                .start();
    }

    static int backendPid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void reset(Connection stats) throws Exception {
        try (Statement st = stats.createStatement()) {
            st.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** Calls per normalised statement text run in {@code database} since the last reset (this test's own excluded). */
    static Map<String, Long> calls(Connection stats, String database) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Statement st = stats.createStatement();
             ResultSet rs = st.executeQuery("SELECT s.query, sum(s.calls) FROM pg_stat_statements s"
                     + " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '" + database + "'"
                     + " AND s.query NOT LIKE '%pg_stat_statements%' GROUP BY s.query")) {
            while (rs.next()) {
                out.merge(rs.getString(1).replaceAll("\\s+", " "), rs.getLong(2), Long::sum);
            }
        }
        return out;
    }

    static long sum(Map<String, Long> calls, Predicate<String> which) {
        return calls.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }
}
