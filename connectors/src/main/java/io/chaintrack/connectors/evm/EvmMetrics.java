package io.chaintrack.connectors.evm;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Serializable;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of EVM ingestion, registered once per registry (every reader of a JVM shares them).
 * Names are a contract with the alert rules: never rename one.
 */
public final class EvmMetrics {

    /** Where the source finds its registry on a task manager; must be serializable (it ships with the job). */
    public interface RegistrySupplier extends Supplier<PrometheusRegistry>, Serializable {}

    /** The process-wide default registry (what an HTTPServer exporter serves by default). */
    public static final RegistrySupplier DEFAULT_REGISTRY = () -> PrometheusRegistry.defaultRegistry;

    private static final Map<PrometheusRegistry, EvmMetrics> BY_REGISTRY = new WeakHashMap<>();

    public final Counter rpcCalls;
    public final Counter rpcRetries;
    public final Counter rpcRateLimited;
    public final Gauge breakerState;
    public final Gauge headBlock;
    public final Gauge blocksBehindHead;
    public final Gauge secondsBehindHead;
    public final Counter reorgs;
    public final Histogram reorgDepth;
    public final Counter skippedLogs;
    public final Counter receiptNormalisations;
    public final Gauge headSubscriptionUp;
    public final Counter headNotifications;
    public final Counter headPolls;

    private EvmMetrics(PrometheusRegistry registry) {
        rpcCalls = Counter.builder().name("chaintrack_rpc_calls_total")
                .help("Upstream JSON-RPC HTTP calls (a batch is one call); status is the HTTP status, the JSON-RPC"
                        + " error code of the first failed request in it, or timeout / io_error / invalid_json")
                .labelNames("chain", "endpoint", "method", "status").register(registry);
        rpcRetries = Counter.builder().name("chaintrack_rpc_retries_total")
                .help("Upstream calls retried after a 429, 5xx, timeout or broken response")
                .labelNames("chain", "endpoint", "method").register(registry);
        rpcRateLimited = Counter.builder().name("chaintrack_rpc_rate_limited_total")
                .help("HTTP 429 responses received").labelNames("chain", "endpoint").register(registry);
        breakerState = Gauge.builder().name("chaintrack_rpc_breaker_state")
                .help("Circuit breaker state per endpoint: 0 closed, 1 open, 2 half-open")
                .labelNames("chain", "endpoint").register(registry);
        headBlock = Gauge.builder().name("chaintrack_ingest_head_block")
                .help("Latest block number the node reported").labelNames("chain").register(registry);
        blocksBehindHead = Gauge.builder().name("chaintrack_ingest_blocks_behind_head")
                .help("Head block minus the last block emitted by the head follower")
                .labelNames("chain").register(registry);
        secondsBehindHead = Gauge.builder().name("chaintrack_ingest_seconds_behind_head")
                .help("Wall clock minus the timestamp of the last block emitted by the head follower")
                .labelNames("chain").register(registry);
        reorgs = Counter.builder().name("chaintrack_reorgs_total")
                .help("Chain reorganisations followed").labelNames("chain").register(registry);
        reorgDepth = Histogram.builder().name("chaintrack_reorg_depth")
                .help("Blocks reverted per reorganisation").labelNames("chain")
                .classicUpperBounds(1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256).register(registry);
        skippedLogs = Counter.builder().name("chaintrack_skipped_logs_total")
                .help("Transfer-topic logs that do not follow their standard and were skipped")
                .labelNames("chain", "reason").register(registry);
        receiptNormalisations = Counter.builder().name("chaintrack_receipt_normalisations_total")
                .help("Transactions whose success was not read from a 0x0/0x1 receipt status: kind numeric_status"
                        + " (status as a number), status_from_trace (no status, the top-level trace error decided) or"
                        + " status_from_gas (no status, no traces: all gas used decides failure); outcome is what was"
                        + " decided")
                .labelNames("chain", "kind", "outcome").register(registry);
        headSubscriptionUp = Gauge.builder().name("chaintrack_head_subscription_up")
                .help("1 while an eth_subscribe newHeads WebSocket subscription is live, 0 while heads are polled")
                .labelNames("chain").register(registry);
        headNotifications = Counter.builder().name("chaintrack_head_notifications_total")
                .help("newHeads notifications received over the WebSocket subscription")
                .labelNames("chain").register(registry);
        headPolls = Counter.builder().name("chaintrack_head_polls_total")
                .help("Head polls of the caught-up follower by what started them: subscription (a newHeads"
                        + " notification woke it) or timer (the poll interval ran out)")
                .labelNames("chain", "trigger").register(registry);
    }

    /** The metrics registered on {@code registry}, registering them on first use. */
    public static EvmMetrics on(PrometheusRegistry registry) {
        synchronized (BY_REGISTRY) {
            return BY_REGISTRY.computeIfAbsent(registry, EvmMetrics::new);
        }
    }

    public void rpcCall(String chain, String endpoint, String method, String status) {
        rpcCalls.labelValues(chain, endpoint, method, status).inc();
    }

    public void rpcRetry(String chain, String endpoint, String method) {
        rpcRetries.labelValues(chain, endpoint, method).inc();
    }

    public void rateLimited(String chain, String endpoint) {
        rpcRateLimited.labelValues(chain, endpoint).inc();
    }

    public void breakerState(String chain, String endpoint, int state) {
        breakerState.labelValues(chain, endpoint).set(state);
    }

    public void head(String chain, long head) {
        headBlock.labelValues(chain).set(head);
    }

    public void emitted(String chain, long head, long blockNumber, long blockTimestamp) {
        blocksBehindHead.labelValues(chain).set(Math.max(0, head - blockNumber));
        double behind = System.currentTimeMillis() / 1000.0 - blockTimestamp;
        secondsBehindHead.labelValues(chain).set(Math.max(0, behind));
    }

    public void reorg(String chain, int depth) {
        reorgs.labelValues(chain).inc();
        reorgDepth.labelValues(chain).observe(depth);
    }

    public void skippedLog(String chain, String reason) {
        skippedLogs.labelValues(chain, reason).inc();
    }

    public void headSubscriptionUp(String chain, boolean up) {
        headSubscriptionUp.labelValues(chain).set(up ? 1 : 0);
    }

    public void headNotification(String chain) {
        headNotifications.labelValues(chain).inc();
    }

    public void headPoll(String chain, boolean bySubscription) {
        headPolls.labelValues(chain, bySubscription ? "subscription" : "timer").inc();
    }

    public void receiptNormalised(String chain, String kind, boolean success) {
        receiptNormalisations.labelValues(chain, kind, success ? "success" : "failed").inc();
    }
}
