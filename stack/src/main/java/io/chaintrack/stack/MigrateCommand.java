package io.chaintrack.stack;

import io.chaintrack.connectors.postgres.Migrations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Applies the Flyway migrations; the only way the schema changes in a deployment. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending PostgreSQL migrations.")
final class MigrateCommand implements Callable<Integer> {
    @Option(names = "--jdbc-url", required = true, defaultValue = "${env:CHAINTRACK_JDBC_URL}", description = "e.g. jdbc:postgresql://host:5432/chaintrack")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "${env:CHAINTRACK_JDBC_USER:-postgres}")
    String user;

    @Option(names = "--jdbc-password", defaultValue = "${env:CHAINTRACK_JDBC_PASSWORD:-}")
    String password;

    @Override
    public Integer call() {
        int applied = Migrations.migrate(jdbcUrl, user, password);
        System.out.println("applied " + applied + " migration(s) to " + jdbcUrl);
        return 0;
    }
}
