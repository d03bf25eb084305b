package io.chaintrack.connectors.evm.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.CollectingSink;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.proto.v1.ChainEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops the source mid-backfill with a savepoint and starts a new job from it: the two runs together emit
 * every block exactly once (split progress and the enumerator's unassigned ranges both come back).
 */
class RestartFromSavepointTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static PrometheusRegistry registry() {
        return REGISTRY;
    }

    @Test
    void resumesFromASavepointWithoutLosingOrRepeatingABlock(@TempDir Path tmp) throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            ChainScenario s = new ChainScenario(chain, 5, 4);
            s.deploy();
            s.blocks(36, 2);
            long head = chain.blockNumber();
            // slow enough (10 calls/s, one block per fetch) that the stop lands mid-backfill
            RpcCredential key = RpcCredential.none("restart-" + UUID.randomUUID()).withRateLimit(RateLimit.perSecond(10));
            EvmChainConfig config = EvmChainConfig.builder(31337, "hardhat-restart")
                    .endpoint(RpcEndpoint.of("node", node.url(), key))
                    .finality(FinalityPolicy.finalized()).startBlock(1).endBlock(head)
                    .blocksPerSplit(5).blocksPerFetch(1).build();

            String first = "restart-1-" + UUID.randomUUID();
            JobClient job = job(config, first, new Configuration()).executeAsync("evm-restart-1");
            Await.until(() -> CollectingSink.received(first).size() >= 12, 60_000,
                    () -> "only " + CollectingSink.received(first).size() + " events before the stop");
            String savepoint = job.stopWithSavepoint(false, tmp.toUri().toString(), SavepointFormatType.CANONICAL).get();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.FINISHED);
            int firstRun = CollectingSink.received(first).size();
            assertThat(firstRun).as("stopped mid-backfill").isLessThan((int) head);
            assertThat(Files.isDirectory(Path.of(java.net.URI.create(savepoint)))).isTrue();

            String second = "restart-2-" + UUID.randomUUID();
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            job(config, second, restore).execute("evm-restart-2");

            List<ChainEvent> all = new ArrayList<>(CollectingSink.received(first));
            all.addAll(CollectingSink.received(second));
            assertThat(CollectingSink.received(second)).isNotEmpty();
            TreeMap<Long, ChainEvent> byNumber = new TreeMap<>();
            for (ChainEvent e : all) {
                ChainEvent dup = byNumber.put(e.getBlock().getNumber(), e);
                assertThat(dup).as("block %d emitted twice", e.getBlock().getNumber()).isNull();
            }
            assertThat(byNumber.keySet()).hasSize((int) head);
            assertThat(byNumber.firstKey()).isEqualTo(1L);
            assertThat(byNumber.lastKey()).isEqualTo(head);
            for (long n = 1; n <= head; n++) {
                assertThat(byNumber.get(n).getBlock().getHash()).isEqualTo(chain.block(n).getHash());
            }
        }
    }

    private static StreamExecutionEnvironment job(EvmChainConfig config, String sink, Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(EvmChainSource.create(config, RestartFromSavepointTest::registry), WatermarkStrategy.noWatermarks(),
                        "evm-restart").uid("evm-source-restart")
                .sinkTo(new CollectingSink(sink)).name("collect").uid("collect");
        return env;
    }
}
