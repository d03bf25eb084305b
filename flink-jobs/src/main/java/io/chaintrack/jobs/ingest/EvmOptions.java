package io.chaintrack.jobs.ingest;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.preset.ChainPreset;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.core.config.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Command-line options of the EVM follower (--source evm). Credentials never appear on the command
 * line: a URL may carry {token} resolved from an environment variable by the connector (see docs/ingestion.md).
 */
public final class EvmOptions {
    @ConfigKey("chaintrack.ingest.rpc-urls")
    @Option(names = "--rpc-url", split = ",", description = "JSON-RPC URLs in failover order (repeatable or comma separated).")
    List<String> rpcUrls = new ArrayList<>();

    @ConfigKey("chaintrack.ingest.chain-name")
    @Option(names = "--chain-name", description = "Chain name for metrics and logs (default chain-<id>).")
    String chainName;

    @ConfigKey("chaintrack.ingest.start-block")
    @Option(names = "--start-block", description = "First block to ingest (default 0).")
    long startBlock;

    @ConfigKey("chaintrack.ingest.end-block")
    @Option(names = "--end-block", description = "Last block to ingest; without it the job follows the head forever.")
    Long endBlock;

    @ConfigKey("chaintrack.ingest.finality")
    @Option(names = "--finality", description = "Finality: a number of confirmations, 'safe' or 'finalized' (default: the preset's; 0 confirmations without one).")
    String finality;

    @ConfigKey("chaintrack.ingest.chain-preset")
    @Option(names = "--chain-preset", description = "Chain preset: mainnet, sepolia, hardhat, anvil, custom, bitcoin, litecoin, dogecoin (each also -testnet, -regtest), or a preset file (genesis, rewards, irregular changes, default finality and traces; default custom).")
    String chainPreset;

    @ConfigKey("chaintrack.ingest.rate-limit")
    @Option(names = "--rate-limit", description = "At most this many upstream HTTP calls per second per URL; 0 = unlimited (default 0).")
    int rateLimit;

    @ConfigKey("chaintrack.ingest.poll-interval")
    @Option(names = "--poll-interval", converter = DurationConverter.class,
            description = "Head polling interval while no newHeads subscription is live (default 500ms; stack 250ms).")
    Duration pollInterval = Duration.ofMillis(500);

    @ConfigKey("chaintrack.ingest.head-subscription")
    @Option(names = "--head-subscription", arity = "1",
            description = "New heads by eth_subscribe newHeads over WebSocket where the node offers it, polling otherwise and whenever the socket drops: true or false (default true).")
    boolean headSubscription = true;

    @ConfigKey("chaintrack.ingest.ws-url")
    @Option(names = "--ws-url",
            description = "WebSocket URL of the newHeads subscription (default: the first --rpc-url's host and port, ws:// for http://, wss:// for https://).")
    String wsUrl;

    @ConfigKey("chaintrack.ingest.reorg-depth")
    @Option(names = "--reorg-depth", description = "Deepest reorg followed; deeper ones fail the job (default 128).")
    int reorgDepth = 128;

    @ConfigKey("chaintrack.ingest.traces")
    @Option(names = "--traces", converter = TraceModeConverter.class,
            description = "Internal native transfers from traces: none, call-tracer (debug_traceBlockByNumber) or trace-block (trace_block) (default: the preset's; none without one).")
    EvmChainConfig.TraceMode traces;

    @ConfigKey("chaintrack.ingest.receipts")
    @Option(names = "--receipts", converter = ReceiptsModeConverter.class,
            description = "How receipts are read: auto (eth_getBlockReceipts, else per transaction), block or transaction (default auto).")
    EvmChainConfig.ReceiptsMode receipts = EvmChainConfig.ReceiptsMode.AUTO;

    @ConfigKey("chaintrack.ingest.native-transfers")
    @Option(names = "--native-transfers", arity = "1",
            description = "Native value transfers (top-level and internal), withdrawals, rewards and genesis allocations: true or false (default true).")
    boolean nativeTransfers = true;

    @ConfigKey("chaintrack.ingest.fees")
    @Option(names = "--fees", arity = "1",
            description = "Transaction fee transfers (priority fee to the block's fee recipient, base and blob fee burnt): true or false (default: as --native-transfers).")
    Boolean fees;

    @ConfigKey("chaintrack.ingest.batch-size")
    @Option(names = "--batch-size", description = "JSON-RPC requests per HTTP call, at least 4 (default 100).")
    int batchSize = 100;

    @ConfigKey("chaintrack.ingest.log-range")
    @Option(names = "--log-range", description = "Blocks per eth_getLogs, halved when a provider refuses (default 1000).")
    int logRange = 1000;

    @ConfigKey("chaintrack.ingest.blocks-per-fetch")
    @Option(names = "--blocks-per-fetch", description = "Blocks read per batched fetch (default 10).")
    int blocksPerFetch = 10;

    @ConfigKey("chaintrack.ingest.blocks-per-split")
    @Option(names = "--blocks-per-split", description = "Backfill chunk size (default 100).")
    int blocksPerSplit = 100;

    /** Price sources whose logs are read in the same eth_getLogs as the transfers. */
    @picocli.CommandLine.Mixin
    public io.chaintrack.jobs.prices.PriceSourceOptions prices = new io.chaintrack.jobs.prices.PriceSourceOptions();

    /** The options with another head polling default (the one-command stack's is shorter: a local node). */
    public static EvmOptions withPollInterval(Duration defaultPollInterval) {
        EvmOptions options = new EvmOptions();
        options.pollInterval = defaultPollInterval;
        return options;
    }

    /** Whether a JSON-RPC endpoint was given, i.e. the EVM follower is wanted. */
    public boolean hasEndpoints() {
        return !rpcUrls.isEmpty();
    }

    /** Builds the connector's configuration; bad values raise IllegalArgumentException naming them. */
    public EvmChainConfig toConfig(long chainId) {
        return toConfig(chainId, null);
    }

    /** As {@link #toConfig(long)}, with the preset a role implies when --chain-preset is not given (null: none). */
    public EvmChainConfig toConfig(long chainId, ChainPreset impliedPreset) {
        if (rpcUrls.isEmpty()) {
            throw new IllegalArgumentException("--source evm needs at least one --rpc-url");
        }
        EvmChainConfig.Builder builder = EvmChainConfig.builder(chainId, chainName != null ? chainName : "chain-" + chainId)
                .startBlock(startBlock)
                .endBlock(endBlock)
                .pollInterval(pollInterval)
                .headSubscription(headSubscription)
                .wsUrl(wsUrl)
                .reorgDepth(reorgDepth)
                .traces(traces)
                .receipts(receipts)
                .nativeTransfers(nativeTransfers)
                .fees(fees)
                .maxBatchSize(batchSize)
                .maxLogRange(logRange)
                .blocksPerFetch(blocksPerFetch)
                .blocksPerSplit(blocksPerSplit)
                .prices(prices.toConfig());
        if (chainPreset != null) {
            builder.preset(ChainPresets.resolve(chainPreset));
        } else if (impliedPreset != null) {
            builder.preset(impliedPreset);
        }
        if (finality != null) {
            builder.finality(finalityPolicy());
        }
        for (String url : rpcUrls) {
            RpcEndpoint endpoint = RpcEndpoint.of(url);
            if (rateLimit < 0) {
                throw new IllegalArgumentException("--rate-limit must be >= 0, was " + rateLimit);
            }
            if (rateLimit > 0) {
                endpoint = RpcEndpoint.of(endpoint.name(), endpoint.url(),
                        endpoint.credential().withRateLimit(RateLimit.perSecond(rateLimit)));
            }
            builder.endpoint(endpoint);
        }
        return builder.build();
    }

    private FinalityPolicy finalityPolicy() {
        try {
            return FinalityPolicy.parse(finality);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    /** none | call-tracer | trace-block, any case, '_' or '-'. */
    static final class TraceModeConverter implements CommandLine.ITypeConverter<EvmChainConfig.TraceMode> {
        @Override
        public EvmChainConfig.TraceMode convert(String value) {
            return enumValue(EvmChainConfig.TraceMode.class, value, "none, call-tracer or trace-block");
        }
    }

    /** auto | block | transaction. */
    static final class ReceiptsModeConverter implements CommandLine.ITypeConverter<EvmChainConfig.ReceiptsMode> {
        @Override
        public EvmChainConfig.ReceiptsMode convert(String value) {
            return enumValue(EvmChainConfig.ReceiptsMode.class, value, "auto, block or transaction");
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String expected) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("expected " + expected + ", was '" + value + "'");
        }
    }
}
