package io.chaintrack.connectors.evm.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.FaultProxy;
import io.chaintrack.connectors.evm.testkit.FaultProxy.Fault;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.proto.v1.ChainEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole source (parallelism 2, one API key shared by both readers and the enumerator) reads a real node
 * through a proxy that answers 429 with Retry-After, 500, hangs, truncated JSON, logs of a wrong block and
 * refuses large log ranges. The run must end with exactly the events of a clean read, and the proxy must never
 * see more calls in a second than the key allows.
 */
class FaultInjectionTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static PrometheusRegistry registry() {
        return REGISTRY;
    }

    private static final int CALLS_PER_SECOND = 5;

    @Test
    void completesExactlyUnderFaultsWithinTheCallBudget() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            ChainScenario s = new ChainScenario(chain, 99, 5);
            s.deploy();
            s.blocks(16, 4);
            long head = chain.blockNumber();

            EvmChainConfig clean = EvmChainConfig.builder(31337, "hardhat-faults").endpoint(node.url())
                    .finality(FinalityPolicy.finalized()).startBlock(1).endBlock(head)
                    .blocksPerSplit(6).blocksPerFetch(4).maxLogRange(8)
                    .requestTimeout(Duration.ofMillis(800))
                    .retry(new RetryPolicy(12, Duration.ofMillis(50), 2.0, 0.5, Duration.ofSeconds(1)))
                    // a third of the calls fail: the breaker opens now and then and must only delay the run
                    .breaker(new BreakerPolicy(40f, 10, 10, Duration.ofSeconds(1), 2))
                    .build();
            List<ChainEvent> reference = new ArrayList<>();
            try (ChainReader direct = new RpcChainReader(clean, EvmMetrics.on(new PrometheusRegistry()))) {
                for (long n = 1; n <= head; n += 4) {
                    reference.addAll(direct.fetch(n, Math.min(head, n + 3)).events());
                }
            }

            try (FaultProxy proxy = new FaultProxy(node.url()).maxLogRange(3).requireHeader("x-api-key", "faulty-key")
                    .plan(new FaultProxy.Plan() {
                        @Override
                        public Fault decide(int i, List<String> methods) {
                            if (i == 9) {
                                return Fault.HANG;
                            }
                            return switch (i % 6) {
                                case 1 -> Fault.TOO_MANY_REQUESTS;
                                case 3 -> Fault.SERVER_ERROR;
                                case 5 -> methods.contains("eth_getLogs") ? Fault.WRONG_LOG_HASH : Fault.TRUNCATE;
                                default -> Fault.NONE;
                            };
                        }
                    })) {
                RpcCredential key = RpcCredential.header("faults-" + UUID.randomUUID(), "x-api-key", "faulty-key")
                        .withRateLimit(RateLimit.perSecond(CALLS_PER_SECOND));
                EvmChainConfig config = clean.toBuilder().clearEndpoints()
                        .endpoint(RpcEndpoint.of("proxy", proxy.url(), key)).build();

                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(2);
                List<ChainEvent> events = new ArrayList<>();
                try (CloseableIterator<ChainEvent> it = env.fromSource(
                        EvmChainSource.create(config, FaultInjectionTest::registry),
                        WatermarkStrategy.noWatermarks(), "evm-faults").uid("evm-source-faults")
                        .executeAndCollect("evm-faults")) {
                    it.forEachRemaining(events::add);
                }

                events.sort(Comparator.comparingLong(e -> e.getBlock().getNumber()));
                assertThat(strip(events)).isEqualTo(strip(reference));

                List<FaultProxy.Arrival> arrivals = proxy.arrivals();
                Set<Fault> seen = EnumSet.noneOf(Fault.class);
                arrivals.forEach(a -> seen.add(a.fault()));
                assertThat(seen).contains(Fault.TOO_MANY_REQUESTS, Fault.SERVER_ERROR, Fault.HANG, Fault.TRUNCATE,
                        Fault.WRONG_LOG_HASH);
                assertThat(arrivals).noneSatisfy(a -> assertThat(a.status()).isEqualTo(401));
                assertThat(proxy.maxCallsInAnyWindow(TimeUnit.SECONDS.toNanos(1)))
                        .as("calls in any one-second window at the proxy").isLessThanOrEqualTo(CALLS_PER_SECOND);
                for (FaultProxy.Arrival a : arrivals) {
                    if (a.status() == 429) {
                        assertThat(arrivals).as("silence after a 429 with Retry-After: 1")
                                .noneSatisfy(b -> assertThat(b.nanos() - a.nanos()).isBetween(1L, TimeUnit.SECONDS.toNanos(1) - 1));
                    }
                }
                EvmMetrics m = EvmMetrics.on(REGISTRY);
                assertThat(m.rpcRateLimited.labelValues("hardhat-faults", "proxy").get()).isGreaterThan(0);
                for (String status : List.of("429", "500", "timeout", "invalid_json")) {
                    double n = 0;
                    for (String method : List.of("eth_chainId", "eth_getBlockByNumber", "batch", "eth_getTransactionReceipt",
                            "eth_blockNumber")) {
                        n += m.rpcCalls.labelValues("hardhat-faults", "proxy", method, status).get();
                    }
                    assertThat(n).as("calls with status %s", status).isGreaterThan(0);
                }
            }
        }
    }

    private static List<ChainEvent> strip(List<ChainEvent> events) {
        return events.stream().map(e -> e.toBuilder().clearHeadNumber().build()).toList();
    }
}
