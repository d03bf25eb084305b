package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedPostgresServer;
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
    static final String TOKEN_1 = String.format("0x%040x", 4097);

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
            // 1 h windows of 200 addresses x 5 tokens, every third one fully reverted (invisible to the API)
            st.execute("INSERT INTO balance_windows (chain_id, address, token, token_id, window_seconds, window_start, delta,"
                    + " balance, transfers_in, transfers_out, volume_in, volume_out)"
                    + " SELECT 1, '0x' || lpad(to_hex(a), 40, '0'), CASE WHEN t = 0 THEN 'native' ELSE '0x' || lpad(to_hex(4096 + t), 40, '0') END,"
                    + " 0, 3600, timestamptz '2024-01-01 00:00:00+00' + w * interval '1 hour', w + 1, (w + 1) * (w + 2) / 2 + a + t,"
                    + " CASE WHEN (a + t + w) % 3 = 0 THEN 0 ELSE 1 END, 0, w + 1, 0"
                    + " FROM generate_series(1200, 1399) a, generate_series(0, 4) t, generate_series(0, 59) w");
            st.execute("VACUUM (ANALYZE) balance_windows");
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
    void liveStreamReadsAreIndexOnlyScansFromTheMarginFloor() throws SQLException {
        for (Direction direction : List.of(Direction.DIRECTION_UNSPECIFIED, Direction.DIRECTION_INCOMING, Direction.DIRECTION_OUTGOING)) {
            List<TransferQueryService.Scan> scans = TransferQueryService.addressScans(ADDRESS, direction);
            String plan = plan(TransferStreamService.sql(scans), st -> TransferRows.bindBranches(st, 1, scans, List.of(400L), 1001));
            assertThat(plan).as(direction + "\n" + plan).doesNotContain("Seq Scan").doesNotContain("Sort  ").doesNotContain("Bitmap");
            if (direction != Direction.DIRECTION_INCOMING) {
                assertThat(plan).contains("Index Only Scan Backward using transfers_from_cover_idx");
            }
            if (direction != Direction.DIRECTION_OUTGOING) {
                assertThat(plan).contains("Index Only Scan Backward using transfers_to_cover_idx");
            }
        }
    }

    static Store store() {
        return new Store(postgres.dataSource(), new io.chaintrack.api.config.ApiConfig(3600, List.of(3600), 100, 1000, "",
                java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(15), true, "all", java.time.Duration.ZERO));
    }

    @Test
    void batchedAddressPagesAreIndexOnlyScansWithTheCursorAsIndexCondition() throws SQLException {
        String plan = plan(TransferQueryService.ADDRESS_PAGES, st -> {
            new BatchParameters().column("int8", new Long[] {1L, 1L}).column("text", new String[] {ADDRESS, ADDRESS})
                    .column("bool", new Boolean[] {true, false}).column("bool", new Boolean[] {true, true})
                    .column("text", new String[] {null, "ERC20"}).column("numeric", new java.math.BigDecimal[] {null, java.math.BigDecimal.TEN})
                    .column("text", new String[] {null, "log"})
                    .column("int8", new Long[] {Long.MAX_VALUE, 300L}).column("int4", new Integer[] {0, 5})
                    .column("int4", new Integer[] {0, 5}).column("int4", new Integer[] {0, 0}).column("text", new String[] {"", ""})
                    .column("int4", new Integer[] {21, 21}).bind(c, st);
        });
        assertThat(plan).contains("Index Only Scan using transfers_from_cover_idx").contains("Index Only Scan using transfers_to_cover_idx")
                .doesNotContain("Seq Scan").doesNotContain("Bitmap");
        // each page's rows come merged in listing order and the pages in k.i order: nothing sorts the batch again
        assertThat(plan).as(plan).doesNotContain("Sort  ").startsWith("Nested Loop");
        // the keyset position bounds the range scanned, it is not a filter over the address's whole history
        assertThat(plan.lines().filter(l -> l.contains("Index Cond") && l.contains("ROW(block_number")).count()).isEqualTo(2);
    }

    @Test
    void batchedAddressPagesEqualOnePageStatementPerRead() throws SQLException {
        Store store = store();
        java.util.Random random = new java.util.Random(42);
        List<TransferQueryService.AddressPage> reads = new java.util.ArrayList<>();
        List<List<io.chaintrack.proto.v1.TransferView>> expected = new java.util.ArrayList<>();
        Direction[] directions = {Direction.DIRECTION_UNSPECIFIED, Direction.DIRECTION_INCOMING, Direction.DIRECTION_OUTGOING};
        for (int n = 0; n < 60; n++) {
            String address = String.format("0x%040x", random.nextInt(5000));
            Direction direction = directions[n % 3];
            String standard = n % 4 == 1 ? "NATIVE" : n % 4 == 2 ? "ERC20" : null;
            BigInteger minAmount = n % 5 == 3 ? BigInteger.valueOf(random.nextInt(50000)) : null;
            int fetch = 1 + random.nextInt(12);
            List<TransferQueryService.Scan> scans = TransferQueryService.filtered(TransferQueryService.addressScans(address, direction),
                    standard, minAmount);
            // walk the address's pages with the per-read statement; each page, with its cursor, is one read of the batch
            TransferCursor after = null;
            for (int page = 0; page < 3; page++) {
                List<io.chaintrack.proto.v1.TransferView> rows = reference(scans, after, fetch);
                reads.add(new TransferQueryService.AddressPage(1, address, direction, standard, minAmount, null, after, fetch));
                expected.add(rows);
                if (rows.size() < fetch) {
                    break;
                }
                io.chaintrack.proto.v1.TransferView last = rows.get(rows.size() - 1);
                after = new TransferCursor(new byte[16], last.getBlockNumber(), last.getTxIndex(), last.getLogIndex(),
                        last.getBatchIndex(), last.getTraceAddress());
            }
        }
        assertThat(expected.stream().mapToInt(List::size).sum()).as("reads that return rows").isGreaterThan(300);
        List<List<io.chaintrack.proto.v1.TransferView>> batched = TransferQueryService.readAddressPages(store, c, reads);
        assertThat(batched).hasSameSizeAs(expected);
        for (int i = 0; i < reads.size(); i++) {
            assertThat(batched.get(i)).as(reads.get(i).toString()).isEqualTo(expected.get(i));
        }
    }

    static List<io.chaintrack.proto.v1.TransferView> reference(List<TransferQueryService.Scan> scans, TransferCursor after, int fetch)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(TransferQueryService.pageSql(scans, after != null))) {
            TransferQueryService.bindPage(st, 1, scans, after, fetch);
            return TransferRows.read(st, 1);
        }
    }

    @Test
    void batchedHistoriesReadTheirKeyOnlyAndMatchTheWindowsAndOpeningBalance() throws SQLException {
        String plan = plan(BalanceQueryService.HISTORIES, st -> {
            new BatchParameters().column("int8", new Long[] {1L}).column("text", new String[] {String.format("0x%040x", 1234)})
                    .column("text", new String[] {"native"}).column("numeric", new java.math.BigDecimal[] {java.math.BigDecimal.ZERO})
                    .column("int4", new Integer[] {3600}).column("timestamptz", new String[] {"2024-01-01T10:00:00Z"})
                    .column("timestamptz", new String[] {"infinity"}).column("int4", new Integer[] {1001}).bind(c, st);
        });
        assertThat(plan).contains("balance_windows_pkey").doesNotContain("balance_windows_address_size_idx").doesNotContain("Seq Scan");
        // each read's windows come in the primary key's order and the reads in k.i order: nothing sorts the batch again
        assertThat(plan).as(plan).doesNotContain("Sort  ").startsWith("Nested Loop");
        Store store = store();
        java.time.OffsetDateTime base = java.time.OffsetDateTime.parse("2024-01-01T00:00:00Z");
        List<BalanceQueryService.HistoryRead> reads = new java.util.ArrayList<>();
        for (int a = 1200; a < 1210; a++) {
            for (String token : List.of("native", String.format("0x%040x", 4096 + 3))) {
                String address = String.format("0x%040x", a);
                reads.add(new BalanceQueryService.HistoryRead(1, address, token, BigInteger.ZERO, 3600, null, null, 1001));
                reads.add(new BalanceQueryService.HistoryRead(1, address, token, BigInteger.ZERO, 3600, base.plusHours(a % 7 + 3),
                        base.plusHours(a % 7 + 20), 1001));
            }
        }
        reads.add(new BalanceQueryService.HistoryRead(1, String.format("0x%040x", 99), "native", BigInteger.ZERO, 3600, base, null, 1001));
        List<BalanceQueryService.History> histories = BalanceQueryService.readHistories(store, c, reads);
        assertThat(histories).hasSameSizeAs(reads);
        for (int i = 0; i < reads.size(); i++) {
            BalanceQueryService.HistoryRead r = reads.get(i);
            int a = Integer.parseInt(r.address().substring(2), 16);
            int t = r.token().equals("native") ? 0 : 3;
            int first = r.from() == null ? 0 : (int) java.time.Duration.between(base, r.from()).toHours();
            int end = r.to() == null ? 60 : (int) java.time.Duration.between(base, r.to()).toHours();
            List<Integer> visible = new java.util.ArrayList<>();
            for (int w = first; w < end && a >= 1200 && a < 1400; w++) {
                if ((a + t + w) % 3 != 0) {
                    visible.add(w);
                }
            }
            assertThat(histories.get(i).windows()).as(r.toString()).extracting(v -> v.getWindowStart().getSeconds())
                    .containsExactlyElementsOf(visible.stream().map(w -> base.plusHours(w).toEpochSecond()).toList());
            assertThat(histories.get(i).windows()).extracting(io.chaintrack.proto.v1.BalanceWindowView::getBalance)
                    .containsExactlyElementsOf(visible.stream().map(w -> Integer.toString((w + 1) * (w + 2) / 2 + a + t)).toList());
            int opening = -1;
            for (int w = first - 1; w >= 0 && r.from() != null && a >= 1200 && a < 1400; w--) {
                if ((a + t + w) % 3 != 0) {
                    opening = w;
                    break;
                }
            }
            String expectedOpening = opening < 0 ? "0" : Integer.toString((opening + 1) * (opening + 2) / 2 + a + t);
            assertThat(histories.get(i).opening()).as("opening of " + r).isEqualTo(expectedOpening);
        }
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
        String plan = plan(BalanceAtQueryService.sums(2), st -> BalanceAtQueryService.bindSums(st, 1, ADDRESS,
                List.of(sumPlan("native", 100, 130)), 2));
        assertThat(plan).contains("Index Only Scan using transfers_to_cover_idx").contains("Index Only Scan using transfers_from_cover_idx")
                .doesNotContain("Seq Scan on transfers");
    }

    @Test
    void balanceAtSumsReuseOneGenericPlan() throws SQLException {
        Store store = store();
        try (Connection own = postgres.dataSource().getConnection()) {
            for (int i = 0; i < 15; i++) {
                BalanceAtQueryService.nets(store, own, 1, ADDRESS, List.of(sumPlan("native", 1 + i, 300 + i), sumPlan(TOKEN_1, 2 + i, 400)));
            }
            try (Statement st = own.createStatement();
                 ResultSet rs = st.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                         + " WHERE statement LIKE '%FROM (VALUES%'")) {
                assertThat(rs.next()).as("the sums are a server-prepared statement of this connection").isTrue();
                // the driver prepares it on the server at its 5th execution; PostgreSQL then plans 5 custom plans
                // before comparing them with the generic one
                assertThat(rs.getLong(1)).as("executions on the generic plan").isGreaterThanOrEqualTo(5);
                assertThat(rs.getLong(2)).as("custom plans").isLessThanOrEqualTo(5);
            }
        }
    }

    @Test
    void balanceAtSumsOverManyTokensMatchDirectSums() throws SQLException {
        List<BalanceAtQueryService.Plan> plans = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) { // two statements: 64 ranges, then 6 padded to 8
            String token = i % 10 == 0 ? "native" : i % 10 == 1 ? TOKEN_1 : String.format("0x%040x", 90_000 + i);
            plans.add(i == 35 ? sumPlan("native", 10, 9) : sumPlan(token, 1 + i, 250 + 3 * i));
        }
        List<BigInteger> nets = BalanceAtQueryService.nets(store(), c, 1, ADDRESS, plans);
        assertThat(nets).hasSize(70);
        int nonZero = 0;
        for (int i = 0; i < 70; i++) {
            BalanceAtQueryService.Plan plan = plans.get(i);
            BigInteger expected = BigInteger.ZERO;
            if (plan.lo() <= plan.hi()) {
                try (PreparedStatement st = c.prepareStatement("SELECT coalesce(sum(CASE WHEN to_address = ? THEN amount ELSE 0 END), 0)"
                        + " - coalesce(sum(CASE WHEN from_address = ? THEN amount ELSE 0 END), 0) FROM transfers"
                        + " WHERE chain_id = 1 AND canonical AND token = ? AND block_number BETWEEN ? AND ?")) {
                    st.setString(1, ADDRESS);
                    st.setString(2, ADDRESS);
                    st.setString(3, plan.token());
                    st.setLong(4, plan.lo());
                    st.setLong(5, plan.hi());
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        expected = rs.getBigDecimal(1).toBigIntegerExact();
                    }
                }
            }
            nonZero += expected.signum() != 0 ? 1 : 0;
            assertThat(nets.get(i)).as("range %d: %s", i, plan).isEqualTo(expected);
        }
        assertThat(nonZero).as("ranges with transfers of the address").isGreaterThan(5);
    }

    /** A balance-at plan that sums {@code token}'s transfers in blocks [lo, hi] (base and sign unused by the sums). */
    static BalanceAtQueryService.Plan sumPlan(String token, long lo, long hi) {
        return new BalanceAtQueryService.Plan(token, BigInteger.ZERO, "ERC20", BigInteger.ZERO, 1, lo, hi);
    }
}
