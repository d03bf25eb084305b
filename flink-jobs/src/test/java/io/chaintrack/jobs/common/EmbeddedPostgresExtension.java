package io.chaintrack.jobs.common;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A migrated throw-away PostgreSQL for one test class: register it on a static field with {@code @RegisterExtension};
 * it starts before the class's first test and stops after its last, so tests of the class share its data.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedPostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedPostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public EmbeddedPostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("embedded PostgreSQL is not running: register the extension on a static field");
        }
        return server;
    }

    /** Sink options for the server's database, with the sinks' default batching. */
    public PostgresSinkOptions sinkOptions() {
        return PostgresSinkOptions.of(server().jdbcUrl(), server().user(), server().password());
    }

    /** A new auto-committing connection to the server's database; the caller closes it. */
    public Connection connection() throws SQLException {
        return server().dataSource().getConnection();
    }
}
