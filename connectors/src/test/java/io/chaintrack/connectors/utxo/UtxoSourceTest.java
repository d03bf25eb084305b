package io.chaintrack.connectors.utxo;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.utxo.synthetic.BitcoinRpcServer;
import io.chaintrack.connectors.utxo.synthetic.SyntheticUtxoChain;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.ChainEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chain source on a Flink MiniCluster follows a Bitcoin Core-format node (the synthetic UTXO chain) live through
 * reorgs, chosen by the chain id alone; after each round every balance equals the chain's UTXO set at the head.
 */
class UtxoSourceTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static PrometheusRegistry registry() {
        return REGISTRY;
    }

    @Test
    void followsLiveThroughReorgs() throws Exception {
        SyntheticUtxoChain chain = new SyntheticUtxoChain(11, UtxoNetwork.LITECOIN_REGTEST, 8, 4);
        for (int i = 0; i < 12; i++) {
            chain.mine();
        }
        try (BitcoinRpcServer node = new BitcoinRpcServer(chain, 3)) {
            EvmChainConfig config = EvmChainConfig.builder(UtxoNetwork.LITECOIN_REGTEST.chainId(), "ltc-regtest")
                    .endpoint(node.url()).startBlock(0).blocksPerSplit(4).blocksPerFetch(4)
                    .finality(FinalityPolicy.confirmations(0)).reorgDepth(8)
                    .pollInterval(Duration.ofMillis(100)).build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            var stream = env.fromSource(EvmChainSource.create(config, UtxoSourceTest::registry),
                    WatermarkStrategy.noWatermarks(), "utxo-ltc").uid("utxo-source-ltc");
            UtxoLedger ledger = new UtxoLedger(chain, false);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (CloseableIterator<ChainEvent> events = stream.executeAndCollect("utxo-follow")) {
                Thread consumer = new Thread(() -> {
                    try {
                        while (events.hasNext()) {
                            ledger.apply(events.next());
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "utxo-events");
                consumer.setDaemon(true);
                consumer.start();
                await(ledger, failure);
                assertThat(ledger.balances()).isEqualTo(chain.balancesAt(chain.height()));
                for (int depth : new int[] {2, 4, 1}) {
                    chain.mine();
                    chain.mine();
                    await(ledger, failure);
                    assertThat(ledger.balances()).isEqualTo(chain.balancesAt(chain.height()));
                    chain.reorg(depth);
                    await(ledger, failure);
                    assertThat(ledger.balances()).isEqualTo(chain.balancesAt(chain.height()));
                }
            }
            assertThat(ledger.balances()).isEqualTo(chain.balancesAt(chain.height()));
            assertThat(ledger.reverted).isGreaterThanOrEqualTo(2 + 4 + 1);
        }
    }

    private static void await(UtxoLedger ledger, AtomicReference<Throwable> failure) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ledger.atHead()) {
            if (failure.get() != null) {
                throw new AssertionError("the event consumer failed", failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the source did not reach the head within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
