package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The price read against five days of minute rows (6 tokens x 4 sources, vacuumed and analysed): it reads only the
 * day partitions its 24 h lookback touches, through their (chain_id, token, minute) index, never a whole history.
 */
class PricePlanTest {
    static EmbeddedPostgresServer postgres;
    static Connection c;

    @BeforeAll
    static void start() throws SQLException {
        postgres = EmbeddedPostgresServer.start();
        c = postgres.dataSource().getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("SELECT chaintrack_ensure_day_partitions('token_prices', DATE '2026-11-01', DATE '2026-11-05')");
            st.execute("INSERT INTO token_prices (chain_id, token, source, minute, quote, unit, price, liquidity, as_of)"
                    + " SELECT 1, '0x' || lpad(to_hex(t), 40, '0'), 'http:s' || s, m, 'USD', 'whole', 1 + t + s, NULL, m"
                    + " FROM generate_series(1, 6) t, generate_series(1, 4) s,"
                    + " generate_series(timestamptz '2026-11-01 00:00:00+00', timestamptz '2026-11-05 23:59:00+00', interval '1 minute') m");
            st.execute("VACUUM (ANALYZE) token_prices");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        c.close();
        postgres.close();
    }

    @Test
    void aPriceReadTouchesOnlyItsLookbacksPartitionsThroughTheIndex() throws SQLException {
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 4, 6, 30, 0, 0, ZoneOffset.UTC);
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement st = c.prepareStatement("EXPLAIN " + PriceQueryService.LATEST_SQL)) {
            st.setLong(1, 1);
            st.setArray(2, c.createArrayOf("text", new String[] {String.format("0x%040x", 3)}));
            st.setObject(3, at);
            st.setObject(4, at);
            st.setObject(5, at.minus(PriceQueryService.LOOKBACK));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        // 2026-11-03 06:30 .. 2026-11-04 06:30: the 3rd's and 4th's partitions, by index
        assertThat(plan.toString()).as(plan.toString()).contains("token_prices_p20261103").contains("token_prices_p20261104")
                .doesNotContain("token_prices_p20261101").doesNotContain("token_prices_p20261102")
                .doesNotContain("token_prices_p20261105").doesNotContain("Seq Scan").contains("Index Scan");
    }
}
