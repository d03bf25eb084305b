package io.chaintrack.connectors.evm.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
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
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RPC discipline against a real node behind a fault-injecting proxy: failover past a broken endpoint,
 * adaptive eth_getLogs splitting, refetch of logs that name the wrong block, call spacing counted at the proxy.
 */
class RpcClientTest {
    private static HardhatNode node;
    private static HardhatChain chain;
    private static long head;
    private static List<ChainEvent> reference;

    @BeforeAll
    static void chainWithActivity() throws Exception {
        node = HardhatNode.start();
        chain = new HardhatChain(node.url());
        ChainScenario s = new ChainScenario(chain, 7, 5);
        s.deploy();
        s.blocks(12, 4);
        head = chain.blockNumber();
        try (ChainReader direct = new RpcChainReader(config(node.url()).build(), EvmMetrics.on(new PrometheusRegistry()))) {
            reference = fetchAll(direct, 1, head, 4);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        chain.close();
        node.close();
    }

    private static EvmChainConfig.Builder config(String url) {
        return EvmChainConfig.builder(31337, "hardhat-rpc").endpoint(url).blocksPerFetch(4)
                .requestTimeout(Duration.ofSeconds(1))
                .retry(new RetryPolicy(8, Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(500)));
    }

    static List<ChainEvent> fetchAll(ChainReader r, long from, long to, int step) {
        List<ChainEvent> out = new ArrayList<>();
        for (long n = from; n <= to; n += step) {
            out.addAll(r.fetch(n, Math.min(to, n + step - 1)).events());
        }
        return out;
    }

    private static List<ChainEvent> withoutHead(List<ChainEvent> events) {
        return events.stream().map(e -> e.toBuilder().clearHeadNumber().build()).toList();
    }

    @Test
    void failsOverToTheNextEndpointAndOpensTheBrokenOnesBreaker() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        EvmMetrics metrics = EvmMetrics.on(registry);
        try (FaultProxy broken = new FaultProxy(node.url()).plan((i, m) -> Fault.SERVER_ERROR);
             FaultProxy good = new FaultProxy(node.url())) {
            EvmChainConfig c = config(broken.url()).clearEndpoints()
                    .endpoint(RpcEndpoint.of("broken", broken.url(), RpcCredential.none("broken-" + UUID.randomUUID())))
                    .endpoint(RpcEndpoint.of("good", good.url() + "v3/{token}",
                            RpcCredential.urlToken("good-" + UUID.randomUUID(), "s3cret")))
                    .breaker(new BreakerPolicy(50f, 4, 2, Duration.ofMinutes(5), 1))
                    .build();
            RpcClient client = new RpcClient(c, metrics);
            try (ChainReader r = new RpcChainReader(c, client, metrics, true)) {
                assertThat(withoutHead(fetchAll(r, 1, head, 4))).isEqualTo(withoutHead(reference));
                assertThat(client.breakerState("broken")).isEqualTo(CircuitBreaker.State.OPEN);
            }
            // the breaker opened after its minimum of 2 calls; later calls never went there
            assertThat(broken.arrivals()).hasSizeLessThanOrEqualTo(2);
            assertThat(good.arrivals()).allSatisfy(a -> assertThat(a.path()).isEqualTo("/v3/s3cret"));
            assertThat(metrics.breakerState.labelValues("hardhat-rpc", "broken").get()).isEqualTo(1.0);
            assertThat(metrics.breakerState.labelValues("hardhat-rpc", "good").get()).isEqualTo(0.0);
            assertThat(metrics.rpcCalls.labelValues("hardhat-rpc", "broken", "eth_chainId", "500").get()).isEqualTo(1.0);
        }
    }

    @Test
    void splitsLogRangesTheProviderRefusesAndRemembersTheSmallerRange() throws Exception {
        try (FaultProxy proxy = new FaultProxy(node.url()).maxLogRange(2)) {
            EvmChainConfig c = config(proxy.url()).maxLogRange(16).build();
            try (RpcChainReader r = new RpcChainReader(c, EvmMetrics.on(new PrometheusRegistry()))) {
                assertThat(withoutHead(fetchAll(r, 1, head, 4))).isEqualTo(withoutHead(reference));
                assertThat(r.currentLogRange()).isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void logsNamingAnotherBlockHashAreRefetchedNeverEmitted() throws Exception {
        // every other call rewrites the blockHash of returned logs, as a node behind a balancer that lags would
        try (FaultProxy proxy = new FaultProxy(node.url()).plan((i, m) -> i % 2 == 1 ? Fault.WRONG_LOG_HASH : Fault.NONE)) {
            EvmChainConfig c = config(proxy.url()).build();
            try (RpcChainReader r = new RpcChainReader(c, EvmMetrics.on(new PrometheusRegistry()))) {
                assertThat(withoutHead(fetchAll(r, 1, head, 4))).isEqualTo(withoutHead(reference));
            }
            assertThat(proxy.arrivals()).anySatisfy(a -> assertThat(a.fault()).isEqualTo(Fault.WRONG_LOG_HASH));
        }
        try (FaultProxy proxy = new FaultProxy(node.url()).plan((i, m) -> i > 0 ? Fault.WRONG_LOG_HASH : Fault.NONE)) {
            EvmChainConfig c = config(proxy.url()).maxFetchAttempts(3).build();
            try (RpcChainReader r = new RpcChainReader(c, EvmMetrics.on(new PrometheusRegistry()))) {
                long blockWithLogs = reference.stream().filter(e -> e.getTransfersList().stream()
                        .anyMatch(t -> t.getLogIndex() >= 0)).findFirst().orElseThrow().getBlock().getNumber();
                assertThatThrownBy(() -> r.fetch(blockWithLogs, blockWithLogs))
                        .isInstanceOf(io.chaintrack.connectors.evm.fetch.InconsistentChainDataException.class)
                        .hasMessageContaining("still inconsistent after 3 fetches, nothing emitted")
                        .hasMessageContaining("claims block " + blockWithLogs);
            }
        }
    }

    @Test
    void oneCallPerSecondHoldsAtTheProviderEvenWithTwoCallersAndRetryAfter() throws Exception {
        // calls 2 and 5 get a 429 asking for 2 s of silence; the budget is one call per second for the key
        try (FaultProxy proxy = new FaultProxy(node.url()).plan(new FaultProxy.Plan() {
            @Override
            public Fault decide(int i, List<String> m) {
                return i == 2 || i == 5 ? Fault.TOO_MANY_REQUESTS : Fault.NONE;
            }

            @Override
            public int retryAfterSeconds() {
                return 2;
            }
        }).requireHeader("x-api-key", "k-123")) {
            RpcCredential key = RpcCredential.header("key-" + UUID.randomUUID(), "x-api-key", "k-123")
                    .withRateLimit(RateLimit.perSecond(1));
            EvmChainConfig c = config(proxy.url()).clearEndpoints().endpoint(RpcEndpoint.of("p", proxy.url(), key)).build();
            EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
            List<Thread> callers = new ArrayList<>();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(() -> {
                    try (RpcClient client = new RpcClient(c, metrics)) {
                        for (int k = 0; k < 3; k++) {
                            client.call("eth_blockNumber");
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                callers.add(th);
                th.start();
            }
            for (Thread th : callers) {
                th.join(TimeUnit.MINUTES.toMillis(1));
            }
            assertThat(errors).isEmpty();
            List<FaultProxy.Arrival> arrivals = proxy.arrivals();
            assertThat(arrivals).hasSize(8);
            assertThat(arrivals).allSatisfy(a -> assertThat(a.status()).isNotEqualTo(401));
            assertThat(proxy.maxCallsInAnyWindow(TimeUnit.SECONDS.toNanos(1))).isEqualTo(1);
            for (FaultProxy.Arrival a : arrivals) {
                if (a.status() == 429) {
                    assertThat(arrivals).noneSatisfy(b -> assertThat(b.nanos() - a.nanos())
                            .isBetween(1L, TimeUnit.SECONDS.toNanos(2) - 1));
                }
            }
            assertThat(metrics.rpcRateLimited.labelValues("hardhat-rpc", "p").get()).isEqualTo(2.0);
            assertThat(metrics.rpcRetries.labelValues("hardhat-rpc", "p", "eth_blockNumber").get()).isEqualTo(2.0);
        }
    }

    @Test
    void givesUpAfterMaxAttemptsNamingTheEndpointAndMethod() throws Exception {
        try (FaultProxy proxy = new FaultProxy(node.url()).plan((i, m) -> Fault.TRUNCATE)) {
            EvmChainConfig c = config(proxy.url())
                    .retry(new RetryPolicy(3, Duration.ofMillis(10), 1.5, 0.0, Duration.ofMillis(10))).build();
            try (RpcClient client = new RpcClient(c, EvmMetrics.on(new PrometheusRegistry()))) {
                assertThatThrownBy(() -> client.call("eth_blockNumber"))
                        .isInstanceOf(RpcCallFailedException.class)
                        .hasMessageContaining("chain hardhat-rpc: eth_blockNumber failed after 3 attempts")
                        .hasMessageContaining("not a JSON-RPC batch answer");
            }
            assertThat(proxy.arrivals()).hasSize(3);
        }
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(RetryAfter.millis("3", now)).isEqualTo(3000);
        assertThat(RetryAfter.millis("Wed, 01 Jan 2025 00:00:07 GMT", now)).isEqualTo(7000);
        assertThat(RetryAfter.millis("soon", now)).isZero();
        assertThat(RetryAfter.millis(null, now)).isZero();
    }

    @Test
    void aKeyHasOneBudget() {
        String id = "shared-" + UUID.randomUUID();
        CallBudgets.of(RpcCredential.none(id).withRateLimit(RateLimit.perSecond(5)));
        assertThatThrownBy(() -> CallBudgets.of(RpcCredential.none(id).withRateLimit(RateLimit.perSecond(6))))
                .hasMessageContaining("credential " + id + " is configured with two rate limits");
    }
}
