package io.chaintrack.connectors.walletsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ExplorerStub;
import io.chaintrack.connectors.evm.testkit.FaultProxy;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Opening balances from the node's own state at S − 1: a wallet that below S produced blocks (priority fees no txlist
 * shows) and got ether no transaction carries (hardhat_setBalance, a stand-in for a withdrawal or a genesis
 * allocation). Oracle: the node's eth_getBalance / balanceOf at S − 1, and its receipts for the fees the wallet earned
 * as block producer. Through a proxy that refuses state at S − 1 as a pruned node does, the opening is the history
 * sum, which misses exactly that income: the node path is what makes it right.
 */
class OpeningBalanceHardhatTest {
    private static final long CHAIN = 31337;
    private static final String WALLET = "0x5eed0000000000000000000000000000000fee01";
    private static final BigInteger ETH = BigInteger.TEN.pow(18);
    private static final BigInteger RAISE = ETH.multiply(BigInteger.valueOf(7));

    @Test
    void openingBalancesAreTheNodesAtTheBlockBeforeTheStartAndHistoryWhereTheNodeHasNoState() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            List<String> a = chain.accounts();
            Scenario s = scenario(chain, a);
            long head = chain.blockNumber();
            long first = head + 1;
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                        + " VALUES (" + CHAIN + ", 0, 0, " + first + ", " + first + ", now())");
                st.execute("INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + WALLET + "')");
            }
            List<BigInteger> atOpening = chain.readAll(List.of(new HardhatChain.Read(WALLET, null, head),
                    new HardhatChain.Read(s.token, HardhatChain.call("balanceOf", HardhatChain.addr(WALLET)), head)));
            BigInteger nodeNative = atOpening.get(0);
            BigInteger nodeToken = atOpening.get(1);
            assertTrue(s.tips.signum() > 0, "the wallet earned priority fees as block producer");
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            EvmChainConfig direct = config(node.url());

            try (ExplorerStub stub = new ExplorerStub(chain, WALLET, head, 1000);
                 FaultProxy pruned = new FaultProxy(node.url()).prunedStateAt(head,
                         "missing trie node 4f3c1e0b2a (path ) state 0x4f3c1e0b2a is not available")) {
                // an archive node: the opening balances are its own answers at S − 1
                try (SyncWorker w = new SyncWorker(direct, stub, db, 100, 1000)) {
                    awaitDone(ds, 1);
                }
                Map<String, Object[]> opening = openings(ds);
                assertEquals(Map.of("native", List.of(nodeNative, "node"), s.token, List.of(nodeToken, "node")), asLists(opening));
                BigInteger history = historySum(ds, "native", first);
                // the history misses exactly what no transaction of the wallet carries: the tips of the blocks it
                // produced (from the node's receipts) and the ether set on it
                assertEquals(nodeNative.subtract(history), s.tips.add(RAISE), "node − history = tips earned + ether raised");
                assertEquals(nodeToken, historySum(ds, s.token, first), "token history is complete: it sums to balanceOf");
                String reason = reason(ds);
                assertTrue(reason.contains("native: history below block " + first + " sums to " + history + ", the node holds "
                        + nodeNative + " at " + head), reason);
                assertTrue(reason.contains("block production"), reason);
                assertTrue(!reason.contains("token "), "the token's history agrees with the node: " + reason);

                // a pruned node refuses state at S − 1: the opening balances are the history sums, and native is wrong
                bump(ds);
                try (SyncWorker w = new SyncWorker(config(pruned.url()), stub, db, 100, 1000)) {
                    awaitDone(ds, 2);
                }
                opening = openings(ds);
                assertEquals(Map.of("native", List.of(history, "history"), s.token, List.of(nodeToken, "history")),
                        asLists(opening));
                assertNotEquals(nodeNative, history, "without the node's state the coinbase wallet's opening is not the node's");
                reason = reason(ds);
                assertTrue(reason.contains("missing trie node") && reason.contains("summed from history"), reason);

                // without an explorer native history is not listed, but the node still answers the native opening balance
                bump(ds);
                try (SyncWorker w = new SyncWorker(direct, null, db, 100, 1000)) {
                    awaitDone(ds, 3);
                }
                assertEquals(Map.of("native", List.of(nodeNative, "node"), s.token, List.of(nodeToken, "node")),
                        asLists(openings(ds)));
                assertTrue(reason(ds).startsWith("no explorer is configured"), reason(ds));

                // neither an explorer nor the node's state: no native opening balance at all, the reason says why
                bump(ds);
                try (SyncWorker w = new SyncWorker(config(pruned.url()), null, db, 100, 1000)) {
                    awaitDone(ds, 4);
                }
                assertEquals(Map.of(s.token, List.of(nodeToken, "history")), asLists(openings(ds)));
                reason = reason(ds);
                assertTrue(reason.startsWith("token history only") && reason.contains("missing trie node"), reason);
            }
        }
    }

    private record Scenario(String token, BigInteger tips) {}

    /**
     * Ordinary ether and token history, then blocks the wallet produces (hardhat_setCoinbase) while other accounts pay
     * tips, one of them its own transaction, then ether set on it (hardhat_setBalance) before a mined block.
     */
    private static Scenario scenario(HardhatChain chain, List<String> a) throws IOException {
        chain.raw("hardhat_impersonateAccount", WALLET);
        String token = chain.deploy("TestToken20", a.get(0));
        chain.send(a.get(0), WALLET, ETH.multiply(BigInteger.valueOf(10)), null);
        chain.send(WALLET, a.get(1), ETH, null);
        chain.send(a.get(2), WALLET, ETH.divide(BigInteger.TWO), null);
        chain.send(a.get(0), token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(WALLET), HardhatChain.u(1_000)));
        chain.send(WALLET, token, BigInteger.ZERO, HardhatChain.call("transfer", HardhatChain.addr(a.get(3)), HardhatChain.u(300)));

        String coinbase = (String) chain.raw("eth_coinbase");
        chain.raw("hardhat_setCoinbase", WALLET);
        List<String> produced = new java.util.ArrayList<>();
        produced.add(chain.send(a.get(4), a.get(5), ETH.divide(BigInteger.TEN), null));
        produced.add(chain.send(a.get(5), a.get(6), ETH.divide(BigInteger.TEN), null));
        produced.add(chain.send(a.get(6), token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(a.get(6)),
                HardhatChain.u(5))));
        produced.add(chain.send(WALLET, a.get(7), ETH.divide(BigInteger.valueOf(20)), null)); // its own tip to itself
        chain.raw("hardhat_setCoinbase", coinbase);
        BigInteger tips = BigInteger.ZERO;
        for (String h : produced) {
            var r = chain.receipt(h);
            var block = chain.block(r.getBlockNumber().longValueExact());
            assertEquals(WALLET, block.getMiner().toLowerCase(), "block " + block.getNumber() + " was produced by the wallet");
            if (!r.getFrom().equalsIgnoreCase(WALLET)) {
                BigInteger price = new BigInteger(r.getEffectiveGasPrice().substring(2), 16);
                tips = tips.add(r.getGasUsed().multiply(price.subtract(block.getBaseFeePerGas())));
            }
        }

        BigInteger now = chain.web3j().ethGetBalance(WALLET, HardhatChain.latest()).send().getBalance();
        chain.raw("hardhat_setBalance", WALLET, "0x" + now.add(RAISE).toString(16));
        chain.mineEmpty(1);
        chain.send(WALLET, a.get(8), ETH.divide(BigInteger.valueOf(3)), null);
        chain.send(a.get(9), WALLET, ETH.divide(BigInteger.valueOf(4)), null);
        chain.mineEmpty(1);
        return new Scenario(token, tips);
    }

    private static EvmChainConfig config(String url) {
        return EvmChainConfig.builder(CHAIN, "hardhat-opening").endpoint(url).preset(ChainPresets.HARDHAT).maxLogRange(10)
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    private static void awaitDone(DataSource ds, long generation) throws Exception {
        Await.until(() -> {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT state, generation FROM wallet_syncs")) {
                return rs.next() && rs.getString(1).equals("done") && rs.getLong(2) == generation;
            }
        }, 120_000, () -> {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT state || ' ' || generation || ' ' || reason FROM wallet_syncs")) {
                return rs.next() ? rs.getString(1) : "no sync";
            } catch (SQLException e) {
                return e.toString();
            }
        });
    }

    private static void bump(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("UPDATE wallet_sync_requests SET generation = generation + 1, requested_at = now()");
        }
    }

    private static String reason(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT reason FROM wallet_syncs")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** token → {balance, source}, every opening row at S − 1. */
    private static Map<String, Object[]> openings(DataSource ds) throws SQLException {
        Map<String, Object[]> out = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, balance, source FROM opening_balances WHERE address = '" + WALLET + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Object[] {rs.getBigDecimal(2).toBigIntegerExact(), rs.getString(3)});
            }
        }
        return out;
    }

    private static Map<String, List<Object>> asLists(Map<String, Object[]> m) {
        Map<String, List<Object>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    /** The wallet's history rows below {@code first} summed, independently of the store's query. */
    private static BigInteger historySum(DataSource ds, String token, long first) throws SQLException {
        BigInteger sum = BigInteger.ZERO;
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement("SELECT from_address, to_address, amount"
                + " FROM transfers WHERE token = ? AND block_number < ? AND (from_address = ? OR to_address = ?)")) {
            st.setString(1, token);
            st.setLong(2, first);
            st.setString(3, WALLET);
            st.setString(4, WALLET);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    BigInteger amount = rs.getBigDecimal(3).toBigIntegerExact();
                    if (rs.getString(2).equals(WALLET)) {
                        sum = sum.add(amount);
                    }
                    if (rs.getString(1).equals(WALLET)) {
                        sum = sum.subtract(amount);
                    }
                }
            }
        }
        return sum;
    }
}
