package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.Direction;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listings' SQL against the migrated schema with realistic statistics (50,000 transfers over 5,000
 * addresses, vacuumed and analysed): each page is a range scan of the index made for it, in the listing's order
 * (no sort of the matching rows), and the address pages and balance-at sums are index-only scans.
 */
class QueryPlansTest {
    static EmbeddedPostgresServer postgres;
    static Connection c;
    static final String ADDRESS = String.format("0x%040x", 1234);

    @BeforeAll
    static void start() throws SQLException {
        postgres = EmbeddedPostgresServer.start();
        c = postgres.dataSource().getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO chains (chain_id, name) VALUES (1, 'plans')");
            st.execute("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                    + " SELECT 1, '0x' || lpad(to_hex(n), 64, '0'), n, '0x' || lpad(to_hex(n - 1), 64, '0'),"
                    + " timestamptz '2024-01-01 00:00:00+00' + n * interval '12 seconds', 100, true FROM generate_series(1, 500) n");
            st.execute("INSERT INTO transfers (chain_id, block_hash, tx_index, log_index, trace_address, batch_index, block_number,"
                    + " block_time, tx_hash, token, standard, from_address, to_address, amount, token_id, operator, canonical)"
                    + " SELECT 1, '0x' || lpad(to_hex(i / 100 + 1), 64, '0'), i % 100, i % 100, '', 0, i / 100 + 1,"
                    + " timestamptz '2024-01-01 00:00:00+00' + (i / 100 + 1) * interval '12 seconds', '0x' || md5(i::text) || md5((-i)::text),"
                    + " CASE WHEN i % 5 = 0 THEN 'native' ELSE '0x' || lpad(to_hex(4096 + i % 5), 40, '0') END,"
                    + " CASE WHEN i % 5 = 0 THEN 'NATIVE' ELSE 'ERC20' END,"
                    + " '0x' || lpad(to_hex((i * 7919) % 5000), 40, '0'), '0x' || lpad(to_hex((i * 104729 + 7) % 5000), 40, '0'),"
                    + " i + 1, NULL, NULL, i % 97 <> 0 FROM generate_series(0::bigint, 49999) i");
            st.execute("VACUUM (ANALYZE) transfers");
            st.execute("VACUUM (ANALYZE) blocks");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        c.close();
        postgres.close();
    }

    interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    static String plan(String sql, Binder binder) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("EXPLAIN " + sql)) {
            binder.bind(st);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }

    static String pagePlan(List<TransferQueryService.Scan> scans, TransferCursor after) throws SQLException {
        return plan(TransferQueryService.pageSql(scans, after != null), st -> TransferQueryService.bindPage(st, 1, scans, after, 21));
    }

    @Test
    void addressPagesAreIndexOnlyScansInListingOrder() throws SQLException {
        TransferCursor after = new TransferCursor(new byte[16], 300, 5, 5, 0, "");
        for (Direction direction : List.of(Direction.DIRECTION_UNSPECIFIED, Direction.DIRECTION_INCOMING, Direction.DIRECTION_OUTGOING)) {
            for (TransferCursor cursor : java.util.Arrays.asList(null, after)) {
                String plan = pagePlan(TransferQueryService.addressScans(ADDRESS, direction), cursor);
                assertThat(plan).as(direction + "\n" + plan).doesNotContain("Seq Scan").doesNotContain("Sort  ").doesNotContain("Bitmap");
                if (direction != Direction.DIRECTION_INCOMING) {
                    assertThat(plan).contains("Index Only Scan using transfers_from_cover_idx");
                }
                if (direction != Direction.DIRECTION_OUTGOING) {
                    assertThat(plan).contains("Index Only Scan using transfers_to_cover_idx");
                }
            }
        }
        // filters ride on the covering index too
        String filtered = pagePlan(TransferQueryService.filtered(TransferQueryService.addressScans(ADDRESS, Direction.DIRECTION_UNSPECIFIED),
                "ERC20", BigInteger.TEN), null);
        assertThat(filtered).contains("Index Only Scan using transfers_from_cover_idx").doesNotContain("Sort  ");
    }

    @Test
    void tokenTransactionAndRangePagesUseTheirIndexes() throws SQLException {
        String token = pagePlan(List.of(new TransferQueryService.Scan("token = ?", List.of("native"))), null);
        assertThat(token).contains("transfers_token_idx").doesNotContain("Seq Scan").doesNotContain("Sort  ");
        String tx = pagePlan(List.of(new TransferQueryService.Scan("tx_hash = ?", List.of("0x" + "ab".repeat(32)))), null);
        assertThat(tx).contains("transfers_tx_idx").doesNotContain("Seq Scan");
        String range = pagePlan(List.of(new TransferQueryService.Scan("true", List.of())
                .and("block_number >= ?", 100L).and("block_number <= ?", 120L)), null);
        assertThat(range).contains("transfers_block_idx").doesNotContain("Seq Scan").doesNotContain("Sort  ");
    }

    @Test
    void balanceAtSumsAreIndexOnlyScansOfABlockRange() throws SQLException {
        String plan = plan(BalanceAtQueryService.SUMS, st -> {
            st.setLong(1, 1);
            st.setString(2, ADDRESS);
            st.setLong(3, 1);
            st.setString(4, ADDRESS);
            st.setArray(5, c.createArrayOf("text", new String[] {"native"}));
            st.setArray(6, c.createArrayOf("numeric", new java.math.BigDecimal[] {java.math.BigDecimal.ZERO}));
            st.setArray(7, c.createArrayOf("bigint", new Long[] {100L}));
            st.setArray(8, c.createArrayOf("bigint", new Long[] {130L}));
        });
        assertThat(plan).contains("Index Only Scan using transfers_to_cover_idx").contains("Index Only Scan using transfers_from_cover_idx")
                .doesNotContain("Seq Scan on transfers");
    }
}
