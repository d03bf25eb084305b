package io.chaintrack.stack;

import io.chaintrack.api.QueryApiApplication;
import io.chaintrack.core.config.ConfigCatalog;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.RoleKeys;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.api.keys.KeysCommand;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.analytics.PartitionMaintenance;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.common.MigrateCommand;
import io.chaintrack.jobs.ingest.IngestJob;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-machine launcher's entry point: every role (stack, api, migrate, ingest, balances, …) is a
 * subcommand of one build (scripts/stack.sh, docker/launcher.Dockerfile). Production images run the API and the
 * jobs' main classes directly (docs/deploy.md).
 */
@Command(name = "chaintrack", mixinStandardHelpOptions = true, version = "chaintrack 0.1.0",
        description = "Exact, queryable history of EVM transfers and balances.",
        subcommands = {StackCommand.class, MigrateCommand.class, ChaintrackCli.Api.class})
public final class ChaintrackCli implements Callable<Integer> {
    public static void main(String[] args) {
        int code = ConfiguredCommandLine.execute(commandLine(), args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Every role, each with its own options and --help. */
    public static CommandLine commandLine() {
        return new CommandLine(new ChaintrackCli())
                .addSubcommand("ingest", new IngestJob())
                .addSubcommand("balances", new BalanceJob())
                .addSubcommand("analytics", new AnalyticsJob())
                .addSubcommand("analytics-retention", new PartitionMaintenance())
                .addSubcommand("prices", new io.chaintrack.jobs.prices.PriceJob())
                .addSubcommand("price-poller", new io.chaintrack.jobs.prices.PricePollerCommand())
                .addSubcommand("keys", new KeysCommand())
                .addSubcommand("reconcile", new ReconcileCommand())
                .addSubcommand("wallet-sync", new io.chaintrack.jobs.walletsync.WalletSyncCommand());
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    /**
     * Runs the query API: application.yml &lt; --config-file &lt; CHAINTRACK_* environment &lt; these flags,
     * every chaintrack.api.* key of docs/configuration.md through the same layers.
     */
    @Command(name = "api", mixinStandardHelpOptions = true, description = "Run the query API (gRPC and REST).")
    static final class Api implements Callable<Integer>, RoleKeys.ReadsKeys {
        @Spec
        CommandSpec spec;

        @ConfigKey("chaintrack.api.http-port")
        @Option(names = "--http-port", description = "REST port (default 8080).")
        Integer httpPort;

        @ConfigKey("chaintrack.api.grpc-port")
        @Option(names = "--grpc-port", description = "gRPC port (default 50051).")
        Integer grpcPort;

        @ConfigKey("chaintrack.api.datasource.url")
        @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL (default jdbc:postgresql://localhost:5432/postgres).")
        String jdbcUrl;

        @ConfigKey("chaintrack.api.datasource.user")
        @Option(names = "--jdbc-user", description = "PostgreSQL user (default postgres).")
        String jdbcUser;

        @ConfigKey("chaintrack.kafka.bootstrap-servers")
        @Option(names = "--bootstrap-servers", description = "Kafka brokers; health then reports the jobs' consumer lag.")
        String bootstrapServers;

        @ConfigKey("chaintrack.api.auth.enabled")
        @Option(names = "--auth", arity = "1", description = "Require API keys: true or false (default true).")
        Boolean auth;

        @Mixin
        ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

        /** Every chaintrack.api.* key reaches Micronaut through LayeredApiProperties, bound to an option or not. */
        @Override
        public java.util.Collection<String> keysRead() {
            return ConfigCatalog.API;
        }

        @Override
        public java.util.Collection<String> prefixesRead() {
            return ConfigCatalog.MAP_PREFIXES.stream().filter(p -> p.startsWith("chaintrack.api.")).toList();
        }

        @Override
        public Integer call() {
            QueryApiApplication.run(ConfiguredCommandLine.effective(spec.commandLine().getParseResult()));
            return 0;
        }
    }

}
