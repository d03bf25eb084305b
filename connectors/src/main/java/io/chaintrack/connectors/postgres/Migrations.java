package io.chaintrack.connectors.postgres;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The PostgreSQL schema is owned by versioned Flyway migrations in db/migration; nothing else creates tables. */
public final class Migrations {
    // Flyway's default transactional advisory lock keeps a transaction open on a second connection, and
    // CREATE INDEX CONCURRENTLY (V21) waits for every open transaction: it would wait forever. A session lock does not.
    private static final Map<String, String> SETTINGS = Map.of("flyway.postgresql.transactional.lock", "false");

    private Migrations() {}

    /** Applies pending migrations; returns how many ran. Safe to call on every start. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .configuration(SETTINGS)
                .load()
                .migrate()
                .migrationsExecuted;
    }

    public static int migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .configuration(SETTINGS)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
