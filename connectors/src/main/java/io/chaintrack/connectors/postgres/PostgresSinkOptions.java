package io.chaintrack.connectors.postgres;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and how the sinks write: a batch is flushed when it holds {@code batchSize} distinct keys (rows of one key
 * collapse to the newest), when {@code batchInterval} has passed, and on every checkpoint; a failed batch is
 * retried {@code maxRetries} times.
 */
public record PostgresSinkOptions(String jdbcUrl, String user, String password, int batchSize,
                                  Duration batchInterval, int maxRetries) implements Serializable {
    public static final int DEFAULT_BATCH_SIZE = 50_000;
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_RETRIES = 3;

    public PostgresSinkOptions {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("JDBC URL must start with jdbc:postgresql: but is " + jdbcUrl);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("JDBC batch size must be at least 1, not " + batchSize);
        }
        if (batchInterval == null || batchInterval.isNegative()) {
            throw new IllegalArgumentException("JDBC batch interval must be zero or positive, not " + batchInterval);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("JDBC max retries must be zero or positive, not " + maxRetries);
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    public static PostgresSinkOptions of(String jdbcUrl, String user, String password) {
        return new PostgresSinkOptions(jdbcUrl, user, password, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_INTERVAL, DEFAULT_MAX_RETRIES);
    }

    public PostgresSinkOptions withBatching(int size, Duration interval) {
        return new PostgresSinkOptions(jdbcUrl, user, password, size, interval, maxRetries);
    }

    /** A connection outside autocommit, named {@code applicationName} in pg_stat_activity. */
    public Connection connect(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", applicationName);
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        c.setAutoCommit(false);
        return c;
    }

    /** The password never appears in logs or job graphs printed from this record. */
    @Override
    public String toString() {
        return "PostgresSinkOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", batchSize=" + batchSize
                + ", batchInterval=" + batchInterval + ", maxRetries=" + maxRetries + "]";
    }
}
