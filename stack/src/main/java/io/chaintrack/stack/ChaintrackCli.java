package io.chaintrack.stack;

import io.chaintrack.api.QueryApiApplication;
import io.chaintrack.api.keys.KeysCommand;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.analytics.PartitionMaintenance;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.ingest.IngestJob;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The one distribution entry point: every role (stack, api, migrate, ingest, balances, …) is a
 * subcommand, so a single build and a single image serve them all.
 */
@Command(name = "chaintrack", mixinStandardHelpOptions = true, version = "chaintrack 0.1.0",
        description = "Exact, queryable history of EVM transfers and balances.",
        subcommands = {StackCommand.class, MigrateCommand.class, ChaintrackCli.Api.class})
public final class ChaintrackCli implements Callable<Integer> {
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Every role, each with its own options and --help. */
    static CommandLine commandLine() {
        return new CommandLine(new ChaintrackCli())
                .addSubcommand("ingest", new IngestJob())
                .addSubcommand("balances", new BalanceJob())
                .addSubcommand("analytics", new AnalyticsJob())
                .addSubcommand("analytics-retention", new PartitionMaintenance())
                .addSubcommand("keys", new KeysCommand());
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    /** Runs the query API (configuration from application.yml, environment and flags). */
    @Command(name = "api", description = "Run the query API (gRPC and REST).")
    static final class Api implements Callable<Integer> {
        @Parameters(arity = "0..*", description = "Micronaut options, e.g. -micronaut.server.port=8080")
        String[] args = new String[0];

        @Override
        public Integer call() {
            QueryApiApplication.main(args);
            return 0;
        }
    }

}
