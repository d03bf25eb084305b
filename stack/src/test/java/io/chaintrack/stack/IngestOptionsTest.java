package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.FaultProxy;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.core.config.ConfigException;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The stack and the ingest role read the same ingest keys and build the same EVM follower from them; each key
 * is checked on what reaches a real Hardhat node through a counting proxy or on what the follower reads from it,
 * not on the parsed value. A key the
 * running role does not use, or no role knows, fails with its name.
 */
class IngestOptionsTest {
    private static HardhatNode node;
    private static HardhatChain chain;
    private static long head;

    @TempDir
    Path dir;

    @BeforeAll
    static void chain() throws Exception {
        node = HardhatNode.start();
        chain = new HardhatChain(node.url());
        ChainScenario scenario = new ChainScenario(chain, 17L, 4);
        scenario.deploy();
        scenario.blocks(10, 3);
        head = chain.blockNumber();
    }

    @AfterAll
    static void stop() throws Exception {
        chain.close();
        node.close();
    }

    /** How each role turns a configuration file into the EVM follower it would run. */
    enum Role {
        STACK(file -> {
            CommandLine cli = ChaintrackCli.commandLine();
            ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--config-file", file.toString());
            return cli.getSubcommands().get("stack").<StackCommand>getCommand().evmConfig();
        }),
        INGEST(file -> {
            CommandLine cli = ChaintrackCli.commandLine();
            ConfiguredCommandLine.parse(cli, Map.of("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "unused:9092"),
                    "ingest", "--source", "evm", "--config-file", file.toString());
            return cli.getSubcommands().get("ingest").<IngestJob>getCommand().evmConfig();
        });

        final Function<Path, EvmChainConfig> configFrom;

        Role(Function<Path, EvmChainConfig> configFrom) {
            this.configFrom = configFrom;
        }
    }

    @Test
    void stackHoldsTheRateLimitAndStartBlockOfItsConfigFile() throws Exception {
        rateLimitAndStartBlockTakeEffect(Role.STACK);
    }

    @Test
    void ingestRoleHoldsTheRateLimitAndStartBlockOfItsConfigFile() throws Exception {
        rateLimitAndStartBlockTakeEffect(Role.INGEST);
    }

    private void rateLimitAndStartBlockTakeEffect(Role role) throws Exception {
        try (FaultProxy proxy = new FaultProxy(node.url())) {
            Path file = write("chaintrack.ingest.rpc-urls=" + proxy.url() + "\n"
                    + "chaintrack.ingest.chain-id=31337\n"
                    + "chaintrack.ingest.rate-limit=5\n"
                    + "chaintrack.ingest.start-block=4\n"
                    + "chaintrack.ingest.end-block=" + head + "\n"
                    + "chaintrack.ingest.blocks-per-fetch=1\n"
                    + "chaintrack.ingest.finality=finalized\n");
            EvmChainConfig config = role.configFrom.apply(file);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            List<ChainEvent> events = new ArrayList<>();
            try (CloseableIterator<ChainEvent> it = env.fromSource(EvmChainSource.create(config),
                    WatermarkStrategy.noWatermarks(), "evm-" + role).executeAndCollect("ingest-options-" + role)) {
                it.forEachRemaining(events::add);
            }

            assertThat(events).isNotEmpty();
            assertThat(events.stream().mapToLong(e -> e.getBlock().getNumber()).min().orElseThrow())
                    .as(role + ": first ingested block").isEqualTo(4);
            assertThat(events.stream().mapToLong(e -> e.getBlock().getNumber()).max().orElseThrow())
                    .as(role + ": last ingested block").isEqualTo(head);
            // one fetch per block: without the limit these calls come in one burst
            assertThat(proxy.arrivals().size()).as(role + ": calls at the node").isGreaterThan(5);
            // the configured 5 per second reached the client: calls start (1 s + guard) / 5 = 220 ms apart. Judged by the
            // median gap at the node, which one call delayed on a loaded machine (arriving next to its successor) does
            // not move; 6 per second would give 183 ms, no limit a few ms. The window guarantee itself is
            // RpcClientTest's and FaultInjectionTest's
            List<Long> at = proxy.arrivals().stream().map(FaultProxy.Arrival::nanos).sorted().toList();
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < at.size(); i++) {
                gaps.add(at.get(i) - at.get(i - 1));
            }
            gaps.sort(Long::compare);
            assertThat(gaps.get(gaps.size() / 2)).as(role + ": median gap between calls at the node, ns")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        }
    }

    @Test
    void theTracesOptionReachesTheReaderInBothRoles() throws Exception {
        for (Role role : Role.values()) {
            try (FaultProxy proxy = new FaultProxy(node.url())) {
                Path file = write("chaintrack.ingest.rpc-urls=" + proxy.url() + "\n"
                        + "chaintrack.ingest.chain-id=31337\n"
                        + "chaintrack.ingest.traces=trace-block\n"
                        + "chaintrack.ingest.receipts=transaction\n");
                EvmChainConfig config = role.configFrom.apply(file);
                try (RpcChainReader reader = new RpcChainReader(config, EvmMetrics.on(new PrometheusRegistry()))) {
                    reader.fetch(head, head);
                } catch (RuntimeException expected) {
                    // Hardhat has no trace_block: what matters is that the reader asked for it
                }
                List<String> methods = proxy.arrivals().stream().flatMap(a -> a.methods().stream()).toList();
                // receipts=transaction: never the per-block receipts call
                assertThat(methods).as(role + ": methods at the node").contains("trace_block")
                        .doesNotContain("eth_getBlockReceipts");
            }
        }
    }

    @Test
    void feeTransfersSwitchOffWithoutNativeValueTransfersInBothRoles() throws Exception {
        for (Role role : Role.values()) {
            List<TransferKind> noFees = nativeKinds(role, "chaintrack.ingest.fees=false\n");
            assertThat(noFees).as(role + ": fees off").contains(TransferKind.TRANSFER_KIND_CALL)
                    .doesNotContain(TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN);
            List<TransferKind> feesOnly = nativeKinds(role,
                    "chaintrack.ingest.native-transfers=false\nchaintrack.ingest.fees=true\n");
            assertThat(feesOnly).as(role + ": native value transfers off, fees on")
                    .contains(TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN)
                    .doesNotContain(TransferKind.TRANSFER_KIND_CALL);
        }
    }

    /** The kinds of the native-coin transfers the role's follower reads from blocks 1..head with these keys. */
    private List<TransferKind> nativeKinds(Role role, String keys) throws Exception {
        Path file = write("chaintrack.ingest.rpc-urls=" + node.url() + "\nchaintrack.ingest.chain-id=31337\n" + keys);
        EvmChainConfig config = role.configFrom.apply(file);
        try (RpcChainReader reader = new RpcChainReader(config, EvmMetrics.on(new PrometheusRegistry()))) {
            return reader.fetch(1, head).events().stream().flatMap(e -> e.getTransfersList().stream())
                    .filter(t -> t.getStandard() == TokenStandard.TOKEN_STANDARD_NATIVE).map(Transfer::getKind)
                    .distinct().toList();
        }
    }

    @Test
    void aKeyTheRoleDoesNotUseFailsWithTheKeyAndTheRole() throws Exception {
        Path analytics = write("chaintrack.ingest.rpc-urls=http://127.0.0.1:1/\nchaintrack.analytics.window=1h\n");
        for (Role role : Role.values()) {
            assertThatThrownBy(() -> role.configFrom.apply(analytics)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("chaintrack.analytics.window")
                    .hasMessageContaining("'" + role.name().toLowerCase() + "'");
        }
        // the ingest role's own delivery settings do not exist in the stack (it always writes exactly-once)
        Path delivery = write("chaintrack.ingest.delivery=at-least-once\n");
        assertThatThrownBy(() -> Role.STACK.configFrom.apply(delivery))
                .hasMessageContaining("chaintrack.ingest.delivery").hasMessageContaining("'stack'");
        // the stack's own settings are not the ingest role's
        Path bind = write("chaintrack.ingest.rpc-urls=http://127.0.0.1:1/\nchaintrack.stack.bind-address=0.0.0.0\n");
        assertThatThrownBy(() -> Role.INGEST.configFrom.apply(bind))
                .hasMessageContaining("chaintrack.stack.bind-address").hasMessageContaining("'ingest'");
    }

    @Test
    void anUnknownKeyFailsWithItsName() throws Exception {
        Path typo = write("chaintrack.ingest.rpc-urls=http://127.0.0.1:1/\nchaintrack.ingest.rate-limt=5\n");
        for (Role role : Role.values()) {
            assertThatThrownBy(() -> role.configFrom.apply(typo)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("unknown configuration keys: chaintrack.ingest.rate-limt");
        }
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        Path preset = write("chaintrack.ingest.rpc-urls=http://127.0.0.1:1/\nchaintrack.ingest.chain-preset=mainnett\n");
        Path traces = write("chaintrack.ingest.rpc-urls=http://127.0.0.1:1/\nchaintrack.ingest.traces=parity\n");
        for (Role role : Role.values()) {
            assertThatThrownBy(() -> role.configFrom.apply(preset)).hasMessageContaining("mainnett")
                    .hasMessageContaining("neither a built-in");
            assertThatThrownBy(() -> role.configFrom.apply(traces)).hasMessageContaining("chaintrack.ingest.traces")
                    .hasMessageContaining("parity");
        }
    }

    @Test
    void environmentVariablesOfOtherRolesOnlyWarn() {
        // Kubernetes shares ConfigMaps between roles: the API's variables reach the migrate Job, the jobs' the ingest job
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of("CHAINTRACK_API_HTTP_PORT", "8080",
                "CHAINTRACK_INGEST_RATE_LIMIT", "7", "CHAINTRACK_INGEST_RPC_URLS", "http://127.0.0.1:1/"), "stack");
        EvmChainConfig config = cli.getSubcommands().get("stack").<StackCommand>getCommand().evmConfig();
        assertThat(config.endpoints().get(0).credential().rateLimit().calls()).isEqualTo(7);
    }

    private Path write(String properties) throws Exception {
        Path file = Files.createTempFile(dir, "ingest", ".properties");
        Files.writeString(file, properties);
        return file;
    }
}
