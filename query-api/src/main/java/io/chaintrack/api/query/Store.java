package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.context.Deadlines;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.UnavailableException;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * Plain JDBC over the pool with every statement bounded by the query timeout. It turns "the database
 * is not there" into 503 and "the statement ran too long" into 504, never into a bare 500.
 */
@Singleton
public final class Store {
    /** What a piece of SQL work does with one pooled connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DatabaseGate gate;
    private final DataSource dataSource;
    private final int queryTimeoutSeconds;

    public Store(DataSource dataSource, ApiConfig config) {
        this.gate = DatabaseGate.of(dataSource);
        this.dataSource = gate.dataSource();
        this.queryTimeoutSeconds = config.queryTimeoutSeconds();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public <T> T read(Work<T> work) {
        Deadlines.remainingNanos();
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            gate.failed(e);
            throw translate(e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws, so a write of user
     * data (a wallet upload) is applied whole or not at all.
     */
    public <T> T transaction(Work<T> work) {
        Deadlines.remainingNanos();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            gate.failed(e);
            throw translate(e);
        }
    }

    /** A statement carrying the configured timeout; callers close it with try-with-resources. */
    public PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        long left = Deadlines.remainingNanos();
        int seconds = left < 0 ? queryTimeoutSeconds
                : (int) Math.max(1, Math.min(queryTimeoutSeconds, (left + 999_999_999L) / 1_000_000_000L));
        statement.setQueryTimeout(seconds);
        return statement;
    }

    static ApiException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.equals("57P01")
                || state.equals("57P02") || state.equals("57P03") || state.equals("53300")) {
            return new UnavailableException("the database is not reachable; retry later", e);
        }
        if (state.equals("57014")) {
            return new ApiException(ErrorKind.DEADLINE_EXCEEDED, null, "the query took longer than the configured timeout", e);
        }
        return new ApiException(ErrorKind.INTERNAL, null, "internal error", e);
    }
}
