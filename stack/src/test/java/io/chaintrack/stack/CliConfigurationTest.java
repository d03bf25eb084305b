package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.api.config.LayeredApiProperties;
import io.chaintrack.core.config.ConfigCatalog;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.core.config.LayeredDefaults;
import io.chaintrack.jobs.common.MigrateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The distribution's subcommands read defaults &lt; --config-file &lt; CHAINTRACK_* environment &lt; flags, and
 * every option of every subcommand is bound to a key of the catalog (which docs/configuration.md lists).
 */
class CliConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void migrateReadsFileThenEnvironmentThenFlag() throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "chaintrack.jdbc.url=jdbc:postgresql://file/db\nchaintrack.jdbc.user=file-user\n");
        MigrateCommand fromFile = migrate(Map.of(), "migrate", "--config-file", file.toString());
        assertThat(fromFile.jdbcUrl()).isEqualTo("jdbc:postgresql://file/db");
        assertThat(fromFile.user()).isEqualTo("file-user");

        Map<String, String> env = Map.of("CHAINTRACK_CONFIG_FILE", file.toString(), "CHAINTRACK_JDBC_URL", "jdbc:postgresql://env/db");
        MigrateCommand fromEnv = migrate(env, "migrate");
        assertThat(fromEnv.jdbcUrl()).isEqualTo("jdbc:postgresql://env/db");
        assertThat(fromEnv.user()).isEqualTo("file-user");

        MigrateCommand fromFlag = migrate(env, "migrate", "--jdbc-url", "jdbc:postgresql://flag/db");
        assertThat(fromFlag.jdbcUrl()).isEqualTo("jdbc:postgresql://flag/db");

        // the API's datasource keys are fallbacks (the migrate Job reads the jobs' ConfigMap and CHAINTRACK_JDBC_*)
        MigrateCommand fromApiKeys = migrate(Map.of("CHAINTRACK_API_DATASOURCE_URL", "jdbc:postgresql://api/db",
                "CHAINTRACK_API_DATASOURCE_USER", "app"), "migrate");
        assertThat(fromApiKeys.jdbcUrl()).isEqualTo("jdbc:postgresql://api/db");
        assertThat(fromApiKeys.user()).isEqualTo("app");

        assertThatThrownBy(() -> migrate(Map.of(), "migrate"))
                .hasMessageContaining("chaintrack.jdbc.url").hasMessageContaining("CHAINTRACK_JDBC_URL");
    }

    @Test
    void apiSubcommandHandsTheSameLayersToMicronaut() throws Exception {
        Path file = dir.resolve("api.properties");
        Files.writeString(file, "chaintrack.api.http-port=7000\nchaintrack.api.grpc-port=7001\n"
                + "chaintrack.api.datasource.url=jdbc:postgresql://file/db\nchaintrack.api.max-limit=10\n");
        Map<String, String> env = Map.of("CHAINTRACK_API_HTTP_PORT", "7100", "CHAINTRACK_API_DATASOURCE_URL", "jdbc:postgresql://env/db",
                "CHAINTRACK_API_STREAMS_HEARTBEAT", "20s");
        CommandLine cli = ChaintrackCli.commandLine();
        CommandLine.ParseResult parsed = ConfiguredCommandLine.parse(cli, env,
                "api", "--config-file", file.toString(), "--jdbc-url", "jdbc:postgresql://flag/db");
        Map<String, Object> micronaut = LayeredApiProperties.properties(
                ConfiguredCommandLine.effective(parsed.subcommand()));
        assertThat(micronaut)
                .containsEntry("micronaut.server.port", 7100)                  // env over file
                .containsEntry("grpc.server.port", 7001)                       // file
                .containsEntry("datasources.default.url", "jdbc:postgresql://flag/db") // flag over env
                .containsEntry("chaintrack.api.max-limit", 10L)
                .containsEntry("chaintrack.api.streams.heartbeat", "PT20S")
                .doesNotContainKey("chaintrack.api.default-limit");            // unset: application.yml decides
    }

    @Test
    void ingestSubcommandReadsTheJobsKeys() {
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "CHAINTRACK_INGEST_SYNTHETIC_SEED", "99"), "ingest", "--chain-id", "5");
        CommandLine ingest = cli.getSubcommands().get("ingest");
        assertThat((String) ingest.getCommandSpec().findOption("--bootstrap-servers").getValue()).isEqualTo("env:9092");
        assertThat((Long) ingest.getCommandSpec().findOption("--seed").getValue()).isEqualTo(99L);
        assertThat((Long) ingest.getCommandSpec().findOption("--chain-id").getValue()).isEqualTo(5L);
    }

    /** Options of the roles (not the per-call arguments of keys' own subcommands such as create --name). */
    @Test
    void everyOptionOfEverySubcommandIsACatalogKey() {
        ChaintrackCli.commandLine().getSubcommands().values().forEach(CliConfigurationTest::check);
    }

    private static void check(CommandLine cl) {
        for (var option : cl.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            var key = LayeredDefaults.keyOf(option);
            assertThat(key).as(cl.getCommandName() + " " + option.longestName() + " has no @ConfigKey").isNotNull();
            assertThat(ConfigCatalog.KEYS).as(cl.getCommandName() + " " + option.longestName()).contains(key.value());
            for (String fallback : key.fallbacks()) {
                assertThat(ConfigCatalog.KEYS).contains(fallback);
            }
        }
    }

    private static MigrateCommand migrate(Map<String, String> env, String... args) {
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, env, args);
        return cli.getSubcommands().get("migrate").getCommand();
    }
}
