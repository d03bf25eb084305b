package io.chaintrack.jobs.prices;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** token_prices through the one sink: exact decimals, day partitions made on demand, tombstones in and across flushes. */
class PriceTablesTest {
    private static final long DAY1 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final long DAY2 = DAY1 + 86_400_000L;

    @Test
    void rowsUpsertExactlyAndTombstonesDeleteTheirKey() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            var writer = CollapsingUpsertSink.standaloneWriter(PriceTables.TOKEN_PRICES,
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()));
            writer.write(row("0xa", DAY1, "0.1234567890123456789012345678901234"), null);
            writer.write(row("0xb", DAY1, "2"), null);
            writer.write(row("0xa", DAY2 + 60_000, "3"), null);
            writer.flush(false);
            assertThat(stored(postgres)).containsExactly("0xa 2026-01-01 00:00 0.1234567890123456789012345678901234 liq 5000",
                    "0xa 2026-01-02 00:01 3 liq 5000", "0xb 2026-01-01 00:00 2 liq 5000");

            writer.write(PriceRow.deletion(1, "0xa", "uniswap-v2:0xp", DAY1), null); // a later flush deletes
            writer.write(row("0xb", DAY1, "7"), null);                              // row then tombstone: deleted
            writer.write(PriceRow.deletion(1, "0xb", "uniswap-v2:0xp", DAY1), null);
            writer.write(PriceRow.deletion(1, "0xc", "uniswap-v2:0xp", DAY2), null); // tombstone then row: the row
            writer.write(row("0xc", DAY2, "8"), null);
            writer.write(PriceRow.deletion(1, "0xd", "uniswap-v2:0xp", DAY1), null); // of a key never written: nothing
            writer.flush(false);
            assertThat(stored(postgres)).containsExactly("0xa 2026-01-02 00:01 3 liq 5000", "0xc 2026-01-02 00:00 8 liq 5000");
            writer.close();
        }
    }

    private static PriceRow row(String token, long minute, String price) {
        return new PriceRow(1, token, "uniswap-v2:0xp", minute, "0xq", PriceRow.UNIT_BASE, new BigDecimal(price),
                new BigDecimal("5000"), minute + 5000, 10L, false);
    }

    private static List<String> stored(EmbeddedPostgresServer postgres) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), price,"
                     + " liquidity FROM token_prices ORDER BY token, minute")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3).toPlainString() + " liq "
                        + rs.getBigDecimal(4).toPlainString());
            }
        }
        return out;
    }
}
