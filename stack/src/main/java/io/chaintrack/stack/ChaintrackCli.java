package io.chaintrack.stack;

import io.chaintrack.api.QueryApiApplication;
import io.chaintrack.jobs.balances.BalanceJob;
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
        subcommands = {StackCommand.class, MigrateCommand.class, ChaintrackCli.Api.class,
                ChaintrackCli.Balances.class, ChaintrackCli.Ingest.class})
public final class ChaintrackCli implements Callable<Integer> {
    public static void main(String[] args) {
        int code = new CommandLine(new ChaintrackCli()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
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

    /** The balance job; options are BalanceJob's own (see --help). */
    @Command(name = "balances", description = "Run the balance job (ChainEvents into PostgreSQL).")
    static final class Balances implements Callable<Integer> {
        @Parameters(arity = "0..*")
        String[] args = new String[0];

        @Override
        public Integer call() {
            return new CommandLine(new BalanceJob()).execute(args);
        }
    }

    /** The ingest job; options are IngestJob's own (see --help). */
    @Command(name = "ingest", description = "Run the ingest job (a chain follower into Kafka).")
    static final class Ingest implements Callable<Integer> {
        @Parameters(arity = "0..*")
        String[] args = new String[0];

        @Override
        public Integer call() {
            return new CommandLine(new io.chaintrack.jobs.ingest.IngestJob()).execute(args);
        }
    }
}
