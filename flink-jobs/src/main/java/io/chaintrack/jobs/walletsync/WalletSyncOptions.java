package io.chaintrack.jobs.walletsync;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.walletsync.ExplorerClient;
import io.chaintrack.connectors.walletsync.WalletHistorySync;
import io.chaintrack.connectors.walletsync.WalletSyncStore;
import io.chaintrack.connectors.walletsync.WalletSyncWorker;
import io.chaintrack.connectors.walletsync.WebhookSender;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The wallet history sync worker's options, shared by {@code chaintrack stack} and {@code chaintrack wallet-sync}: how
 * often it looks for requests, the Etherscan-compatible explorer (none: token history only), the webhook retries.
 * The node is the ingest role's (same endpoints, same per-URL rate limit).
 */
public final class WalletSyncOptions {
    @ConfigKey("chaintrack.wallet-sync.interval")
    @Option(names = "--wallet-sync-interval", converter = DurationConverter.class,
            description = "Look for wallet history sync requests this often; 0 turns the worker off (default 10s).")
    Duration interval = Duration.ofSeconds(10);

    @ConfigKey("chaintrack.wallet-sync.lease")
    @Option(names = "--wallet-sync-lease", converter = DurationConverter.class,
            description = "A worker's claim on a running sync lasts this long past its last progress write; after that another"
                    + " worker takes the sync over. Must be longer than one chunk (a log range or explorer page, retries"
                    + " included) takes (default 2m).")
    Duration lease = WalletSyncStore.DEFAULT_LEASE;

    @ConfigKey("chaintrack.wallet-sync.explorer-url")
    @Option(names = "--explorer-url", description = "Etherscan-compatible account API (e.g. https://api.etherscan.io/v2/api?chainid=1"
            + " or a Blockscout /api) for native history; empty: token history only (default empty).")
    String explorerUrl = "";

    @ConfigKey("chaintrack.wallet-sync.explorer-key")
    @Option(names = "--explorer-key", description = "The explorer's API key, sent as apikey (default none).")
    String explorerKey = "";

    @ConfigKey("chaintrack.wallet-sync.explorer-rate-limit")
    @Option(names = "--explorer-rate-limit", description = "At most this many explorer calls per second (default 4).")
    int explorerRateLimit = 4;

    @ConfigKey("chaintrack.wallet-sync.explorer-page-size")
    @Option(names = "--explorer-page-size", description = "Records asked per explorer call (offset; default 1000).")
    int explorerPageSize = 1000;

    @ConfigKey("chaintrack.wallet-sync.explorer-result-cap")
    @Option(names = "--explorer-result-cap", description = "The explorer's result window: page x offset at most this (default 10000).")
    int explorerResultCap = 10_000;

    @ConfigKey("chaintrack.wallet-sync.webhook-max-attempts")
    @Option(names = "--webhook-max-attempts", description = "Deliveries of a completion webhook tried at most this often (default 8).")
    int webhookMaxAttempts = 8;

    @ConfigKey("chaintrack.wallet-sync.webhook-backoff")
    @Option(names = "--webhook-backoff", converter = DurationConverter.class,
            description = "Wait before a webhook's second attempt, doubling after each (default 10s).")
    Duration webhookBackoff = Duration.ofSeconds(10);

    /** The explorer's per-call timeout: a chunk takes at least one call, so a lease must be longer. */
    public static final Duration EXPLORER_CALL_TIMEOUT = Duration.ofSeconds(30);

    public boolean enabled() {
        return !interval.isZero();
    }

    /** Validates the options; an IllegalArgumentException names the bad one. */
    public void validate() {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("--wallet-sync-interval must be >= 0, was " + interval);
        }
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("--wallet-sync-lease must be positive, was " + lease);
        }
        if (explorerRateLimit < 1) {
            throw new IllegalArgumentException("--explorer-rate-limit must be >= 1, was " + explorerRateLimit);
        }
        if (webhookMaxAttempts < 1) {
            throw new IllegalArgumentException("--webhook-max-attempts must be >= 1, was " + webhookMaxAttempts);
        }
        if (!explorerUrl.isEmpty()) {
            explorer(); // the record checks URL, page size and cap
        }
    }

    private ExplorerClient explorer() {
        return new ExplorerClient(new ExplorerClient.Config("explorer", explorerUrl, explorerKey, explorerPageSize,
                explorerResultCap, RateLimit.perSecond(explorerRateLimit), RetryPolicy.defaults(), BreakerPolicy.defaults(),
                EXPLORER_CALL_TIMEOUT));
    }

    /** The running worker and the node client it owns. */
    public record Running(WalletSyncWorker worker, RpcClient rpc) implements AutoCloseable {
        @Override
        public void close() {
            worker.close();
            rpc.close();
        }
    }

    /** Whether native history comes from an explorer (else token history only). */
    public String explorerDescription() {
        return explorerUrl.isEmpty() ? "none, token history only" : explorerUrl;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Starts the worker for {@code chain} over {@code db}. */
    public Running start(EvmChainConfig chain, PostgresSinkOptions db) {
        validate();
        Duration call = explorerUrl.isEmpty() ? chain.requestTimeout() : max(chain.requestTimeout(), EXPLORER_CALL_TIMEOUT);
        if (lease.compareTo(call) <= 0) {
            // one slow call would outlast the lease and hand a live worker's sync to another
            throw new IllegalArgumentException("--wallet-sync-lease (" + lease + ") must be longer than one chunk, at least"
                    + " one node or explorer call, whose timeout is " + call);
        }
        EvmMetrics metrics = EvmMetrics.on(EvmMetrics.DEFAULT_REGISTRY.get());
        RpcClient rpc = new RpcClient(chain, metrics);
        WalletSyncStore store = new WalletSyncStore(db, lease);
        WalletHistorySync sync = new WalletHistorySync(chain, rpc, explorerUrl.isEmpty() ? null : explorer(), store,
                new EvmTransferMapper(chain, metrics));
        return new Running(WalletSyncWorker.start(chain.chainId(), store, sync,
                new WebhookSender(store, webhookMaxAttempts, webhookBackoff, Duration.ofSeconds(10)), interval), rpc);
    }
}
