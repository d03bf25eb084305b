package io.chaintrack.connectors.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The PostgreSQL schema is owned by versioned Flyway migrations in db/migration; nothing else creates tables. */
public final class Migrations {
    private Migrations() {}

    /** Applies pending migrations; returns how many ran. Safe to call on every start. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
    }

    public static int migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
