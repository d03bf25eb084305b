package io.chaintrack.api.query;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * Fails fast while the database is unreachable. Without it every request waits the pool's connection timeout
 * (Hikari keeps trying to connect until then) before its 503, and with many requests waiting the API looks
 * hung. Once a connection attempt fails because the server cannot be reached, the gate closes: every borrow
 * fails at once with the last failure, and one background thread retries until a connection validates, then
 * opens it. A statement that loses its server (a pooled connection whose backend is gone) closes it too, so the
 * next request does not wait the timeout again. Pool exhaustion (a timeout with every connection in use) does not
 * close the gate: the database is up, only busy.
 *
 * <p>So that even the first request after an outage does not wait, a watcher holds one connection of its own,
 * outside the pool, and validates it every {@value #WATCH_MILLIS} ms (one empty round trip): when the server stops,
 * the socket closes and the gate closes within that period, before any request borrows. It is one connection and
 * one thread per pool whatever the load, and a busy pool cannot close the gate through it.
 */
public final class DatabaseGate {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(DatabaseGate.class);
    private static final Map<DataSource, DatabaseGate> GATES = new WeakHashMap<>();
    private static final long RETRY_MILLIS = 250;
    static final long WATCH_MILLIS = 100;
    /** Seconds a validation may take before the server counts as gone (a partition, not a stop: that is at once). */
    private static final int WATCH_VALID_SECONDS = 2;

    private final DataSource pool;
    private final DataSource gated;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile SQLException down;

    private DatabaseGate(DataSource pool, boolean watch) {
        this.pool = pool;
        this.gated = new Gated();
        HikariDataSource hikari = watch ? hikari(pool) : null;
        if (hikari != null && hikari.getJdbcUrl() != null) {
            Thread watcher = new Thread(() -> watch(hikari), "database-gate-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    /** The one gate of {@code pool}: every user of the same pool sees the same state. */
    public static synchronized DatabaseGate of(DataSource pool) {
        if (pool instanceof Gated g) {
            return g.gate();
        }
        return GATES.computeIfAbsent(pool, p -> new DatabaseGate(p, true));
    }

    /** As {@link #of}, without the watcher: tests of what closes the gate on borrows and statements alone. */
    static synchronized DatabaseGate unwatched(DataSource pool) {
        return GATES.computeIfAbsent(pool, p -> new DatabaseGate(p, false));
    }

    /** The pool's live counters (active, idle, waiting), or null when the pool is not Hikari or not started. */
    public HikariPoolMXBean poolStats() {
        HikariDataSource hikari = hikari(pool);
        return hikari == null ? null : hikari.getHikariPoolMXBean();
    }

    private static HikariDataSource hikari(DataSource pool) {
        try {
            return pool instanceof HikariDataSource h ? h
                    : pool.isWrapperFor(HikariDataSource.class) ? pool.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * Until the pool closes: keeps one connection to the pool's server and validates it every WATCH_MILLIS; a
     * validation or a reconnect that fails because the server is gone closes the gate. It never opens the gate:
     * the probe does that through the pool itself.
     */
    private void watch(HikariDataSource hikari) {
        Connection connection = null;
        try {
            while (!hikari.isClosed()) {
                try {
                    if (connection == null) {
                        connection = watchConnection(hikari);
                    }
                    if (!connection.isValid(WATCH_VALID_SECONDS)) {
                        throw new SQLNonTransientConnectionException("the database stopped answering", "08006");
                    }
                } catch (SQLException e) {
                    closeQuietly(connection);
                    connection = null;
                    if (down == null && serverGone(e)) {
                        close(e);
                    }
                }
                Thread.sleep(WATCH_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(connection);
        }
    }

    private static Connection watchConnection(HikariDataSource hikari) throws SQLException {
        Properties props = new Properties();
        props.putAll(hikari.getDataSourceProperties());
        if (hikari.getUsername() != null) {
            props.setProperty("user", hikari.getUsername());
        }
        if (hikari.getPassword() != null) {
            props.setProperty("password", hikari.getPassword());
        }
        props.setProperty("connectTimeout", Integer.toString(WATCH_VALID_SECONDS));
        props.setProperty("ApplicationName", "chaintrack-api database gate");
        return DriverManager.getConnection(hikari.getJdbcUrl(), props);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is already gone
            }
        }
    }

    /** The pool behind the gate. */
    public DataSource dataSource() {
        return gated;
    }

    public boolean isDown() {
        return down != null;
    }

    Connection connect() throws SQLException {
        SQLException failure = down;
        if (failure != null) {
            throw new SQLTransientConnectionException("the database is not reachable (" + failure.getMessage() + ")",
                    "08001", failure);
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            if (serverGone(e) || (e instanceof SQLTransientConnectionException && !exhausted())) {
                close(e);
            }
            throw e;
        }
    }

    /** Tells the gate a statement failed: a failure that means the server is gone closes it. */
    public void failed(SQLException e) {
        if (serverGone(e)) {
            close(e);
        }
    }

    private static boolean serverGone(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // 08: connection exceptions; 57P01-57P03: the server is shutting down or not accepting connections
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || (e instanceof SQLTransientConnectionException && e.getCause() instanceof SQLException cause
                        && serverGone(cause));
    }

    /**
     * Whether a borrow timed out because every connection was in use. Hikari records the last connection failure
     * only once an attempt has finished, so a timeout without a cause is not proof of a busy database; a pool with
     * free slots that still could not hand out a connection could not open one.
     */
    private boolean exhausted() {
        HikariDataSource hikari = hikari(pool);
        if (hikari != null) {
            HikariPoolMXBean bean = hikari.getHikariPoolMXBean();
            return bean == null || bean.getActiveConnections() >= hikari.getMaximumPoolSize();
        }
        return true;
    }

    private void close(SQLException e) {
        if (down == null) {
            LOG.warn("database not reachable, failing requests at once until it answers: {}", e.getMessage());
        }
        down = e;
        if (probing.compareAndSet(false, true)) {
            Thread probe = new Thread(this::probe, "database-gate-probe");
            probe.setDaemon(true);
            probe.start();
        }
    }

    private void probe() {
        HikariDataSource hikari = hikari(pool);
        try {
            while (down != null && (hikari == null || !hikari.isClosed())) {
                try (Connection c = pool.getConnection()) {
                    if (c.isValid(1)) {
                        down = null;
                        LOG.info("database reachable again");
                        return;
                    }
                } catch (SQLException e) {
                    down = e;
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probing.set(false);
            if (down != null && !Thread.currentThread().isInterrupted() && (hikari == null || !hikari.isClosed())
                    && probing.compareAndSet(false, true)) {
                // lost a race with close(): keep one probe running while down
                Thread probe = new Thread(this::probe, "database-gate-probe");
                probe.setDaemon(true);
                probe.start();
            }
        }
    }

    /** The pool as a DataSource whose borrows go through the gate; everything else is the pool's. */
    private final class Gated implements DataSource {
        DatabaseGate gate() {
            return DatabaseGate.this;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return connect();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return pool.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(pool) || pool.isWrapperFor(iface);
        }
    }
}
