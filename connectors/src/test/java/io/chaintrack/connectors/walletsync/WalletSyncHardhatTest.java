package io.chaintrack.connectors.walletsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.ExplorerStub;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A targeted sync against a real Hardhat chain: the wallet's native history comes from a fault-injecting
 * Etherscan-compatible stub (429s, an in-band "Max rate limit reached", a transient 500, a page size of 4 under a
 * result window of 12, one block holding more of the wallet's transactions than a page) whose records are read from
 * the chain (and, for the ether a contract forwards to it in inner calls, which Hardhat cannot trace, from what the test
 * did), its token history from the node's eth_getLogs. The worker is killed mid-sync and a new one resumes from
 * the persisted cursors. Oracle: the node's own eth_getBalance and balanceOf of the wallet at every block of the
 * history, and the completion webhook's signature checked by the receiver with its own HMAC.
 */
class WalletSyncHardhatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHAIN = 31337;
    private static final String WALLET = "0x5eed00000000000000000000000000000000c0de";
    private static final String SECRET = "whsec-test-0123456789";
    private static final AtomicReference<String> FORWARDER = new AtomicReference<>();
    private static final List<Object[]> FORWARDS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void syncKilledAndResumedAgainstAFaultInjectingExplorerCompletesExactly() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            List<String> accounts = chain.accounts();
            String token = scenario(chain, accounts);
            long head = chain.blockNumber();
            long first = head + 1; // the pipeline follows the chain from here: everything up to head is history

            try (Connection c = ds.getConnection()) {
                exec(c, "INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                        + " VALUES (" + CHAIN + ", 0, 0, " + first + ", " + first + ", now())");
                exec(c, "INSERT INTO api_users (issuer, subject) VALUES ('https://issuer.test', 'alice')");
                exec(c, "INSERT INTO wallets (wallet_id, user_id, chain_id, address, webhook_url, webhook_secret)"
                        + " SELECT 'w_00000000000000000001', user_id, " + CHAIN + ", '" + WALLET + "', 'http://127.0.0.1:"
                        + "%PORT%/hook', '" + SECRET + "' FROM api_users");
                exec(c, "INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + WALLET + "')");
            }
            Receiver receiver = new Receiver(2);
            try (Connection c = ds.getConnection()) {
                exec(c, "UPDATE wallets SET webhook_url = replace(webhook_url, '%PORT%', '" + receiver.port() + "')");
            }
            ExplorerStub stub = new ExplorerStub(chain, WALLET, head, 12);
            for (Object[] f : FORWARDS) {
                stub.addInternal(chain, (String) f[0], FORWARDER.get(), WALLET, (BigInteger) f[1], "0");
            }
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            EvmChainConfig config = EvmChainConfig.builder(CHAIN, "hardhat-sync").endpoint(node.url())
                    .preset(ChainPresets.HARDHAT).maxLogRange(7).requestTimeout(Duration.ofSeconds(10)).build();
            try {
                // the first worker is killed while the stub holds its fourth page of txlist
                stub.holdAt(4);
                try (SyncWorker first1 = new SyncWorker(config, stub, db, 4, 12)) {
                    assertTrue(stub.held.await(60, TimeUnit.SECONDS), "the worker never asked the fourth txlist page");
                }
                stub.release();
                Map<String, Object> killed = row(ds, "SELECT state, native_through, logs_through, target_block, claimed_by,"
                        + " lease_until <= now() AS released FROM wallet_syncs WHERE address = '" + WALLET + "'");
                assertEquals("running", killed.get("state"), "a killed sync stays running, to be resumed");
                // closed gracefully: its lease (10 min) is released, so the next worker need not wait for it
                assertEquals(null, killed.get("claimed_by"));
                assertEquals(Boolean.TRUE, killed.get("released"));
                long nativeThrough = (Long) killed.get("native_through");
                assertEquals(head, (Long) killed.get("logs_through"), "token history was done before native history");
                assertTrue(nativeThrough >= 0 && nativeThrough < head, "native cursor persisted mid-history: " + nativeThrough);
                int before = stub.txlistStarts.size();

                try (SyncWorker second = new SyncWorker(config, stub, db, 4, 12)) {
                    awaitState(ds, "done");
                    awaitDelivered(ds);
                }
                assertEquals(nativeThrough + 1, (long) stub.txlistStarts.get(before),
                        "the new worker resumed after the persisted cursor, not from block 0");
                assertTrue(stub.faults.get() >= 4, "the stub injected its faults: " + stub.faults.get());
                assertTrue(stub.inBlockPages.get() > 0, "the block with more transactions than a page was paged within");
                assertTrue(stub.windowRefusals.get() == 0, "the worker never asked past the explorer's result window");

                assertExact(ds, chain, token, head);
                assertEquals(expectedRows(chain, token, head), historyRowCount(ds), "one row per transfer, none twice");

                // the webhook: two refusals, then delivered, signed as documented
                Map<String, Object> delivery = row(ds, "SELECT state, attempts, body FROM wallet_webhook_deliveries");
                assertEquals("delivered", delivery.get("state"));
                assertEquals(3, ((Number) delivery.get("attempts")).intValue());
                assertEquals(3, receiver.requests.get());
                assertTrue(receiver.verified.get() != null && receiver.verified.get(), "the receiver verified the signature");
                JsonNode body = JSON.readTree((String) delivery.get("body"));
                assertEquals("wallet.sync.done", body.path("event").asText());
                assertEquals("w_00000000000000000001", body.path("wallet_id").asText());

                // resync on demand: the explorer now refuses the key, the sync fails with the explorer's reason
                stub.refuseKey = true;
                bump(ds);
                try (SyncWorker w = new SyncWorker(config, stub, db, 4, 12)) {
                    awaitState(ds, "failed");
                }
                Map<String, Object> failed = row(ds, "SELECT reason, generation FROM wallet_syncs");
                assertTrue(((String) failed.get("reason")).contains("Invalid API Key"), "reason: " + failed.get("reason"));
                assertEquals(2L, failed.get("generation"));
                // and resynced again, from scratch, over rows already written: still exact, still once each
                stub.refuseKey = false;
                bump(ds);
                try (SyncWorker w = new SyncWorker(config, stub, db, 4, 12)) {
                    awaitState(ds, "done");
                }
                assertExact(ds, chain, token, head);
                assertEquals(expectedRows(chain, token, head), historyRowCount(ds));

                // without an explorer only token history is synced: done, saying so; the native opening balance is the
                // node's own at S − 1 (native rows already written are a partial history it does not sum)
                bump(ds);
                try (SyncWorker w = new SyncWorker(config, null, db, 4, 12)) {
                    awaitState(ds, "done", 4);
                }
                assertTrue(((String) row(ds, "SELECT reason FROM wallet_syncs").get("reason")).startsWith("no explorer is configured"));
                assertEquals(Map.of("n", 2L, "s", "node"), row(ds, "SELECT count(*) AS n, min(source) AS s FROM opening_balances"));
                assertExact(ds, chain, token, head);
            } finally {
                stub.close();
                receiver.close();
            }
        }
    }

    /**
     * The wallet's life on chain: funded, sending and receiving ether, a self-transfer, ether received in inner calls, a
     * failed transaction that still pays its fee, tokens minted, sent and received, and one block with seven of its
     * transactions.
     */
    private static String scenario(HardhatChain chain, List<String> a) throws IOException {
        chain.raw("hardhat_impersonateAccount", WALLET);
        String token = chain.deploy("TestToken20", a.get(0));
        String forwarder = chain.deploy("Forwarder", a.get(0));
        FORWARDER.set(forwarder);
        BigInteger eth = BigInteger.TEN.pow(18);
        chain.send(a.get(0), WALLET, eth.multiply(BigInteger.valueOf(50)), null);
        for (int i = 0; i < 6; i++) {
            chain.send(WALLET, a.get(1 + i % 3), eth.divide(BigInteger.valueOf(7 + i)), null);
            chain.send(a.get(4 + i % 2), WALLET, eth.divide(BigInteger.valueOf(3 + i)), null);
            chain.send(a.get(0), token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(WALLET),
                    HardhatChain.u(1_000 + i)));
            chain.send(WALLET, token, BigInteger.ZERO, HardhatChain.call("transfer", HardhatChain.addr(a.get(6)),
                    HardhatChain.u(300 + i)));
        }
        chain.send(WALLET, WALLET, eth, null);
        for (int i = 0; i < 3; i++) {
            // ether reaching the wallet in an inner call: only an explorer's internal transactions (or traces) show it
            BigInteger value = eth.divide(BigInteger.valueOf(2 + i));
            FORWARDS.add(new Object[] {chain.send(a.get(9), forwarder, value, HardhatChain.call("forward", HardhatChain.addr(WALLET))),
                    value});
        }
        try {
            // more tokens than it holds: reverted, but mined, and the fee is paid
            chain.send(WALLET, token, BigInteger.ZERO, HardhatChain.call("transfer", HardhatChain.addr(a.get(6)),
                    HardhatChain.u(BigInteger.TEN.pow(30))));
        } catch (IOException expected) {
            // Hardhat reports the revert; the transaction is in a block all the same
        }
        chain.send(a.get(7), token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(a.get(7)), HardhatChain.u(50)));
        chain.send(a.get(7), token, BigInteger.ZERO, HardhatChain.call("transfer", HardhatChain.addr(WALLET), HardhatChain.u(20)));
        chain.automine(false);
        for (int i = 0; i < 7; i++) {
            chain.send(WALLET, a.get(8), eth.divide(BigInteger.valueOf(100 + i)), null);
        }
        chain.mine();
        chain.automine(true);
        chain.mineEmpty(2);
        return token;
    }

    /** The node's balances of the wallet at every block of the history equal the history rows' running sums. */
    private static void assertExact(DataSource ds, HardhatChain chain, String token, long head) throws Exception {
        List<HardhatChain.Read> reads = new ArrayList<>();
        for (long b = 0; b <= head; b++) {
            reads.add(new HardhatChain.Read(WALLET, null, b));
            reads.add(new HardhatChain.Read(token, HardhatChain.call("balanceOf", HardhatChain.addr(WALLET)), b));
        }
        List<BigInteger> node = chain.readAll(reads);
        Map<Long, BigInteger[]> deltas = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement("SELECT block_number, token,"
                + " sum(CASE WHEN to_address = ? THEN amount ELSE 0 END) - sum(CASE WHEN from_address = ? THEN amount ELSE 0 END)"
                + " FROM transfers WHERE chain_id = ? AND (from_address = ? OR to_address = ?) GROUP BY 1, 2")) {
            st.setString(1, WALLET);
            st.setString(2, WALLET);
            st.setLong(3, CHAIN);
            st.setString(4, WALLET);
            st.setString(5, WALLET);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    BigInteger[] d = deltas.computeIfAbsent(rs.getLong(1), k -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
                    d[rs.getString(2).equals("native") ? 0 : 1] = d[rs.getString(2).equals("native") ? 0 : 1]
                            .add(rs.getBigDecimal(3).toBigIntegerExact());
                }
            }
        }
        BigInteger nativeBalance = BigInteger.ZERO;
        BigInteger tokenBalance = BigInteger.ZERO;
        for (long b = 0; b <= head; b++) {
            BigInteger[] d = deltas.getOrDefault(b, new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            nativeBalance = nativeBalance.add(d[0]);
            tokenBalance = tokenBalance.add(d[1]);
            assertEquals(node.get((int) (2 * b)), nativeBalance, "native balance at block " + b);
            BigInteger nodeToken = node.get((int) (2 * b + 1));
            assertEquals(nodeToken == null ? BigInteger.ZERO : nodeToken, tokenBalance, "token balance at block " + b);
        }
        assertTrue(nativeBalance.signum() > 0 && tokenBalance.signum() > 0);
        Map<String, BigInteger> opening = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT token, balance, block_number FROM opening_balances WHERE address = ?")) {
            st.setString(1, WALLET);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    opening.put(rs.getString(1), rs.getBigDecimal(2).toBigIntegerExact());
                    assertEquals(head, rs.getLong(3));
                }
            }
        }
        assertEquals(Map.of("native", node.get((int) (2 * head)), token, node.get((int) (2 * head + 1))), opening,
                "opening balances are the node's at the block before the first indexed one");
    }

    /** Rows the history must hold, counted from the node's receipts and logs independently of the sync. */
    private static int expectedRows(HardhatChain chain, String token, long head) throws IOException {
        int rows = FORWARDS.size(); // one internal transfer each
        String padded = "0x" + "0".repeat(24) + WALLET.substring(2);
        for (long b = 0; b <= head; b++) {
            var block = chain.web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                    BigInteger.valueOf(b)), true).send().getBlock();
            for (var t : block.getTransactions()) {
                var tx = (org.web3j.protocol.core.methods.response.EthBlock.TransactionObject) t;
                var receipt = chain.receipt(tx.getHash());
                boolean ok = "0x1".equals(receipt.getStatus());
                boolean involved = WALLET.equalsIgnoreCase(tx.getFrom()) || WALLET.equalsIgnoreCase(tx.getTo());
                if (involved && ok && tx.getValue().signum() > 0) {
                    rows++;
                }
                if (WALLET.equalsIgnoreCase(tx.getFrom())) {
                    BigInteger base = block.getBaseFeePerGas();
                    BigInteger price = new BigInteger(receipt.getEffectiveGasPrice().substring(2), 16);
                    rows += price.compareTo(base) > 0 ? 2 : 1; // FEE when a tip was paid, BURN always here
                }
                for (var log : receipt.getLogs()) {
                    if (log.getAddress().equalsIgnoreCase(token) && log.getTopics().size() == 3
                            && (log.getTopics().get(1).equalsIgnoreCase(padded) || log.getTopics().get(2).equalsIgnoreCase(padded))) {
                        rows++;
                    }
                }
            }
        }
        return rows;
    }

    private static int historyRowCount(DataSource ds) throws SQLException {
        return ((Number) row(ds, "SELECT count(*) AS n FROM transfers WHERE from_address = '" + WALLET + "' OR to_address = '"
                + WALLET + "'").get("n")).intValue();
    }

    private static void bump(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            exec(c, "UPDATE wallet_sync_requests SET generation = generation + 1, requested_at = now()");
        }
    }

    private static void awaitState(DataSource ds, String state) throws Exception {
        awaitState(ds, state, 0);
    }

    /** Waits for {@code state} of a sync of at least {@code generation}. */
    private static void awaitState(DataSource ds, String state, long generation) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = null;
        while (System.nanoTime() < deadline) {
            Map<String, Object> r = row(ds, "SELECT state, reason, generation FROM wallet_syncs");
            last = r.toString();
            if (state.equals(r.get("state")) && (Long) r.get("generation") >= generation) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("sync never reached " + state + ": " + last);
    }

    private static void awaitDelivered(DataSource ds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!row(ds, "SELECT 1 AS one FROM wallet_webhook_deliveries WHERE state = 'delivered'").isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("webhook never delivered: " + row(ds, "SELECT * FROM wallet_webhook_deliveries"));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Map<String, Object> row(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
            }
            return out;
        }
    }

    /** A webhook receiver that refuses the first {@code refusals} deliveries, then checks the signature itself. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicReference<Boolean> verified = new AtomicReference<>();

        Receiver(int refusals) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                int n = requests.incrementAndGet();
                if (n <= refusals) {
                    ex.sendResponseHeaders(503, -1);
                    ex.close();
                    return;
                }
                String header = ex.getRequestHeaders().getFirst("Chaintrack-Signature");
                Map<String, String> parts = new HashMap<>();
                for (String p : header.split(",")) {
                    String[] kv = p.split("=", 2);
                    parts.put(kv[0], kv[1]);
                }
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                    String expected = java.util.HexFormat.of().formatHex(
                            mac.doFinal((parts.get("t") + "." + body).getBytes(StandardCharsets.UTF_8)));
                    long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(parts.get("t")));
                    verified.set(expected.equals(parts.get("v1")) && age < 300);
                } catch (Exception e) {
                    verified.set(false);
                }
                ex.sendResponseHeaders(verified.get() ? 204 : 400, -1);
                ex.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
