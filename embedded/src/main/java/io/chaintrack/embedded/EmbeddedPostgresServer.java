package io.chaintrack.embedded;

import io.chaintrack.connectors.postgres.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server (zonky binaries) for the one-command stack and for tests, migrated on start.
 * With a data directory it keeps its data across runs; without one it is thrown away on close.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A throw-away server on a free port. */
    public static EmbeddedPostgresServer start() {
        return start(null, 0);
    }

    /**
     * @param dataDirectory kept across runs when given (the stack's state directory; the caller must close the
     *     server, no JVM shutdown hook does), temporary when null
     * @param port 0 for any free port
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        return start(dataDirectory, port, null, null);
    }

    /**
     * As {@link #start(Path, int)}, listening on {@code listenAddress} (null: PostgreSQL's default, localhost) and
     * appending the server's log to {@code logFile} (null: zonky's default, this process's log).
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, String listenAddress, Path logFile) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on");
            if (dataDirectory != null) {
                // a kept server is closed by its owner: the stack's own shutdown hook stops the jobs with a savepoint
                // first, which needs the database; zonky's hook would stop it concurrently (JVM hooks run in parallel)
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false).setRegisterShutdownHook(false);
            }
            if (port > 0) {
                builder.setPort(port);
            }
            if (listenAddress != null) {
                builder.setServerConfig("listen_addresses", listenAddress);
            }
            if (logFile != null) {
                // the postmaster inherits pg_ctl's output and outlives this JVM: a file keeps what it says after that
                java.nio.file.Files.createDirectories(logFile.toAbsolutePath().getParent());
                ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
                builder.setOutputRedirector(log).setErrorRedirector(log);
            }
            if (dataDirectory != null) {
                LeftoverPostmaster.stopIfRunning(dataDirectory);
            }
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start());
            Migrations.migrate(server.dataSource());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return "";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
