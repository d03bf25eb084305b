package io.chaintrack.api;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A small but complete chain history: chain 1 with 40 canonical blocks where 38..40 were reorged
 * (the orphaned versions and their transfers stay as canonical=false rows), an orphan tip at 41,
 * every token standard, self-transfers, ERC-1155 batches; chain 10 known but empty.
 */
final class SeedData {
    static final long CHAIN = 1;
    static final long EMPTY_CHAIN = 10;
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    static final String A = "0x" + "a".repeat(40);
    static final String B = "0x" + "b".repeat(40);
    static final String C = "0x" + "c".repeat(40);
    /** Only ever touched by orphaned transfers: the API must return nothing for it. */
    static final String GHOST = "0x" + "d".repeat(40);
    static final String OPERATOR = "0x" + "e".repeat(40);
    static final String ERC20 = "0x" + "1".repeat(40);
    static final String ERC1155 = "0x" + "2".repeat(40);
    static final String ERC721 = "0x" + "3".repeat(40);

    final List<TransferRow> transfers = new ArrayList<>();

    static String hash(long number, char variant) {
        String n = Long.toHexString(number);
        return "0x" + String.valueOf(variant).repeat(64 - n.length()) + n;
    }

    static Instant blockTime(long number) {
        return T0.plusSeconds(number * 12);
    }

    void seed(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'devnet'), (10, 'empty-net')");
            for (long n = 1; n <= 41; n++) {
                boolean reorged = n >= 38;
                if (n <= 40) {
                    block(c, n, reorged ? 'b' : 'a', true);
                }
                if (reorged) {
                    block(c, n, 'a', false);
                }
            }
            for (TransferRow row : transfers) {
                row.insert(c);
            }
            execute(c, "INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                    + " VALUES (1, 40, " + transfers.stream().filter(TransferRow::canonical).count() + ", 1, 40, '"
                    + blockTime(40) + "')");
            execute(c, "INSERT INTO token_totals (chain_id, token, standard, transfers, volume) VALUES"
                    + " (1, 'native', 'NATIVE', 120, 40000000000000000820),"
                    + " (1, '" + ERC20 + "', 'ERC20', 48, 115792089237316195423570985008687907853269984665640564039457584007913129639935),"
                    + " (1, '" + ERC1155 + "', 'ERC1155', 10, 50)");
            execute(c, "INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time) VALUES"
                    + " (1, '" + A + "', 'native', 0, 'NATIVE', 123456789012345678901234567890, 40, '" + blockTime(40) + "'),"
                    + " (1, '" + A + "', '" + ERC20 + "', 0, 'ERC20', 0, 39, '" + blockTime(39) + "'),"
                    + " (1, '" + A + "', '" + ERC1155 + "', 7, 'ERC1155', 5, 35, '" + blockTime(35) + "'),"
                    + " (1, '" + A + "', '" + ERC1155 + "', 8, 'ERC1155', 3, 35, '" + blockTime(35) + "'),"
                    + " (1, '" + A + "', '" + ERC721 + "', 0, 'ERC721', 2, 33, '" + blockTime(33) + "'),"
                    + " (1, '" + B + "', 'native', 0, 'NATIVE', 1, 40, '" + blockTime(40) + "')");
            // hourly windows of A's native balance at hours 0,1,3,4,6 and one daily window
            long[] hours = {0, 1, 3, 4, 6};
            long[] balances = {100, 150, 120, 200, 180};
            long previous = 0;
            for (int i = 0; i < hours.length; i++) {
                window(c, A, "native", 0, 3600, T0.plusSeconds(hours[i] * 3600), balances[i] - previous, balances[i]);
                previous = balances[i];
            }
            window(c, A, "native", 0, 86400, T0, 180, 180);
            window(c, A, ERC1155, 7, 3600, T0, 5, 5);
        }
    }

    SeedData() {
        for (long n = 1; n <= 41; n++) {
            boolean reorged = n >= 38;
            if (n <= 40) {
                transfersOfBlock(n, reorged ? 'b' : 'a', true);
            }
            if (reorged) {
                transfersOfBlock(n, 'a', false);
            }
        }
    }

    private void transfersOfBlock(long n, char variant, boolean canonical) {
        String blockHash = hash(n, variant);
        String tx0 = hash(n * 100, variant == 'a' ? 'c' : 'f');
        String tx1 = hash(n * 100 + 1, variant == 'a' ? 'c' : 'f');
        BigInteger orphanMark = canonical ? BigInteger.ZERO : BigInteger.valueOf(999_000_000);
        add(n, blockHash, tx0, 0, (int) (2 * n), "", 0, ERC20, "ERC20", A, B, BigInteger.valueOf(n * 1000).add(orphanMark), null, null, canonical);
        add(n, blockHash, tx0, 0, -1, "fee", 0, "native", "NATIVE", A, "0x" + "0".repeat(40), BigInteger.valueOf(21000 * n), null, null, canonical);
        add(n, blockHash, tx1, 1, -1, "", 0, "native", "NATIVE", B, A, BigInteger.TEN.pow(18).add(BigInteger.valueOf(n)).add(orphanMark), null, null, canonical);
        add(n, blockHash, tx1, 1, -1, "0.1", 0, "native", "NATIVE", A, C, BigInteger.valueOf(n), null, null, canonical);
        if (n % 5 == 0) {
            add(n, blockHash, tx1, 1, 100, "", 0, ERC20, "ERC20", A, A, BigInteger.valueOf(5), null, null, canonical);
        }
        if (n % 7 == 0) {
            add(n, blockHash, tx1, 1, 50, "", 0, ERC1155, "ERC1155", C, A, BigInteger.TWO, BigInteger.valueOf(7), OPERATOR, canonical);
            add(n, blockHash, tx1, 1, 50, "", 1, ERC1155, "ERC1155", C, A, BigInteger.ONE, BigInteger.valueOf(8), OPERATOR, canonical);
        }
        if (n % 11 == 0) {
            add(n, blockHash, tx1, 1, 60, "", 0, ERC721, "ERC721", A, C, BigInteger.ONE, BigInteger.valueOf(n), null, canonical);
        }
        if (!canonical) {
            add(n, blockHash, tx1, 1, 70, "", 0, ERC20, "ERC20", GHOST, B, BigInteger.ONE, null, null, false);
        }
    }

    private void add(long n, String blockHash, String txHash, int txIndex, int logIndex, String trace, int batch,
                     String token, String standard, String from, String to, BigInteger amount, BigInteger tokenId,
                     String operator, boolean canonical) {
        transfers.add(new TransferRow(CHAIN, blockHash, n, blockTime(n), txHash, txIndex, logIndex, trace, batch, token,
                standard, from, to, amount, tokenId, operator, canonical));
    }

    private static void block(Connection c, long n, char variant, boolean canonical) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash,"
                + " block_time, transfer_count, canonical) VALUES (1, ?, ?, ?, ?, 0, ?)")) {
            st.setString(1, hash(n, variant));
            st.setLong(2, n);
            st.setString(3, hash(n - 1, n >= 39 ? variant : 'a'));
            st.setObject(4, blockTime(n).atOffset(ZoneOffset.UTC));
            st.setBoolean(5, canonical);
            st.executeUpdate();
        }
    }

    static void window(Connection c, String address, String token, long tokenId, int seconds, Instant start, long delta,
                       long balance) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO balance_windows (chain_id, address, token, token_id,"
                + " window_seconds, window_start, delta, balance, transfers_in, transfers_out, volume_in, volume_out)"
                + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, address);
            st.setString(2, token);
            st.setLong(3, tokenId);
            st.setInt(4, seconds);
            st.setObject(5, start.atOffset(ZoneOffset.UTC));
            st.setLong(6, delta);
            st.setLong(7, balance);
            st.setLong(8, Math.max(delta, 0) > 0 ? 1 : 0);
            st.setLong(9, delta < 0 ? 1 : 0);
            st.setLong(10, Math.max(delta, 0));
            st.setLong(11, Math.max(-delta, 0));
            st.executeUpdate();
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** What ListAddressTransfers must return for an address, in order (before any paging). */
    List<TransferRow> expected(String address, String direction) {
        return transfers.stream()
                .filter(TransferRow::canonical)
                .filter(t -> switch (direction) {
                    case "in" -> t.to().equals(address);
                    case "out" -> t.from().equals(address);
                    default -> t.touches(address);
                })
                .sorted(TransferRow.NEWEST_FIRST)
                .toList();
    }
}
