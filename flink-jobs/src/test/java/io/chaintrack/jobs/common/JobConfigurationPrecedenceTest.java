package io.chaintrack.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.jobs.analytics.AnalyticsJobOptionsAccess;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.ingest.IngestJobOptionsAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** defaults < file < environment < flags, asserted on the configuration each job actually builds. */
class JobConfigurationPrecedenceTest {
    @TempDir
    Path dir;

    Path file(String content) throws IOException {
        Path f = dir.resolve("jobs.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void balanceJobWindowsAndDatabaseFollowThePrecedence() throws IOException {
        Path f = file("""
                chaintrack.balances.windows=2h
                chaintrack.jdbc.url=jdbc:postgresql://file/db
                chaintrack.kafka.bootstrap-servers=file:9092
                chaintrack.balances.jdbc-batch-size=111
                """);
        String[] withFile = {"--config-file", f.toString()};
        Map<String, String> env = Map.of("CHAINTRACK_BALANCES_WINDOWS", "3h, 6h", "CHAINTRACK_JDBC_URL", "jdbc:postgresql://env/db");

        BalanceJob defaults = BalanceJob.parse(Map.of(), "--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:postgresql://x/y");
        assertThat(defaults.config().windows()).containsExactly(Duration.ofHours(1));
        assertThat(defaults.postgres().batchSize()).isEqualTo(50000);

        BalanceJob fromFile = BalanceJob.parse(Map.of(), withFile);
        assertThat(fromFile.config().windows()).containsExactly(Duration.ofHours(2));
        assertThat(fromFile.postgres().jdbcUrl()).isEqualTo("jdbc:postgresql://file/db");
        assertThat(fromFile.postgres().batchSize()).isEqualTo(111);
        assertThat(fromFile.kafkaInput().bootstrapServers()).isEqualTo("file:9092");

        BalanceJob fromEnv = BalanceJob.parse(env, withFile);
        assertThat(fromEnv.config().windows()).containsExactly(Duration.ofHours(3), Duration.ofHours(6));
        assertThat(fromEnv.postgres().jdbcUrl()).isEqualTo("jdbc:postgresql://env/db");
        assertThat(fromEnv.postgres().batchSize()).isEqualTo(111);

        BalanceJob fromFlag = BalanceJob.parse(env, "--config-file", f.toString(), "--windows", "4h",
                "--jdbc-url", "jdbc:postgresql://flag/db");
        assertThat(fromFlag.config().windows()).containsExactly(Duration.ofHours(4));
        assertThat(fromFlag.postgres().jdbcUrl()).isEqualTo("jdbc:postgresql://flag/db");
        assertThat(fromFlag.kafkaInput().bootstrapServers()).isEqualTo("file:9092");
    }

    @Test
    void aWindowFromTheEnvironmentThatDoesNotDivideADayNamesItsVariable() {
        assertThatThrownBy(() -> BalanceJob.parse(Map.of("CHAINTRACK_BALANCES_WINDOWS", "7h"),
                "--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:postgresql://x/y"))
                .hasMessageContaining("7h");
        assertThatThrownBy(() -> BalanceJob.parse(Map.of("CHAINTRACK_BALANCES_REORG_HORIZON", "1 day"),
                "--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:postgresql://x/y"))
                .hasMessageContaining("configuration key 'chaintrack.balances.reorg-horizon' from environment variable"
                        + " CHAINTRACK_BALANCES_REORG_HORIZON (layer environment) is '1 day'");
    }

    @Test
    void ingestJobEvmSettingsFollowThePrecedence() throws IOException {
        Path f = file("""
                chaintrack.ingest.source=evm
                chaintrack.ingest.chain-id=10
                chaintrack.ingest.rpc-urls=http://file-a:8545,http://file-b:8545
                chaintrack.ingest.poll-interval=5s
                chaintrack.ingest.reorg-depth=50
                chaintrack.kafka.bootstrap-servers=file:9092
                """);
        Map<String, String> env = Map.of("CHAINTRACK_INGEST_POLL_INTERVAL", "7s", "CHAINTRACK_INGEST_RPC_URLS", "http://env:8545");

        EvmChainConfig fileOnly = IngestJobOptionsAccess.evmConfig(Map.of(), "--config-file", f.toString());
        assertThat(fileOnly.chainId()).isEqualTo(10);
        assertThat(fileOnly.endpoints()).hasSize(2);
        assertThat(fileOnly.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fileOnly.reorgDepth()).isEqualTo(50);

        EvmChainConfig envOverFile = IngestJobOptionsAccess.evmConfig(env, "--config-file", f.toString());
        assertThat(envOverFile.pollInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(envOverFile.endpoints()).hasSize(1);
        assertThat(envOverFile.endpoints().get(0).url()).contains("env:8545");

        EvmChainConfig flagOverEnv = IngestJobOptionsAccess.evmConfig(env, "--config-file", f.toString(),
                "--poll-interval", "9s", "--reorg-depth", "20");
        assertThat(flagOverEnv.pollInterval()).isEqualTo(Duration.ofSeconds(9));
        assertThat(flagOverEnv.reorgDepth()).isEqualTo(20);
        assertThat(flagOverEnv.chainId()).isEqualTo(10);
    }

    @Test
    void feesAndTheHeadSubscriptionAreKeysOfTheOneOptionSet() throws IOException {
        Path f = file("""
                chaintrack.ingest.source=evm
                chaintrack.ingest.chain-id=10
                chaintrack.ingest.rpc-urls=http://file-a:8545
                chaintrack.ingest.fees=false
                chaintrack.ingest.ws-url=ws://file-ws:8546/
                chaintrack.kafka.bootstrap-servers=file:9092
                """);
        EvmChainConfig defaults = IngestJobOptionsAccess.evmConfig(Map.of(), "--source", "evm", "--rpc-url", "http://a:8545",
                "--bootstrap-servers", "k:9092");
        assertThat(defaults.fees()).isTrue();
        assertThat(defaults.nativeTransfers()).isTrue();
        assertThat(defaults.headSubscription()).isTrue();
        assertThat(defaults.wsUrl()).isNull();

        EvmChainConfig fromFile = IngestJobOptionsAccess.evmConfig(Map.of("CHAINTRACK_INGEST_HEAD_SUBSCRIPTION", "false"),
                "--config-file", f.toString());
        assertThat(fromFile.fees()).isFalse();
        assertThat(fromFile.nativeTransfers()).isTrue();
        assertThat(fromFile.wsUrl()).isEqualTo("ws://file-ws:8546/");
        assertThat(fromFile.headSubscription()).isFalse();

        EvmChainConfig feesOnly = IngestJobOptionsAccess.evmConfig(Map.of(), "--config-file", f.toString(),
                "--native-transfers", "false", "--fees", "true");
        assertThat(feesOnly.nativeTransfers()).isFalse();
        assertThat(feesOnly.fees()).isTrue();
        assertThat(feesOnly.receiptsNeeded()).isTrue();
        assertThatThrownBy(() -> IngestJobOptionsAccess.evmConfig(Map.of(), "--config-file", f.toString(),
                "--ws-url", "http://not-ws/")).hasMessageContaining("wsUrl must start with ws:// or wss://");
    }

    @Test
    void aChainPresetGivesItsDefaultsAndExplicitKeysStillWin() throws IOException {
        Path f = file("""
                chaintrack.ingest.source=evm
                chaintrack.ingest.chain-id=1
                chaintrack.ingest.rpc-urls=http://file-a:8545
                chaintrack.ingest.chain-preset=mainnet
                chaintrack.kafka.bootstrap-servers=file:9092
                """);
        EvmChainConfig preset = IngestJobOptionsAccess.evmConfig(Map.of(), "--config-file", f.toString());
        assertThat(preset.preset()).isEqualTo(ChainPresets.MAINNET);
        assertThat(preset.finality()).isEqualTo(FinalityPolicy.finalized());
        assertThat(preset.traces()).isEqualTo(EvmChainConfig.TraceMode.CALL_TRACER);

        EvmChainConfig finality = IngestJobOptionsAccess.evmConfig(Map.of("CHAINTRACK_INGEST_FINALITY", "64"),
                "--config-file", f.toString());
        assertThat(finality.finality()).isEqualTo(FinalityPolicy.confirmations(64));

        EvmChainConfig none = IngestJobOptionsAccess.evmConfig(Map.of(), "--bootstrap-servers", "k:1", "--source", "evm",
                "--chain-id", "5", "--rpc-url", "http://x:8545");
        assertThat(none.preset()).isEqualTo(ChainPresets.CUSTOM);
        assertThat(none.finality()).isEqualTo(FinalityPolicy.confirmations(0));
        assertThat(none.traces()).isEqualTo(EvmChainConfig.TraceMode.NONE);
    }

    @Test
    void analyticsJobWindowAndThresholdsFollowThePrecedence() throws IOException {
        Path f = file("chaintrack.analytics.window=2h\nchaintrack.analytics.z-threshold=4\n"
                + "chaintrack.analytics.chain-start-blocks=1=100,10=5\n");
        var fromFile = AnalyticsJobOptionsAccess.config(Map.of(), "--bootstrap-servers", "k:1", "--config-file", f.toString());
        assertThat(fromFile.window()).isEqualTo(Duration.ofHours(2));
        assertThat(fromFile.zThreshold()).isEqualTo(4.0);
        assertThat(fromFile.startBlock(1)).isEqualTo(100);
        assertThat(fromFile.startBlock(10)).isEqualTo(5);
        var fromEnv = AnalyticsJobOptionsAccess.config(Map.of("CHAINTRACK_ANALYTICS_WINDOW", "30m"),
                "--bootstrap-servers", "k:1", "--config-file", f.toString());
        assertThat(fromEnv.window()).isEqualTo(Duration.ofMinutes(30));
        var fromFlag = AnalyticsJobOptionsAccess.config(Map.of("CHAINTRACK_ANALYTICS_WINDOW", "30m"),
                "--bootstrap-servers", "k:1", "--config-file", f.toString(), "--window", "15m");
        assertThat(fromFlag.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(fromFlag.zThreshold()).isEqualTo(4.0);
    }

    @Test
    void everyOptionOfEveryJobIsBoundToACatalogKey() {
        for (Object command : List.of(new BalanceJob(), new io.chaintrack.jobs.ingest.IngestJob(),
                new io.chaintrack.jobs.analytics.AnalyticsJob(), new io.chaintrack.jobs.analytics.PartitionMaintenance(),
                new io.chaintrack.jobs.prices.PriceJob(), new io.chaintrack.jobs.prices.PricePollerCommand())) {
            CommandLine cl = new CommandLine(command);
            for (var option : cl.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                var key = io.chaintrack.core.config.LayeredDefaults.keyOf(option);
                assertThat(key).as(cl.getCommandName() + " " + option.longestName()).isNotNull();
                assertThat(io.chaintrack.core.config.ConfigCatalog.KEYS).as(option.longestName()).contains(key.value());
            }
        }
        assertThat(ConfiguredCommandLine.CONFIG_FILE_KEY).isEqualTo("chaintrack.config-file");
    }
}
