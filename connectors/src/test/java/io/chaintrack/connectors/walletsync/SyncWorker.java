package io.chaintrack.connectors.walletsync;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.testkit.ExplorerStub;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * A wallet sync worker of the tests with its own clients (its own store, so its own worker id); without a stub no
 * explorer is configured. Its default lease (10 min) outlasts every test's waits, so a test only sees a sync move
 * from one worker to another through a release (close) or a lease it chose to make short.
 */
final class SyncWorker implements AutoCloseable {
    static final long CHAIN = 31337;
    static final Duration LONG_LEASE = Duration.ofMinutes(10);

    final WalletSyncStore store;
    private final RpcClient rpc;
    private final WalletSyncWorker worker;

    SyncWorker(EvmChainConfig config, ExplorerStub stub, PostgresSinkOptions db, int pageSize, int resultCap) {
        this(config, stub, db, pageSize, resultCap, LONG_LEASE);
    }

    SyncWorker(EvmChainConfig config, ExplorerStub stub, PostgresSinkOptions db, int pageSize, int resultCap, Duration lease) {
        EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
        rpc = new RpcClient(config, metrics);
        ExplorerClient explorer = stub == null ? null : new ExplorerClient(new ExplorerClient.Config("stub", stub.url(), "key",
                pageSize, resultCap, RateLimit.perSecond(200), new RetryPolicy(8, Duration.ofMillis(20), 2.0, 0.2, Duration.ofMillis(200)),
                BreakerPolicy.defaults(), Duration.ofSeconds(10)));
        store = new WalletSyncStore(db, lease);
        worker = WalletSyncWorker.start(config.chainId(), store, new WalletHistorySync(config, rpc, explorer, store,
                new EvmTransferMapper(config, metrics)), new WebhookSender(store, 5, Duration.ofMillis(50), Duration.ofSeconds(5)),
                Duration.ofMillis(100));
    }

    String id() {
        return store.workerId();
    }

    /** Stops like a killed process: the leases it holds are not released. */
    void kill() {
        worker.kill();
        rpc.close();
    }

    /** A graceful stop: its leases are released. */
    @Override
    public void close() {
        worker.close();
        rpc.close();
    }
}
