package io.chaintrack.stack;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.common.JdbcOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `chaintrack wallet-sync`: the wallet history sync worker of one chain, running until stopped (the stack runs the same
 * worker in-process). The RPC keys are the ingest role's, so it reads the node through the same endpoints and the same
 * per-URL rate limit; one worker per chain.
 */
@Command(name = "wallet-sync", mixinStandardHelpOptions = true,
        description = "Backfill watched wallets' history below the chain's first indexed block (node logs and an explorer), until stopped.")
final class WalletSyncCommand implements Callable<Integer> {
    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();

    @Mixin
    NodeRpcOptions node = new NodeRpcOptions();

    @ConfigKey("chaintrack.ingest.log-range")
    @Option(names = "--log-range", description = "Blocks per eth_getLogs call (default 1000).")
    int logRange = 1000;

    @Mixin
    WalletSyncOptions walletSync = new WalletSyncOptions();

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        EvmChainConfig config;
        try {
            walletSync.validate();
            if (!walletSync.enabled()) {
                throw new IllegalArgumentException("--wallet-sync-interval 0 turns the worker off: nothing to run");
            }
            EvmChainConfig rpc = node.config();
            config = rpc.toBuilder().maxLogRange(logRange).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        WalletSyncOptions.Running running = walletSync.start(config, PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "chaintrack-wallet-sync-stop"));
        System.out.println("wallet history sync of chain " + node.chainId + " running (explorer: "
                + (walletSync.explorerUrl.isEmpty() ? "none, token history only" : walletSync.explorerUrl) + ")");
        stopped.await();
        return 0;
    }
}
