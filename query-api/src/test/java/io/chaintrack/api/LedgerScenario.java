package io.chaintrack.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A random but self-consistent chain for exactness tests: canonical transfers (plus orphaned ones of a reorg),
 * and the balance_windows (3600 s and 86400 s) and current_balances rows the pipeline would derive from them,
 * computed here by folding the canonical transfers. Balances at any block are known by the same fold.
 */
final class LedgerScenario {
    static final long CHAIN = 7;
    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    static final String ZERO = "0x" + "0".repeat(40);
    static final List<String> HOLDERS = List.of("0x" + "a1".repeat(20), "0x" + "b2".repeat(20), "0x" + "c3".repeat(20));
    static final String ERC20 = "0x" + "4".repeat(40);
    static final String ERC1155 = "0x" + "5".repeat(40);
    static final String ERC721 = "0x" + "6".repeat(40);
    static final String RARE = "0x" + "7".repeat(40);
    static final int BLOCKS = 300;
    static final int[] SIZES = {3600, 86400};

    /** (token, key id): key id is the ERC-1155 id, 0 for every other standard. */
    record Asset(String token, String standard, BigInteger keyId) {}

    record Window(long delta, long balance, long in, long out, long volumeIn, long volumeOut) {}

    final List<TransferRow> transfers = new ArrayList<>();
    final Map<Long, Instant> blockTimes = new TreeMap<>();

    /** Block time: 10 minutes apart, but every block ending in 5 shares its parent's time (as on some L2s). */
    static Instant time(long n) {
        long k = n % 10 == 5 ? n - 1 : n;
        return T0.plusSeconds(600 * k);
    }

    static String blockHash(long n, boolean canonical) {
        return String.format("0x%s%063x", canonical ? "1" : "2", n);
    }

    LedgerScenario(long seed) {
        Random random = new Random(seed);
        Map<String, Map<Asset, Long>> held = new HashMap<>();
        for (long n = 1; n <= BLOCKS; n++) {
            blockTimes.put(n, time(n));
            int count = random.nextInt(4);
            for (int i = 0; i < count; i++) {
                Asset asset = switch (random.nextInt(5)) {
                    case 0 -> new Asset("native", "NATIVE", BigInteger.ZERO);
                    case 1, 2 -> new Asset(ERC20, "ERC20", BigInteger.ZERO);
                    case 3 -> new Asset(ERC1155, "ERC1155", BigInteger.valueOf(1 + random.nextInt(2)));
                    default -> n < 60 ? new Asset(ERC721, "ERC721", BigInteger.ZERO) : new Asset(ERC20, "ERC20", BigInteger.ZERO);
                };
                String to = HOLDERS.get(random.nextInt(HOLDERS.size()));
                String from = HOLDERS.get(random.nextInt(HOLDERS.size()));
                long amount = asset.standard().equals("ERC721") ? 1 : 1 + random.nextInt(1000);
                long fromHas = held.computeIfAbsent(from, k -> new HashMap<>()).getOrDefault(asset, 0L);
                if (from.equals(to) || fromHas < amount || random.nextInt(3) == 0) {
                    from = ZERO; // a mint
                }
                add(n, i, from, to, asset, amount, true);
                held.computeIfAbsent(from, k -> new HashMap<>()).merge(asset, -amount, Long::sum);
                held.computeIfAbsent(to, k -> new HashMap<>()).merge(asset, amount, Long::sum);
            }
            if (n == 150) {
                // one transfer of a rarely used token, so its checkpoints are far from most blocks
                add(n, 9, ZERO, HOLDERS.get(0), new Asset(RARE, "ERC20", BigInteger.ZERO), 77, true);
            }
        }
        // a reorg: orphaned versions of blocks 200..202 with transfers that must never count
        for (long n = 200; n <= 202; n++) {
            add(n, 0, ZERO, HOLDERS.get(0), new Asset(ERC20, "ERC20", BigInteger.ZERO), 1_000_000, false);
            add(n, 1, HOLDERS.get(1), HOLDERS.get(2), new Asset("native", "NATIVE", BigInteger.ZERO), 5_000_000, false);
        }
    }

    private void add(long n, int i, String from, String to, Asset asset, long amount, boolean canonical) {
        String hash = blockHash(n, canonical);
        BigInteger tokenId = switch (asset.standard()) {
            case "ERC1155" -> asset.keyId();
            case "ERC721" -> BigInteger.valueOf(n * 10 + i);
            default -> null;
        };
        transfers.add(new TransferRow(CHAIN, hash, n, time(n), String.format("0x%s%063x", canonical ? "3" : "4", n * 100 + i), i,
                asset.standard().equals("NATIVE") ? -1 : i, "", 0, asset.token(), asset.standard(), from, to,
                BigInteger.valueOf(amount), tokenId, null, canonical));
    }

    static Asset assetOf(TransferRow t) {
        return new Asset(t.token(), t.standard(), t.standard().equals("ERC1155") ? t.tokenId() : BigInteger.ZERO);
    }

    /** Exact balances of an address after block n (canonical transfers only), zero balances included. */
    Map<Asset, Long> balancesAt(String address, long n) {
        Map<Asset, Long> out = new TreeMap<>(java.util.Comparator.comparing(Asset::token).thenComparing(Asset::keyId));
        for (TransferRow t : transfers) {
            if (!t.canonical() || !t.touches(address)) {
                continue;
            }
            Asset asset = assetOf(t);
            out.putIfAbsent(asset, 0L);
            if (t.blockNumber() <= n) {
                long amount = t.amount().longValueExact();
                out.merge(asset, (t.to().equals(address) ? amount : 0) - (t.from().equals(address) ? amount : 0), Long::sum);
            }
        }
        return out;
    }

    /** Windows with activity of one address and size: asset -> window start -> window. */
    Map<Asset, TreeMap<Instant, Window>> windows(String address, int size) {
        Map<Asset, TreeMap<Instant, long[]>> acc = new HashMap<>();
        List<TransferRow> sorted = transfers.stream().filter(TransferRow::canonical).filter(t -> t.touches(address))
                .sorted(TransferRow.NEWEST_FIRST.reversed()).toList();
        for (TransferRow t : sorted) {
            Instant start = Instant.ofEpochSecond(Math.floorDiv(t.blockTime().getEpochSecond(), size) * size);
            long[] w = acc.computeIfAbsent(assetOf(t), k -> new TreeMap<>()).computeIfAbsent(start, k -> new long[5]);
            long amount = t.amount().longValueExact();
            if (t.to().equals(address)) {
                w[0] += amount;
                w[1]++;
                w[3] += amount;
            }
            if (t.from().equals(address)) {
                w[0] -= amount;
                w[2]++;
                w[4] += amount;
            }
        }
        Map<Asset, TreeMap<Instant, Window>> out = new HashMap<>();
        acc.forEach((asset, byStart) -> {
            long balance = 0;
            TreeMap<Instant, Window> windows = new TreeMap<>();
            for (Map.Entry<Instant, long[]> e : byStart.entrySet()) {
                long[] w = e.getValue();
                balance += w[0];
                windows.put(e.getKey(), new Window(w[0], balance, w[1], w[2], w[3], w[4]));
            }
            out.put(asset, windows);
        });
        return out;
    }

    List<String> addresses() {
        List<String> all = new ArrayList<>(HOLDERS);
        all.add(ZERO);
        return all;
    }

    void seed(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (" + CHAIN + ", 'ledger')");
            try (PreparedStatement st = c.prepareStatement("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash,"
                    + " block_time, transfer_count, canonical) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
                for (long n = 1; n <= BLOCKS; n++) {
                    block(st, n, true);
                    if (n >= 200 && n <= 202) {
                        block(st, n, false);
                    }
                }
                st.executeBatch();
            }
            for (TransferRow t : transfers) {
                t.insert(c);
            }
            for (String address : addresses()) {
                for (int size : SIZES) {
                    for (Map.Entry<Asset, TreeMap<Instant, Window>> e : windows(address, size).entrySet()) {
                        for (Map.Entry<Instant, Window> w : e.getValue().entrySet()) {
                            window(c, address, e.getKey(), size, w.getKey(), w.getValue());
                        }
                    }
                }
                currentBalances(c, address);
            }
            c.commit();
        }
    }

    private static void block(PreparedStatement st, long n, boolean canonical) throws SQLException {
        st.setLong(1, CHAIN);
        st.setString(2, blockHash(n, canonical));
        st.setLong(3, n);
        st.setString(4, blockHash(n - 1, true));
        st.setObject(5, time(n).atOffset(ZoneOffset.UTC));
        st.setBoolean(6, canonical);
        st.addBatch();
    }

    static void window(Connection c, String address, Asset asset, int size, Instant start, Window w) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO balance_windows (chain_id, address, token, token_id,"
                + " window_seconds, window_start, delta, balance, transfers_in, transfers_out, volume_in, volume_out)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setLong(1, CHAIN);
            st.setString(2, address);
            st.setString(3, asset.token());
            st.setBigDecimal(4, new BigDecimal(asset.keyId()));
            st.setInt(5, size);
            st.setObject(6, start.atOffset(ZoneOffset.UTC));
            st.setLong(7, w.delta());
            st.setLong(8, w.balance());
            st.setLong(9, w.in());
            st.setLong(10, w.out());
            st.setLong(11, w.volumeIn());
            st.setLong(12, w.volumeOut());
            st.executeUpdate();
        }
    }

    private void currentBalances(Connection c, String address) throws SQLException {
        Map<Asset, Long> balances = balancesAt(address, BLOCKS);
        for (Map.Entry<Asset, Long> e : balances.entrySet()) {
            long last = transfers.stream().filter(TransferRow::canonical).filter(t -> t.touches(address))
                    .filter(t -> assetOf(t).equals(e.getKey())).mapToLong(TransferRow::blockNumber).max().orElseThrow();
            try (PreparedStatement st = c.prepareStatement("INSERT INTO current_balances (chain_id, address, token, token_id,"
                    + " standard, balance, block_number, block_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setLong(1, CHAIN);
                st.setString(2, address);
                st.setString(3, e.getKey().token());
                st.setBigDecimal(4, new BigDecimal(e.getKey().keyId()));
                st.setString(5, e.getKey().standard());
                st.setLong(6, e.getValue());
                st.setLong(7, last);
                st.setObject(8, time(last).atOffset(ZoneOffset.UTC));
                st.executeUpdate();
            }
        }
    }
}
