package io.chaintrack.jobs.walletsync;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.MetricsEndpoint;
import io.chaintrack.jobs.common.NodeRpcOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `chaintrack wallet-sync`: the wallet history sync worker of one chain, running until stopped (the stack runs the same
 * worker in-process). The RPC keys are the ingest role's, so it reads the node through the same endpoints and the same
 * per-URL rate limit; one worker per chain. Lives in the job jar so the jobs image runs it ({@link #main}); the
 * launcher offers it as `ChaintrackCli wallet-sync`.
 */
@Command(name = "wallet-sync", mixinStandardHelpOptions = true,
        description = "Backfill watched wallets' history below the chain's first indexed block (node logs and an explorer), until stopped.")
public final class WalletSyncCommand implements Callable<Integer> {
    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();

    @Mixin
    NodeRpcOptions node = new NodeRpcOptions();

    @ConfigKey("chaintrack.ingest.log-range")
    @Option(names = "--log-range", description = "Blocks per eth_getLogs call (default 1000).")
    int logRange = 1000;

    @Mixin
    WalletSyncOptions walletSync = new WalletSyncOptions();

    @ConfigKey("chaintrack.wallet-sync.metrics-port")
    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus /metrics (the node client's RPC metrics) and /-/healthy on this port; 0: none (default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new WalletSyncCommand()), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        EvmChainConfig config;
        try {
            walletSync.validate();
            if (!walletSync.enabled()) {
                throw new IllegalArgumentException("--wallet-sync-interval 0 turns the worker off: nothing to run");
            }
            if (metricsPort < 0 || metricsPort > 65_535) {
                throw new IllegalArgumentException("--metrics-port must be 0..65535, was " + metricsPort);
            }
            EvmChainConfig rpc = node.config();
            config = rpc.toBuilder().maxLogRange(logRange).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        AutoCloseable metrics;
        try {
            // the worker's RpcClient registers its metrics on the default registry (EvmMetrics.DEFAULT_REGISTRY)
            metrics = metricsPort > 0 ? MetricsEndpoint.serve(PrometheusRegistry.defaultRegistry, metricsPort) : null;
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot serve /metrics on port " + metricsPort + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        WalletSyncOptions.Running running = walletSync.start(config, PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            closeQuietly(metrics);
            stopped.countDown();
        }, "chaintrack-wallet-sync-stop"));
        System.out.println("wallet history sync of chain " + node.chainId() + " running (explorer: "
                + walletSync.explorerDescription() + ")");
        stopped.await();
        return 0;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
