package io.chaintrack.connectors.evm.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.TcpProxy;
import io.chaintrack.proto.v1.ChainEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.Test;

/**
 * The tail follower against a real Hardhat node (WebSocket JSON-RPC on its HTTP port): a block mined with evm_mine is
 * picked up because a newHeads notification woke the poller (its timer is an hour away, and the head-poll counter
 * says which trigger ran), and once the socket drops the follower polls on its own interval again.
 */
class HeadSubscriptionTest {
    private final EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());

    @Test
    void aMinedBlockIsPickedUpThroughTheSubscription() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            chain.mine();
            // an hour between polls either way: within this test only a notification can make the follower look
            EvmChainConfig config = EvmChainConfig.builder(31337, "subscribed").endpoint(node.url())
                    .startBlock(chain.blockNumber()).pollInterval(Duration.ofHours(1)).build();
            try (Follower f = new Follower(config)) {
                awaitTip(f, chain);
                Await.until(() -> up("subscribed") == 1, 30_000, () -> "subscription never came up");
                assertThat(polls("subscribed", "subscription")).isZero();
                // mine only once the follower sleeps out its hour: a step still running would pick the block up itself
                awaitAsleep(f);

                chain.mine();
                awaitTip(f, chain);

                assertThat(metrics.headNotifications.labelValues("subscribed").get()).isGreaterThanOrEqualTo(1);
                assertThat(polls("subscribed", "subscription")).isGreaterThanOrEqualTo(1);
                assertThat(polls("subscribed", "timer")).isZero();
            }
        }
    }

    @Test
    void whenTheSocketDropsPollingTakesOver() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             TcpProxy ws = new TcpProxy(node.port())) {
            chain.mine();
            EvmChainConfig config = EvmChainConfig.builder(31337, "dropped").endpoint(node.url())
                    .wsUrl("ws://127.0.0.1:" + ws.port() + "/").startBlock(chain.blockNumber())
                    .pollInterval(Duration.ofMillis(200)).subscribedPollInterval(Duration.ofHours(1)).build();
            try (Follower f = new Follower(config)) {
                awaitTip(f, chain);
                Await.until(() -> up("dropped") == 1, 30_000, () -> "subscription through the proxy never came up");
                // the first block after the subscription came up may still be taken by the 200 ms timer's last poll;
                // once that step is done the follower sleeps out the subscribed hour, and only a notification wakes it
                chain.mine();
                awaitTip(f, chain);
                awaitAsleep(f);
                chain.mine();
                awaitTip(f, chain);
                assertThat(polls("dropped", "subscription")).as("the --ws-url subscription woke the poller")
                        .isGreaterThanOrEqualTo(1);

                ws.cut();
                Await.until(() -> up("dropped") == 0, 30_000, () -> "the dropped socket was not noticed");
                double notifications = metrics.headNotifications.labelValues("dropped").get();
                double bySubscription = polls("dropped", "subscription");
                double byTimer = polls("dropped", "timer");

                chain.mine();
                awaitTip(f, chain);
                Await.until(() -> polls("dropped", "timer") > byTimer, 30_000, () -> "no timer poll after the drop");

                assertThat(metrics.headNotifications.labelValues("dropped").get()).isEqualTo(notifications);
                assertThat(polls("dropped", "subscription")).isEqualTo(bySubscription);
                assertThat(up("dropped")).isZero();
            }
        }
    }

    private double polls(String chain, String trigger) {
        return metrics.headPolls.labelValues(chain, trigger).get();
    }

    private double up(String chain) {
        return metrics.headSubscriptionUp.labelValues(chain).get();
    }

    /** Waits until the follower's thread sleeps until its next poll time (EvmSplitReader.sleepUntil). */
    private static void awaitAsleep(Follower f) throws Exception {
        Await.until(() -> java.util.Arrays.stream(f.thread.getStackTrace())
                .anyMatch(e -> e.getMethodName().equals("sleepUntil")), 30_000, () -> "the follower never went idle");
    }

    /** Waits until the follower emitted the node's current head, by number and hash. */
    private static void awaitTip(Follower f, HardhatChain chain) throws Exception {
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        Await.until(() -> {
            f.check();
            return hash.equals(f.emitted.get(head));
        }, 30_000, () -> "block " + head + " " + hash + " not emitted; emitted " + f.emitted.keySet());
    }

    /** An EvmSplitReader on the tail split, fetched in a loop on its own thread as Flink's fetcher would. */
    private final class Follower implements AutoCloseable {
        final Map<Long, String> emitted = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final EvmSplitReader reader;
        final Thread thread;
        volatile boolean stop;

        Follower(EvmChainConfig config) {
            reader = new EvmSplitReader(config, new RpcChainReader(config, metrics), metrics);
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(EvmSplit.tail(config.startBlock(), null))));
            thread = new Thread(() -> {
                try {
                    while (!stop) {
                        RecordsWithSplitIds<ChainEvent> records = reader.fetch();
                        while (records.nextSplit() != null) {
                            ChainEvent e;
                            while ((e = records.nextRecordFromSplit()) != null) {
                                emitted.put(e.getBlock().getNumber(), e.getBlock().getHash());
                            }
                        }
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "tail-follower");
            thread.setDaemon(true);
            thread.start();
        }

        void check() {
            if (error.get() != null) {
                throw new AssertionError("follower failed", error.get());
            }
        }

        @Override
        public void close() throws Exception {
            stop = true;
            reader.wakeUp();
            thread.join(10_000);
            reader.close();
        }
    }
}
