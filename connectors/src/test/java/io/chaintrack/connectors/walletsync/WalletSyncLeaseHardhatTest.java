package io.chaintrack.connectors.walletsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Several sync workers on one database against a real Hardhat chain (token history from the node's logs, the opening
 * balances the node's own at S − 1): two workers share six wallets, each synced by one of them once and each webhook
 * received once; a killed worker's sync waits for its lease, then another worker takes it over and finishes it exactly
 * while the old one can write nothing more. Oracles: the node's balances at S − 1, the Transfer logs of its receipts,
 * the receiver's count per delivery id.
 */
class WalletSyncLeaseHardhatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHAIN = SyncWorker.CHAIN;

    @Test
    void twoWorkersShareSixWalletsEachSyncedOnceAndEachWebhookReceivedOnce() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); Receiver receiver = new Receiver()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            List<String> wallets = chain.accounts().subList(10, 16);
            String token = scenario(chain, chain.accounts().get(0), wallets);
            long head = chain.blockNumber();
            seed(ds, head + 1, wallets, receiver.port());
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            EvmChainConfig config = config(node.url());
            String first;
            String second;
            try (SyncWorker w1 = new SyncWorker(config, null, db, 100, 1000);
                 SyncWorker w2 = new SyncWorker(config, null, db, 100, 1000)) {
                first = w1.id();
                second = w2.id();
                Await.until(() -> count(ds, "SELECT count(*) FROM wallet_syncs WHERE state = 'done'") == wallets.size()
                        && count(ds, "SELECT count(*) FROM wallet_webhook_deliveries WHERE state = 'delivered'") == wallets.size(),
                        180_000, () -> describe(ds, "SELECT address, state, reason, attempts FROM wallet_syncs"));
                // a few more passes of the workers: nothing is synced or sent again
                for (int i = 0; i < 4; i++) {
                    long seen = seenAt(ds);
                    Await.until(() -> seenAt(ds) > seen, 30_000, () -> "no further pass");
                }
            }
            assertEquals(List.of(Map.of("n", 6L, "once", 6L)), rows(ds, "SELECT count(*) AS n,"
                    + " count(*) FILTER (WHERE attempts = 1 AND state = 'done') AS once FROM wallet_syncs"), "no sync ran twice");
            Set<Object> finishers = new java.util.HashSet<>();
            rows(ds, "SELECT claimed_by FROM wallet_syncs").forEach(r -> finishers.add(r.get("claimed_by")));
            assertEquals(Set.of(first, second), finishers, "both workers took syncs");

            for (String wallet : wallets) {
                assertOpeningsAreTheNodes(ds, chain, token, wallet, head);
                assertEquals(transferLogs(chain, token, wallet, head), count(ds, "SELECT count(*) FROM transfers WHERE"
                        + " from_address = '" + wallet + "' OR to_address = '" + wallet + "'"), "history rows of " + wallet);
            }
            assertEquals(6, receiver.byDelivery.size(), "one delivery id per wallet: " + receiver.byDelivery);
            assertTrue(receiver.byDelivery.values().stream().allMatch(n -> n.get() == 1), "each received once: " + receiver.byDelivery);
            Map<String, Integer> perWallet = new TreeMap<>();
            receiver.wallets.forEach(w -> perWallet.merge(w, 1, Integer::sum));
            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < wallets.size(); i++) {
                expected.put(walletId(i), 1);
            }
            assertEquals(expected, perWallet);
        }
    }

    @Test
    void aKilledWorkersSyncWaitsForItsLeaseThenAnotherFinishesItExactly() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); Receiver receiver = new Receiver()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            List<String> wallets = chain.accounts().subList(10, 12);
            String token = scenario(chain, chain.accounts().get(0), wallets);
            long head = chain.blockNumber();
            String wallet = wallets.get(0);
            seed(ds, head + 1, List.of(wallet), receiver.port());
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            EvmChainConfig config = config(node.url());

            // the doomed worker claims the sync, writes three chunks and dies without a word (no release)
            WalletSyncStore doomed = new WalletSyncStore(db, Duration.ofSeconds(5));
            doomed.activateRequests(CHAIN);
            WalletSyncStore.Job claimed = doomed.claimNext(CHAIN).orElseThrow();
            EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
            try (RpcClient rpc = new RpcClient(config, metrics)) {
                AtomicInteger chunks = new AtomicInteger();
                assertEquals(WalletHistorySync.Outcome.STOPPED, new WalletHistorySync(config, rpc, null, doomed,
                        new EvmTransferMapper(config, metrics)).run(claimed, () -> chunks.incrementAndGet() > 3));
            }
            Map<String, Object> left = rows(ds, "SELECT claimed_by, logs_through, records_done FROM wallet_syncs").get(0);
            assertEquals(doomed.workerId(), left.get("claimed_by"));
            assertTrue((Long) left.get("logs_through") >= 0 && (Long) left.get("logs_through") < head, "mid-history: " + left);

            try (SyncWorker next = new SyncWorker(config, null, db, 100, 1000, Duration.ofSeconds(1))) {
                // while the dead worker's lease lasts, the live one passes by its sync
                long passes = seenAt(ds);
                Await.until(() -> seenAt(ds) > passes, 30_000, () -> "the worker never ran a pass");
                long again = seenAt(ds);
                Await.until(() -> seenAt(ds) > again, 30_000, () -> "the worker never ran a second pass");
                Map<String, Object> during = rows(ds, "SELECT claimed_by, logs_through, records_done,"
                        + " lease_until > now() AS leased FROM wallet_syncs").get(0);
                assertEquals(Boolean.TRUE, during.get("leased"), "the check ran within the dead worker's lease");
                during.remove("leased");
                assertEquals(left, during, "a sync under another worker's lease is not taken");

                // once it has expired the live worker takes the sync over and finishes it
                Await.until(() -> count(ds, "SELECT count(*) FROM wallet_syncs WHERE state = 'done'") == 1
                        && count(ds, "SELECT count(*) FROM wallet_webhook_deliveries WHERE state = 'delivered'") == 1,
                        120_000, () -> describe(ds, "SELECT state, reason, claimed_by FROM wallet_syncs"));
                assertEquals(List.of(Map.of("claimed_by", next.id(), "attempts", 2)),
                        rows(ds, "SELECT claimed_by, attempts FROM wallet_syncs"), "taken over once, by the live worker");
            }
            assertOpeningsAreTheNodes(ds, chain, token, wallet, head);
            assertEquals(transferLogs(chain, token, wallet, head), count(ds, "SELECT count(*) FROM transfers WHERE"
                    + " from_address = '" + wallet + "' OR to_address = '" + wallet + "'"), "history rows, none twice");
            assertEquals(1, receiver.byDelivery.size());

            // the dead worker comes back: it can write nothing more
            Map<String, Object> done = rows(ds, "SELECT * FROM wallet_syncs").get(0);
            List<Map<String, Object>> openings = rows(ds, "SELECT * FROM opening_balances ORDER BY token");
            WalletSyncStore.Job late = new WalletSyncStore.Job(claimed.chainId(), claimed.address(), claimed.generation(),
                    "running", head, head, -1, -1, 1, 1, 0);
            assertThrows(WalletSyncStore.SupersededException.class, () -> doomed.save(late));
            assertThrows(WalletSyncStore.SupersededException.class,
                    () -> doomed.finish(late, head + 1, Instant.EPOCH, List.of(), "late", "{}"));
            doomed.fail(late, "late", "{}");
            assertEquals(done, rows(ds, "SELECT * FROM wallet_syncs").get(0));
            assertEquals(openings, rows(ds, "SELECT * FROM opening_balances ORDER BY token"));
            assertEquals(1L, count(ds, "SELECT count(*) FROM wallet_webhook_deliveries"));
        }
    }

    private static EvmChainConfig config(String url) {
        // two blocks per eth_getLogs: every sync takes many chunks, so the workers' runs overlap
        return EvmChainConfig.builder(CHAIN, "hardhat-lease").endpoint(url).preset(ChainPresets.HARDHAT).maxLogRange(2)
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    /** Tokens minted to each wallet and passed around the ring of wallets, and ether sent: a block per transaction. */
    private static String scenario(HardhatChain chain, String minter, List<String> wallets) throws IOException {
        String token = chain.deploy("TestToken20", minter);
        for (String w : wallets) {
            chain.send(minter, token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(w), HardhatChain.u(10_000)));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < wallets.size(); i++) {
                String to = wallets.get((i + 1) % wallets.size());
                chain.send(wallets.get(i), token, BigInteger.ZERO, HardhatChain.call("transfer", HardhatChain.addr(to),
                        HardhatChain.u(100 + 10L * round + i)));
                chain.send(wallets.get(i), minter, BigInteger.TEN.pow(15).multiply(BigInteger.valueOf(1 + i)), null);
            }
        }
        chain.mineEmpty(2);
        return token;
    }

    private static String walletId(int i) {
        return String.format("w_%020d", i + 1);
    }

    private static void seed(DataSource ds, long first, List<String> wallets, int port) throws SQLException {
        exec(ds, "INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                + " VALUES (" + CHAIN + ", 0, 0, " + first + ", " + first + ", now())");
        exec(ds, "INSERT INTO api_users (issuer, subject) VALUES ('https://issuer.test', 'alice')");
        for (int i = 0; i < wallets.size(); i++) {
            exec(ds, "INSERT INTO wallets (wallet_id, user_id, chain_id, address, webhook_url, webhook_secret) SELECT '"
                    + walletId(i) + "', user_id, " + CHAIN + ", '" + wallets.get(i) + "', 'http://127.0.0.1:" + port
                    + "/hook', 'secret' FROM api_users");
            exec(ds, "INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + wallets.get(i) + "')");
        }
    }

    /** The wallet's opening balances are the node's own eth_getBalance and balanceOf at S − 1 (= head). */
    private static void assertOpeningsAreTheNodes(DataSource ds, HardhatChain chain, String token, String wallet, long head)
            throws Exception {
        List<BigInteger> node = chain.readAll(List.of(new HardhatChain.Read(wallet, null, head),
                new HardhatChain.Read(token, HardhatChain.call("balanceOf", HardhatChain.addr(wallet)), head)));
        Map<String, BigInteger> opening = new HashMap<>();
        for (Map<String, Object> r : rows(ds, "SELECT token, balance, block_number FROM opening_balances WHERE address = '"
                + wallet + "'")) {
            opening.put((String) r.get("token"), ((java.math.BigDecimal) r.get("balance")).toBigIntegerExact());
            assertEquals(head, r.get("block_number"));
        }
        assertEquals(Map.of("native", node.get(0), token, node.get(1)), opening, "opening balances of " + wallet);
    }

    /** Transfer logs of the token naming the wallet as sender or receiver, from the node's receipts. */
    private static long transferLogs(HardhatChain chain, String token, String wallet, long head) throws IOException {
        String padded = "0x" + "0".repeat(24) + wallet.substring(2);
        long n = 0;
        for (long b = 0; b <= head; b++) {
            for (var t : chain.block(b).getTransactions()) {
                Object v = t.get();
                String hash = v instanceof String h ? h : ((org.web3j.protocol.core.methods.response.EthBlock.TransactionObject) v).getHash();
                for (var log : chain.receipt(hash).getLogs()) {
                    if (log.getAddress().equalsIgnoreCase(token) && log.getTopics().size() == 3
                            && (log.getTopics().get(1).equalsIgnoreCase(padded) || log.getTopics().get(2).equalsIgnoreCase(padded))) {
                        n++;
                    }
                }
            }
        }
        assertTrue(n >= 4, "the scenario gave the wallet token history: " + n);
        return n;
    }

    private static String describe(DataSource ds, String sql) {
        try {
            return rows(ds, sql).toString();
        } catch (SQLException e) {
            return e.toString();
        }
    }

    private static long seenAt(DataSource ds) throws SQLException {
        List<Map<String, Object>> r = rows(ds, "SELECT (extract(epoch FROM seen_at) * 1000000)::bigint AS us FROM wallet_sync_workers");
        return r.isEmpty() ? 0 : (Long) r.get(0).get("us");
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<Map<String, Object>> rows(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<Map<String, Object>> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** Accepts every delivery and counts them by their Chaintrack-Delivery id, noting the wallet each names. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final Map<String, AtomicInteger> byDelivery = new ConcurrentHashMap<>();
        final List<String> wallets = new java.util.concurrent.CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                byDelivery.computeIfAbsent(ex.getRequestHeaders().getFirst(WebhookSender.DELIVERY_HEADER), k -> new AtomicInteger())
                        .incrementAndGet();
                wallets.add(JSON.readTree(body).path("wallet_id").asText());
                ex.sendResponseHeaders(204, -1);
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
