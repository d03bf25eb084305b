package io.chaintrack.jobs.common;

import io.chaintrack.core.config.ConfigKey;
import picocli.CommandLine.Option;

/**
 * The PostgreSQL connection options (--jdbc-url/--jdbc-user/--jdbc-password, keys chaintrack.jdbc.*) of every job
 * command, declared once as a picocli mixin. User and password are the same everywhere; whether the URL is required
 * genuinely differs between commands, so each nested variant declares the URL with its own rule and help.
 */
public abstract class JdbcOptions {
    // field names are the help's parameter labels (<jdbcUser>) and appear in picocli's error messages
    @ConfigKey("chaintrack.jdbc.user")
    @Option(names = "--jdbc-user", defaultValue = "postgres", description = "PostgreSQL user (default ${DEFAULT-VALUE}).")
    String jdbcUser;

    @ConfigKey("chaintrack.jdbc.password")
    @Option(names = "--jdbc-password", defaultValue = "",
            description = "PostgreSQL password (prefer env CHAINTRACK_JDBC_PASSWORD to the flag).")
    String jdbcPassword;

    private JdbcOptions() {}

    /** The JDBC URL, or null when the command allows it to be unset and it is. */
    public abstract String url();

    /** No URL given, or a blank one. */
    public boolean urlUnset() {
        String url = url();
        return url == null || url.isBlank();
    }

    public String user() {
        return jdbcUser;
    }

    public String password() {
        return jdbcPassword;
    }

    /** balance-job, analytics-retention: nothing to do without PostgreSQL, so picocli rejects a missing URL. */
    public static final class Required extends JdbcOptions {
        @ConfigKey("chaintrack.jdbc.url")
        @Option(names = "--jdbc-url", required = true,
                description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/chaintrack.")
        String jdbcUrl;

        @Override
        public String url() {
            return jdbcUrl;
        }
    }

    /**
     * analytics-job: required to run, but not to parse, so its other options can be read without a database (the
     * command checks the URL itself before running).
     */
    public static final class RequiredToRun extends JdbcOptions {
        @ConfigKey("chaintrack.jdbc.url")
        @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL (required).")
        String jdbcUrl;

        @Override
        public String url() {
            return jdbcUrl;
        }
    }

    /** ingest: PostgreSQL only receives the RPC endpoint status, which is not written when the URL is unset. */
    public static final class StatusOnly extends JdbcOptions {
        @ConfigKey("chaintrack.jdbc.url")
        @Option(names = "--jdbc-url", description = "PostgreSQL to write RPC endpoint status to (table"
                + " ingest_endpoint_status, read by the API's health); unset = not written.")
        String jdbcUrl;

        @Override
        public String url() {
            return jdbcUrl;
        }
    }
}
