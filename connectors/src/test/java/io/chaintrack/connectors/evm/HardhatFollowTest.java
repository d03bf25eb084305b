package io.chaintrack.connectors.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.BalanceFold;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.NodeBalances;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source on a Flink MiniCluster (parallelism 2) follows a real Hardhat node (20 prefunded accounts, EIP-1559
 * fees on) from block 0 while random token activity and reorgs (evm_snapshot / evm_revert, then other
 * transactions at the same heights) happen; the balances folded from the emitted events, genesis included, must
 * equal the node's own at every block of the final canonical chain: eth_getBalance of every account any native
 * transfer touched (prefunded, deployer, contracts, coinbase) and every token balance.
 */
class HardhatFollowTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    /** Hardhat's default coinbase: it receives every priority fee. */
    private static final String COINBASE = "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e";

    static PrometheusRegistry registry() {
        return REGISTRY;
    }

    @Test
    void followsTheHeadThroughReorgsAndFoldsToTheNodesBalancesAtEveryBlock() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            ChainScenario s = new ChainScenario(chain, 20240601L, 6);
            s.deploy();
            s.blocks(26, 5);

            EvmChainConfig config = EvmChainConfig.builder(31337, "hardhat-follow")
                    .endpoint(node.url())
                    .preset(ChainPresets.HARDHAT)
                    .startBlock(0)
                    .blocksPerSplit(4)
                    .blocksPerFetch(4)
                    .pollInterval(Duration.ofMillis(100))
                    .reorgDepth(12)
                    .requestTimeout(Duration.ofSeconds(10))
                    .build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            var stream = env.fromSource(EvmChainSource.create(config, HardhatFollowTest::registry),
                    WatermarkStrategy.noWatermarks(), "evm-hardhat").uid("evm-source-hardhat");

            BalanceFold fold = new BalanceFold();
            AtomicReference<Throwable> consumerError = new AtomicReference<>();
            List<ChainEvent> all = java.util.Collections.synchronizedList(new ArrayList<>());
            try (CloseableIterator<ChainEvent> events = stream.executeAndCollect("evm-follow")) {
                Thread consumer = new Thread(() -> {
                    try {
                        while (events.hasNext()) {
                            ChainEvent e = events.next();
                            all.add(e);
                            fold.accept(e);
                        }
                    } catch (Throwable t) {
                        consumerError.set(t);
                    }
                }, "evm-events");
                consumer.setDaemon(true);
                consumer.start();

                awaitFollowed(chain, fold, consumerError);
                int[][] rounds = {{3, 4}, {4, 2}, {2, 5}, {5, 5}};
                for (int[] r : rounds) {
                    ChainScenario.Snapshot snap = s.snapshot();
                    s.blocks(r[0], 4);
                    awaitFollowed(chain, fold, consumerError);
                    s.revert(snap);
                    s.blocks(r[1], 4);
                    awaitFollowed(chain, fold, consumerError);
                }
                s.blocks(3, 4);
                awaitFollowed(chain, fold, consumerError);
            }

            long head = chain.blockNumber();
            assertThat(fold.violations()).isEmpty();
            assertThat(fold.revertedCount()).as("REVERTED events emitted").isGreaterThanOrEqualTo(3 + 4 + 2 + 5);
            for (long n = 0; n <= head; n++) {
                assertThat(fold.hashAt(n)).as("block %d", n).isEqualTo(chain.block(n).getHash());
            }
            assertThat(fold.canonical()).hasSize((int) head + 1);
            assertThat(fold.appliedEvents()).flatMap(ChainEvent::getTransfersList)
                    .allSatisfy(t -> assertThat(t.getKind()).isNotEqualTo(TransferKind.TRANSFER_KIND_UNSPECIFIED));
            assertThat(fold.appliedEvents().get(0).getTransfersList()).as("block 0: one genesis credit per dev account")
                    .hasSize(20).allSatisfy(t -> assertThat(t.getKind()).isEqualTo(TransferKind.TRANSFER_KIND_GENESIS));

            List<String> ethHolders = new ArrayList<>(fold.nativeAccounts());
            assertThat(ethHolders).containsAll(chain.accounts()).contains(COINBASE);
            List<String> mismatches = NodeBalances.mismatches(chain, fold, s, ethHolders, NodeBalances.ABSOLUTE, 0, head);
            assertThat(mismatches).as("node balances vs folded events").isEmpty();

            String metrics = scrape();
            assertThat(metrics).contains("chaintrack_reorgs_total{chain=\"hardhat-follow\"} 4.0");
            assertThat(metrics).contains("chaintrack_reorg_depth_count{chain=\"hardhat-follow\"} 4");
            assertThat(metrics).contains("chaintrack_skipped_logs_total{chain=\"hardhat-follow\",reason=\"topic_count\"}");
            assertThat(metrics).contains("chaintrack_ingest_head_block{chain=\"hardhat-follow\"} " + head + ".0");
            assertThat(metrics).containsPattern("chaintrack_rpc_calls_total\\{chain=\"hardhat-follow\",endpoint=\"127.0.0.1:"
                    + node.port() + "\",method=\"batch\",status=\"200\"}");
        }
    }

    private static void awaitFollowed(HardhatChain chain, BalanceFold fold, AtomicReference<Throwable> error)
            throws Exception {
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        Await.until(() -> {
            if (error.get() != null) {
                throw new AssertionError("event stream failed", error.get());
            }
            return fold.tip() == head && hash.equals(fold.hashAt(head));
        }, 60_000, () -> "node head " + head + " " + hash + ", folded tip " + fold.tip() + " " + fold.hashAt(fold.tip()));
    }

    private static String scrape() throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, REGISTRY.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
