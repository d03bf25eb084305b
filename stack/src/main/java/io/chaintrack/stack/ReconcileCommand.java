package io.chaintrack.stack;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.reconcile.ReconcileOptions;
import io.chaintrack.connectors.reconcile.Reconciler;
import io.chaintrack.connectors.reconcile.ReconciliationReport;
import io.chaintrack.connectors.reconcile.ReconciliationStore;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.core.config.DurationConverter;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.NodeRpcOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `chaintrack reconcile`: one reconciliation run against the node, its report printed and stored (the API serves it).
 * Exit code 0 when every check agreed, 1 on a mismatch, 3 when the run could not finish. The RPC keys are the ingest
 * role's, so it reads the node through the same endpoints and the same per-URL rate limit.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Compare chaintrack's balances and blocks with the node's once; print the report (exit 1 on a mismatch).")
final class ReconcileCommand implements Callable<Integer> {
    static final int EXIT_MISMATCH = 1;
    static final int EXIT_FAILED = 3;

    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();

    @Mixin
    NodeRpcOptions node = new NodeRpcOptions();

    @ConfigKey("chaintrack.reconcile.recent-blocks")
    @Option(names = "--recent-blocks", description = "Every balance touched in this many newest indexed blocks is checked (default 64).")
    int recentBlocks = ReconcileOptions.DEFAULT_RECENT_BLOCKS;

    @ConfigKey("chaintrack.reconcile.sample-blocks")
    @Option(names = "--sample-blocks", description = "Older blocks drawn at random whose transfers' parties are checked too (default 32).")
    int sampleBlocks = ReconcileOptions.DEFAULT_SAMPLE_BLOCKS;

    @ConfigKey("chaintrack.reconcile.seed")
    @Option(names = "--seed", description = "Seed of the random history sample (default: the current time; the report prints it).")
    Long seed;

    @ConfigKey("chaintrack.reconcile.settle")
    @Option(names = "--settle", converter = DurationConverter.class,
            description = "Wait before a disagreeing row is read again and confirmed as a mismatch (default 3s).")
    Duration settle = ReconcileOptions.DEFAULT_SETTLE;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReconcileOptions options;
        EvmChainConfig config;
        try {
            options = new ReconcileOptions(node.chainId(), recentBlocks, sampleBlocks,
                    seed != null ? seed : System.currentTimeMillis(), settle, ReconcileOptions.DEFAULT_MAX_MISMATCHES_STORED);
            config = node.config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ReconciliationReport report;
        try {
            report = run(config, jdbc.url(), jdbc.user(), jdbc.password(), options);
        } catch (RuntimeException e) {
            // a client that cannot be built (a credential already budgeted differently in this JVM): nothing was checked
            System.out.println("reconciliation of chain " + node.chainId() + " could not start: " + e.getMessage());
            return EXIT_FAILED;
        }
        report.print(System.out);
        return switch (report.status()) {
            case ReconciliationReport.OK -> 0;
            case ReconciliationReport.MISMATCH -> EXIT_MISMATCH;
            default -> EXIT_FAILED;
        };
    }

    /** One run with a client of its own, closed afterwards. */
    static ReconciliationReport run(EvmChainConfig config, String jdbcUrl, String user, String password, ReconcileOptions options) {
        try (RpcClient rpc = new RpcClient(config, EvmMetrics.on(EvmMetrics.DEFAULT_REGISTRY.get()))) {
            return new Reconciler(new ReconciliationStore(jdbcUrl, user, password), rpc, options).run();
        }
    }
}
