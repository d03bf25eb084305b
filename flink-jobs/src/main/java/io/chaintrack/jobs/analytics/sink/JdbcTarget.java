package io.chaintrack.jobs.analytics.sink;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Where the analytics rows go: a PostgreSQL JDBC URL and credentials. */
public record JdbcTarget(String url, String user, String password) implements Serializable {
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password == null ? "" : password);
        // multi-row VALUES for JDBC batches: one round trip per batch instead of one per row
        p.setProperty("reWriteBatchedInserts", "true");
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(false);
        return c;
    }
}
