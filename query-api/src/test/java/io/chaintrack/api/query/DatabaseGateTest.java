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
import org.junit.jupiter.api.Test;

/** When the gate closes: a lost server (on borrow or mid-statement) closes it; a busy pool never does. */
class DatabaseGateTest {
    @Test
    void aStatementThatLosesItsServerClosesTheGate() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try (HikariDataSource pool = pool(postgres, 4)) {
            DatabaseGate gate = DatabaseGate.of(pool);
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
            DatabaseGate gate = DatabaseGate.of(pool);
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

    private static HikariDataSource pool(EmbeddedPostgresServer postgres, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(500);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
