package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The API never creates the schema: it refuses to start on a database without it and leaves it untouched. */
class StartupTest {
    @Test
    void refusesADatabaseWithoutTheSchemaAndNeverMigrates() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "CREATE DATABASE bare");
            }
            String bareUrl = postgres.jdbcUrl().replace("/postgres", "/bare");
            assertThatThrownBy(() -> QueryApi.start(bareUrl, postgres.user(), postgres.password(), 0, 0))
                    .hasStackTraceContaining("missing tables [chains, blocks, transfers");
            try (Connection c = java.sql.DriverManager.getConnection(bareUrl, postgres.user(), postgres.password());
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            // the same database with validation switched off starts (and reports the failure per request)
            try (QueryApi api = QueryApi.start(bareUrl, postgres.user(), postgres.password(), 0, 0,
                    java.util.Map.of("chaintrack.api.validate-schema", false));
                 Clients clients = new Clients(api)) {
                assertThat(api.httpPort()).isPositive();
                assertThat(api.grpcPort()).isPositive().isNotEqualTo(api.httpPort());
                Clients.Response chains = clients.get("/v1/chains");
                assertThat(chains.status()).isEqualTo(500);
                assertThat(chains.json().get("detail").getAsString()).isEqualTo("internal error");
                assertThat(chains.body()).doesNotContain("relation");
            }
        }
    }

    @Test
    void timestampsWithOffsetsAreAccepted() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            new SeedData().seed(postgres.dataSource());
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
                 Clients clients = new Clients(api)) {
                String base = "/v1/chains/1/addresses/" + SeedData.A + "/tokens/native/history";
                Clients.Response utc = clients.get(base + "?start_time=2024-01-01T01:00:00Z");
                Clients.Response offset = clients.get(base + "?start_time=2024-01-01T02:00:00%2B01:00");
                assertThat(offset.status()).isEqualTo(200);
                assertThat(offset.body()).isEqualTo(utc.body());
                assertThat(utc.json().get("openingBalance").getAsString()).isEqualTo("100");
            }
        }
    }

    @Test
    void historyRefusesARangeWithMoreWindowsThanOneAnswerHolds() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            new SeedData().seed(postgres.dataSource());
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0,
                    java.util.Map.of("chaintrack.api.max-limit", 4, "chaintrack.api.default-limit", 2));
                 Clients clients = new Clients(api)) {
                String base = "/v1/chains/1/addresses/" + SeedData.A + "/tokens/native/history";
                Clients.Response all = clients.get(base);
                assertThat(all.status()).isEqualTo(400);
                assertThat(all.json().get("parameter").getAsString()).isEqualTo("start_time");
                assertThat(all.json().get("detail").getAsString()).contains("more than 4 windows");
                Clients.Response narrowed = clients.get(base + "?start_time=2024-01-01T01:00:00Z");
                assertThat(narrowed.status()).isEqualTo(200);
                assertThat(narrowed.json().getAsJsonArray("windows")).hasSize(4);
                // the all-token history counts windows over every token: 5 native + 1 ERC-1155 > 4
                Clients.Response portfolio = clients.get("/v1/chains/1/addresses/" + SeedData.A + "/history");
                assertThat(portfolio.status()).isEqualTo(400);
                assertThat(portfolio.json().get("parameter").getAsString()).isEqualTo("start_time");
                assertThat(portfolio.json().get("detail").getAsString()).contains("more than 4 windows over all tokens");
                assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.A + "/history?start_time=2024-01-01T03:00:00Z")
                        .json().getAsJsonArray("tokens")).hasSize(2);
                assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?limit=5").json()
                        .get("parameter").getAsString()).isEqualTo("limit");
            }
        }
    }
}
