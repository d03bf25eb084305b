package io.chaintrack.connectors.evm;

import io.chaintrack.connectors.evm.preset.ChainPreset;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.core.model.Addresses;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the EVM follower needs to know about one chain, validated on construction so a bad value fails
 * at job build time with its name. Serializable: it travels inside the Flink source to every reader.
 *
 * @param chainId          EIP-155 chain id, stamped on every event (checked against the node's eth_chainId)
 * @param chainName        label of every metric ({@code chain})
 * @param endpoints        JSON-RPC URLs in failover order
 * @param finality         how far behind the head events are emitted
 * @param startBlock       first block to emit
 * @param endBlock         last block to emit, or null to follow the head forever (bounded vs unbounded source)
 * @param blocksPerSplit   backfill chunk size: the unit of parallelism
 * @param blocksPerFetch   blocks read per batched fetch
 * @param maxBatchSize     JSON-RPC requests per HTTP call (providers cap batches)
 * @param maxLogRange      blocks per eth_getLogs; halved adaptively when a provider refuses a range
 * @param pollInterval     head polling period once caught up, while no newHeads subscription is live
 * @param headSubscription whether new heads are taken by {@code eth_subscribe ["newHeads"]} over WebSocket where the
 *                         node offers it (polling otherwise, and again whenever the socket drops)
 * @param wsUrl            the WebSocket URL of that subscription, or null for the first endpoint's own host and port
 *                         (ws:// for http://, wss:// for https://, as Hardhat, geth, reth and most providers serve it)
 * @param subscribedPollInterval head polling period while the subscription is live: a safety net for a head the
 *                         socket missed (never shorter than pollInterval)
 * @param nativeTransfers  emit native value transfers (top-level and internal), withdrawals, rewards and genesis
 *                         allocations (needs receipts)
 * @param fees             emit each transaction's fee transfers (priority fee to the fee recipient, base and blob
 *                         fee burnt), independently of nativeTransfers (needs receipts); the builder's default
 *                         follows nativeTransfers
 * @param receipts         how receipts are read when native transfers are on
 * @param traces           where internal native transfers come from (NONE: not followed)
 * @param reorgDepth       deepest reorg followed; deeper fails with ReorgDepthExceededException
 * @param baseFeeRecipient where the base fee goes: the zero address (burnt) on Ethereum
 * @param requestTimeout   per HTTP call
 * @param retry            retry policy of every HTTP call
 * @param breaker          circuit breaker policy of every endpoint
 * @param maxFetchAttempts how often a block range is refetched when its logs, receipts or traces disagree with
 *                         the block hash before the source fails
 * @param preset           genesis, rewards and irregular changes of the chain (CUSTOM: none of them); its finality
 *                         and trace mode are the builder's defaults
 * @param prices           on-chain price sources whose logs are read with the transfer logs (NONE: no price logs)
 */
public record EvmChainConfig(
        long chainId,
        String chainName,
        List<RpcEndpoint> endpoints,
        FinalityPolicy finality,
        long startBlock,
        Long endBlock,
        int blocksPerSplit,
        int blocksPerFetch,
        int maxBatchSize,
        int maxLogRange,
        Duration pollInterval,
        boolean headSubscription,
        String wsUrl,
        Duration subscribedPollInterval,
        boolean nativeTransfers,
        boolean fees,
        ReceiptsMode receipts,
        TraceMode traces,
        int reorgDepth,
        String baseFeeRecipient,
        Duration requestTimeout,
        RetryPolicy retry,
        BreakerPolicy breaker,
        int maxFetchAttempts,
        ChainPreset preset,
        PriceSourcesConfig prices) implements Serializable {

    public static final int DEFAULT_REORG_DEPTH = 128;
    public static final Duration DEFAULT_SUBSCRIBED_POLL_INTERVAL = Duration.ofSeconds(10);

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** How receipts (status, gas used, effective gas price) are fetched. */
    public enum ReceiptsMode {
        /** eth_getBlockReceipts, falling back to per-transaction receipts once the node says it lacks it. */
        AUTO,
        /** eth_getBlockReceipts only. */
        BLOCK,
        /** eth_getTransactionReceipt per transaction. */
        TRANSACTION
    }

    /** Where internal (contract-to-address) native transfers come from. */
    public enum TraceMode {
        NONE,
        /** geth-style debug_traceBlockByNumber with {"tracer":"callTracer"}. */
        CALL_TRACER,
        /** OpenEthereum/Erigon/Nethermind-style trace_block. */
        TRACE_BLOCK
    }

    public EvmChainConfig {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chainId must be > 0, got " + chainId);
        }
        if (chainName == null || chainName.isBlank()) {
            throw new IllegalArgumentException("chainName is required");
        }
        String where = "chain " + chainName + ": ";
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException(where + "at least one RPC endpoint is required");
        }
        endpoints = List.copyOf(endpoints);
        Set<String> names = new HashSet<>();
        for (RpcEndpoint e : endpoints) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException(where + "endpoint names must be unique, " + e.name() + " repeats");
            }
        }
        if (finality == null) {
            throw new IllegalArgumentException(where + "finality policy is required");
        }
        if (startBlock < 0) {
            throw new IllegalArgumentException(where + "startBlock must be >= 0, got " + startBlock);
        }
        if (endBlock != null && endBlock < startBlock) {
            throw new IllegalArgumentException(where + "endBlock " + endBlock + " is before startBlock " + startBlock);
        }
        positive(where, "blocksPerSplit", blocksPerSplit);
        positive(where, "blocksPerFetch", blocksPerFetch);
        positive(where, "maxLogRange", maxLogRange);
        positive(where, "maxFetchAttempts", maxFetchAttempts);
        if (maxBatchSize < 4) {
            // a log query travels with its guard header, a head poll with its tag and check block
            throw new IllegalArgumentException(where + "maxBatchSize must be >= 4, got " + maxBatchSize);
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(where + "pollInterval must be positive, got " + pollInterval);
        }
        if (subscribedPollInterval == null || subscribedPollInterval.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException(where + "subscribedPollInterval must be >= pollInterval " + pollInterval
                    + ", got " + subscribedPollInterval);
        }
        if (wsUrl != null && !(wsUrl.startsWith("ws://") || wsUrl.startsWith("wss://"))) {
            throw new IllegalArgumentException(where + "wsUrl must start with ws:// or wss://, got " + wsUrl);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(where + "requestTimeout must be positive, got " + requestTimeout);
        }
        if (receipts == null || traces == null || retry == null || breaker == null) {
            throw new IllegalArgumentException(where + "receipts, traces, retry and breaker are required");
        }
        if (traces != TraceMode.NONE && !nativeTransfers) {
            throw new IllegalArgumentException(where + "traces " + traces + " need nativeTransfers on");
        }
        if (reorgDepth < 1) {
            throw new IllegalArgumentException(where + "reorgDepth must be >= 1, got " + reorgDepth);
        }
        baseFeeRecipient = Addresses.normalize(baseFeeRecipient);
        if (preset == null) {
            preset = ChainPresets.CUSTOM;
        }
        if (prices == null) {
            prices = PriceSourcesConfig.NONE;
        }
        if (preset.chainId() != null && preset.chainId() != chainId) {
            throw new IllegalArgumentException(where + "preset " + preset.name() + " is for chain id " + preset.chainId()
                    + ", not " + chainId);
        }
    }

    private static void positive(String where, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(where + name + " must be >= 1, got " + value);
        }
    }

    /** Whether receipts are read: value transfers need their status, fees their gas used and price. */
    public boolean receiptsNeeded() {
        return nativeTransfers || fees;
    }

    public boolean bounded() {
        return endBlock != null;
    }

    public static Builder builder(long chainId, String chainName) {
        return new Builder(chainId, chainName);
    }

    public Builder toBuilder() {
        Builder b = new Builder(chainId, chainName);
        b.endpoints.addAll(endpoints);
        b.finality = finality;
        b.startBlock = startBlock;
        b.endBlock = endBlock;
        b.blocksPerSplit = blocksPerSplit;
        b.blocksPerFetch = blocksPerFetch;
        b.maxBatchSize = maxBatchSize;
        b.maxLogRange = maxLogRange;
        b.pollInterval = pollInterval;
        b.headSubscription = headSubscription;
        b.wsUrl = wsUrl;
        // a derived safety interval is derived again, so a later pollInterval change cannot make it invalid
        b.subscribedPollInterval = subscribedPollInterval.equals(max(pollInterval, DEFAULT_SUBSCRIBED_POLL_INTERVAL))
                ? null : subscribedPollInterval;
        b.nativeTransfers = nativeTransfers;
        b.fees = fees;
        b.receipts = receipts;
        b.traces = traces;
        b.reorgDepth = reorgDepth;
        b.baseFeeRecipient = baseFeeRecipient;
        b.requestTimeout = requestTimeout;
        b.retry = retry;
        b.breaker = breaker;
        b.maxFetchAttempts = maxFetchAttempts;
        b.preset = preset;
        b.prices = prices;
        return b;
    }

    /**
     * Defaults: the CUSTOM preset, 100-block splits, 10-block fetches, native transfers on, depth 128; finality
     * and traces from the preset unless set (CUSTOM: follow the tip, no traces).
     */
    public static final class Builder {
        private final long chainId;
        private final String chainName;
        private final List<RpcEndpoint> endpoints = new ArrayList<>();
        private FinalityPolicy finality;
        private long startBlock = 0;
        private Long endBlock;
        private int blocksPerSplit = 100;
        private int blocksPerFetch = 10;
        private int maxBatchSize = 100;
        private int maxLogRange = 1000;
        private Duration pollInterval = Duration.ofSeconds(2);
        private boolean headSubscription = true;
        private String wsUrl;
        private Duration subscribedPollInterval;
        private boolean nativeTransfers = true;
        private Boolean fees;
        private ReceiptsMode receipts = ReceiptsMode.AUTO;
        private TraceMode traces;
        private int reorgDepth = DEFAULT_REORG_DEPTH;
        private String baseFeeRecipient = Addresses.ZERO;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.defaults();
        private BreakerPolicy breaker = BreakerPolicy.defaults();
        private int maxFetchAttempts = 5;
        private ChainPreset preset = ChainPresets.CUSTOM;
        private PriceSourcesConfig prices = PriceSourcesConfig.NONE;

        private Builder(long chainId, String chainName) {
            this.chainId = chainId;
            this.chainName = chainName;
        }

        public Builder endpoint(RpcEndpoint endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder endpoint(String url) {
            return endpoint(RpcEndpoint.of(url));
        }

        public Builder clearEndpoints() {
            endpoints.clear();
            return this;
        }

        public Builder finality(FinalityPolicy v) { finality = v; return this; }
        public Builder startBlock(long v) { startBlock = v; return this; }
        public Builder endBlock(Long v) { endBlock = v; return this; }
        public Builder blocksPerSplit(int v) { blocksPerSplit = v; return this; }
        public Builder blocksPerFetch(int v) { blocksPerFetch = v; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }
        public Builder maxLogRange(int v) { maxLogRange = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder headSubscription(boolean v) { headSubscription = v; return this; }
        public Builder wsUrl(String v) { wsUrl = v; return this; }
        /** Null (the default): 10 s, or pollInterval when that is longer. */
        public Builder subscribedPollInterval(Duration v) { subscribedPollInterval = v; return this; }
        public Builder nativeTransfers(boolean v) { nativeTransfers = v; return this; }
        /** Fee transfers on or off; null (the default) follows {@link #nativeTransfers(boolean)}. */
        public Builder fees(Boolean v) { fees = v; return this; }
        public Builder receipts(ReceiptsMode v) { receipts = v; return this; }
        public Builder traces(TraceMode v) { traces = v; return this; }
        public Builder reorgDepth(int v) { reorgDepth = v; return this; }
        public Builder baseFeeRecipient(String v) { baseFeeRecipient = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder retry(RetryPolicy v) { retry = v; return this; }
        public Builder breaker(BreakerPolicy v) { breaker = v; return this; }
        public Builder maxFetchAttempts(int v) { maxFetchAttempts = v; return this; }
        public Builder preset(ChainPreset v) { preset = v; return this; }
        public Builder prices(PriceSourcesConfig v) { prices = v; return this; }

        public EvmChainConfig build() {
            ChainPreset p = preset == null ? ChainPresets.CUSTOM : preset;
            // a preset's trace mode only serves native transfers: with them off it must not fail validation
            TraceMode t = traces != null ? traces : nativeTransfers ? p.traces() : TraceMode.NONE;
            return new EvmChainConfig(chainId, chainName, endpoints, finality != null ? finality : p.finality(),
                    startBlock, endBlock, blocksPerSplit, blocksPerFetch, maxBatchSize, maxLogRange, pollInterval,
                    headSubscription, wsUrl, subscribedPollInterval != null ? subscribedPollInterval
                            : pollInterval == null ? null : max(pollInterval, DEFAULT_SUBSCRIBED_POLL_INTERVAL),
                    nativeTransfers, fees != null ? fees : nativeTransfers, receipts, t, reorgDepth, baseFeeRecipient, requestTimeout, retry, breaker,
                    maxFetchAttempts, p, prices);
        }
    }
}
