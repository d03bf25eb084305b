package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the gate closes: its watcher sees a stopped server before any request does; a lost server on a borrow or
 * mid-statement closes it too (those cases with the watcher off); a busy pool never does.
 */
class DatabaseGateTest {
    @Test
    void aStatementThatLosesItsServerClosesTheGate() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try (HikariDataSource pool = pool(postgres, 4)) {
            DatabaseGate gate = DatabaseGate.unwatched(pool);
            Connection held = gate.dataSource().getConnection();
            postgres.close();
            SQLException lost = catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = held.createStatement()) {
                    s.execute("SELECT 1");
                }
            });
            // the backend is told to terminate (57P01) or the socket just dies (08006), depending on timing
            assertThat(lost.getSQLState()).matches("08...|57P01");
            assertThat(gate.isDown()).isFalse();

            gate.failed(lost);

            assertThat(gate.isDown()).isTrue();
            SQLTransientConnectionException refused = catchThrowableOfType(SQLTransientConnectionException.class,
                    () -> gate.dataSource().getConnection());
            assertThat(refused.getMessage()).contains("the database is not reachable");
        }
    }

    @Test
    void aSyntaxErrorLeavesTheGateOpen() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             HikariDataSource pool = pool(postgres, 2)) {
            DatabaseGate gate = DatabaseGate.of(pool);
            SQLException wrong = catchThrowableOfType(SQLException.class, () -> {
                try (Connection c = gate.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELEC 1");
                }
            });
            gate.failed(wrong);
            assertThat(wrong.getSQLState()).isEqualTo("42601");
            assertThat(gate.isDown()).isFalse();
        }
    }

    @Test
    void anExhaustedPoolTimesOutWithoutClosingTheGate() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             HikariDataSource pool = pool(postgres, 1)) {
            DatabaseGate gate = DatabaseGate.of(pool);
            try (Connection only = gate.dataSource().getConnection()) {
                SQLTransientConnectionException busy = catchThrowableOfType(SQLTransientConnectionException.class,
                        () -> gate.dataSource().getConnection());
                assertThat(busy.getMessage()).contains("timed out");
                assertThat(gate.isDown()).isFalse();
                assertThat(only.isValid(1)).isTrue();
            }
            try (Connection again = gate.dataSource().getConnection()) {
                assertThat(again.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void aBorrowThatCannotConnectClosesTheGate() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try (HikariDataSource pool = pool(postgres, 4)) {
            DatabaseGate gate = DatabaseGate.unwatched(pool);
            try (Connection c = gate.dataSource().getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            postgres.close();
            pool.getHikariPoolMXBean().softEvictConnections();
            SQLException failed = catchThrowableOfType(SQLException.class, () -> gate.dataSource().getConnection());
            assertThat(failed.getMessage()).isNotBlank();
            assertThat(gate.isDown()).isTrue();
        }
    }

    @Test
    void theWatcherClosesTheGateBeforeTheFirstRequestWaitsForTheServer() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        // the production connection timeout: a request that reached the pool would wait it out
        try (HikariDataSource pool = pool(postgres, 4, 3000)) {
            DatabaseGate gate = DatabaseGate.of(pool);
            try (Connection c = gate.dataSource().getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            assertThat(gate.isDown()).isFalse();

            postgres.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!gate.isDown()) {
                assertThat(System.nanoTime()).as("the watcher never closed the gate").isLessThan(deadline);
                Thread.sleep(10);
            }

            long started = System.nanoTime();
            SQLTransientConnectionException refused = catchThrowableOfType(SQLTransientConnectionException.class,
                    () -> gate.dataSource().getConnection());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(refused.getMessage()).contains("the database is not reachable");
            // not a speed goal: "refused at once" vs "waited the 3 s connection timeout", loose for a shared machine
            assertThat(took).isLessThan(Duration.ofMillis(1500));
        }
    }

    private static HikariDataSource pool(EmbeddedPostgresServer postgres, int size) {
        return pool(postgres, size, 500);
    }

    private static HikariDataSource pool(EmbeddedPostgresServer postgres, int size, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(connectionTimeoutMillis);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
