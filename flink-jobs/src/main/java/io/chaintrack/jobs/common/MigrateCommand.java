package io.chaintrack.jobs.common;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.postgres.Migrations;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Applies the Flyway migrations; the only way the schema changes in a deployment. Reads the jobs'
 * chaintrack.jdbc.* keys, else the API's datasource keys. Lives with the jobs, whose jar holds the migrations: the
 * Kubernetes migrate Job runs it from the jobs image ({@link #main}); the launcher offers it as `ChaintrackCli migrate`.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending PostgreSQL migrations.")
public final class MigrateCommand implements Callable<Integer> {
    @ConfigKey(value = "chaintrack.jdbc.url", fallbacks = "chaintrack.api.datasource.url")
    @Option(names = "--jdbc-url", required = true, description = "e.g. jdbc:postgresql://host:5432/chaintrack")
    String jdbcUrl;

    @ConfigKey(value = "chaintrack.jdbc.user", fallbacks = "chaintrack.api.datasource.user")
    @Option(names = "--jdbc-user", defaultValue = "postgres", description = "PostgreSQL user (default ${DEFAULT-VALUE}).")
    String user;

    @ConfigKey(value = "chaintrack.jdbc.password", fallbacks = "chaintrack.api.datasource.password")
    @Option(names = "--jdbc-password", defaultValue = "", description = "PostgreSQL password (prefer the environment).")
    String password;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new MigrateCommand()), args));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    @Override
    public Integer call() {
        int applied = Migrations.migrate(jdbcUrl, user, password);
        System.out.println("applied " + applied + " migration(s) to " + jdbcUrl);
        return 0;
    }
}
