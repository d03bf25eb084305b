package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.CacheConfig;
import io.chaintrack.api.config.LayeredApiProperties;
import io.chaintrack.core.config.ConfigException;
import io.chaintrack.core.config.LayeredConfig;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API reads the same layers as the jobs: application.yml (defaults) &lt; file &lt; CHAINTRACK_* environment &lt;
 * flags, asserted on the settings the running API uses (its beans, and the database it actually answers from).
 */
class ConfigurationPrecedenceTest {
    static EmbeddedPostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        new SeedData().seed(postgres.dataSource());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void fileThenEnvironmentThenFlagsOverApplicationYml() throws Exception {
        Path file = dir.resolve("api.properties");
        Files.writeString(file, """
                chaintrack.api.datasource.url=jdbc:postgresql://127.0.0.1:1/from-file
                chaintrack.api.max-limit=50
                chaintrack.api.default-limit=5
                chaintrack.api.cache.ttls.list-chains=9s
                chaintrack.api.query-timeout=3s
                """);
        Map<String, String> env = Map.of(
                "CHAINTRACK_CONFIG_FILE", file.toString(),
                "CHAINTRACK_API_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/from-env",
                "CHAINTRACK_API_DATASOURCE_USER", postgres.user(),
                "CHAINTRACK_API_DATASOURCE_PASSWORD", postgres.password(),
                "CHAINTRACK_API_MAX_LIMIT", "40",
                "CHAINTRACK_API_AUTH_ENABLED", "false",
                "CHAINTRACK_API_CACHE_TTLS_LIST_CHAINS", "7s");
        LayeredConfig layers = LayeredApiProperties.fromEnvironment(env).toBuilder()
                .flag("chaintrack.api.datasource.url", postgres.jdbcUrl(), "--jdbc-url")
                .flag("chaintrack.api.http-port", "0", "--http-port")
                .flag("chaintrack.api.grpc-port", "0", "--grpc-port")
                .build();
        try (QueryApi api = QueryApi.start(layers, Map.of()); Clients clients = new Clients(api)) {
            ApiConfig config = api.context().getBean(ApiConfig.class);
            assertThat(config.maxLimit()).as("environment over file").isEqualTo(40);
            assertThat(config.defaultLimit()).as("file over application.yml").isEqualTo(5);
            assertThat(config.queryTimeout()).as("file").isEqualTo(Duration.ofSeconds(3));
            assertThat(config.requestTimeout()).as("application.yml default").isEqualTo(Duration.ofSeconds(15));
            assertThat(api.context().getBean(CacheConfig.class).ttls())
                    .as("map entry: environment over file").containsEntry("list-chains", Duration.ofSeconds(7));
            // the flag's URL is the database the API answers from (file and environment name unreachable ones)
            Clients.Response health = clients.get("/v1/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").getAsString()).isEqualTo("SERVING");
            // auth disabled from the environment: a query route answers without a key
            assertThat(clients.get("/v1/chains").status()).isEqualTo(200);
        }
    }

    @Test
    void withoutTheFlagTheEnvironmentsDatabaseIsUsed() throws Exception {
        Map<String, String> env = Map.of(
                "CHAINTRACK_API_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/from-env",
                "CHAINTRACK_API_HTTP_PORT", "0", "CHAINTRACK_API_GRPC_PORT", "0");
        try (QueryApi api = QueryApi.start(LayeredApiProperties.fromEnvironment(env), Map.of());
             Clients clients = new Clients(api)) {
            Clients.Response health = clients.get("/v1/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("databaseUp").getAsBoolean()).isFalse();
        }
    }

    @Test
    void badOrUnknownSettingsFailStartUpNamingKeyLayerAndOrigin() throws Exception {
        assertThatThrownBy(() -> QueryApi.start(LayeredApiProperties.fromEnvironment(
                Map.of("CHAINTRACK_API_MAX_LIMIT", "lots")), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'chaintrack.api.max-limit' from environment variable CHAINTRACK_API_MAX_LIMIT")
                .hasMessageContaining("layer environment");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "chaintrack.api.request-timeout=soon\n");
        assertThatThrownBy(() -> QueryApi.start(LayeredApiProperties.fromEnvironment(
                Map.of("CHAINTRACK_CONFIG_FILE", file.toString())), Map.of()))
                .hasMessageContaining("'chaintrack.api.request-timeout' from file " + file)
                .hasMessageContaining("layer file");
        assertThatThrownBy(() -> LayeredApiProperties.fromEnvironment(Map.of("CHAINTRACK_API_DATASOURCE_URI", "x")))
                .hasMessageContaining("CHAINTRACK_API_DATASOURCE_URI (environment variable)");
    }
}
