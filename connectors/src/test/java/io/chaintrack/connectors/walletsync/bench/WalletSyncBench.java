package io.chaintrack.connectors.walletsync.bench;

import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.testkit.ExplorerStub;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.walletsync.ExplorerClient;
import io.chaintrack.connectors.walletsync.WalletHistorySync;
import io.chaintrack.connectors.walletsync.WalletSyncStore;
import io.chaintrack.connectors.walletsync.WalletSyncWorker;
import io.chaintrack.connectors.walletsync.WebhookSender;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * Benchmark (not a test) for scripts/bench-wallet-sync.sh: a wallet with more than 100,000 ERC-20 transfers mined on a
 * Hardhat node below the chain's first indexed block, synced by a {@link WalletSyncWorker} (token history through
 * eth_getLogs, native history through the test kit's Etherscan-compatible {@link ExplorerStub} read from the node) under
 * stated rate limits. Rule: the run fails unless the synced rows equal the transfers counted from the node's receipts
 * and the opening balances equal the node's balanceOf / eth_getBalance at the last history block, where the synced
 * history's sums agree with them (the sync's reason, which would name a difference, is empty).
 *
 * <p>Arguments: pg-port blocks transfers-per-block outgoing-txs max-log-range rpc-calls-per-s explorer-calls-per-s.
 * Prints tab-separated {@code KEY value} lines, then {@code READY <jdbc url>}, and keeps PostgreSQL up until stdin closes
 * (the script pages the synced wallet through the API meanwhile).
 */
public final class WalletSyncBench {
    private static final long CHAIN = 31337;
    private static final String WALLET = "0x5eed00000000000000000000000000000000b16b";
    private static final BigInteger SPRAY_GAS = BigInteger.valueOf(25_000_000);

    public static void main(String[] args) throws Exception {
        int pgPort = Integer.parseInt(args[0]);
        int blocks = Integer.parseInt(args[1]);
        int perBlock = Integer.parseInt(args[2]);
        int outgoing = Integer.parseInt(args[3]);
        int logRange = Integer.parseInt(args[4]);
        int rpcRate = Integer.parseInt(args[5]);
        int explorerRate = Integer.parseInt(args[6]);

        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(pgPort)
                     .setServerConfig("max_connections", "100").start()) {
            Migrations.migrate(pg.getPostgresDatabase());
            List<String> dev = chain.accounts();
            String sender = dev.get(1);

            // ---- the wallet's history: funded with ether, `blocks` sprays of `perBlock` transfers in, `outgoing` out
            long genStart = System.nanoTime();
            chain.raw("hardhat_impersonateAccount", WALLET);
            String token = chain.deploy("BatchToken20", dev.get(0));
            chain.send(dev.get(0), token, BigInteger.ZERO, HardhatChain.call("mint", HardhatChain.addr(sender),
                    HardhatChain.u(BigInteger.TEN.pow(30))));
            chain.send(dev.get(0), WALLET, BigInteger.TEN.pow(19), null);
            List<String> sprays = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                sprays.add(spray(chain, sender, token, WALLET, perBlock, 1_000_000L * (b + 1)));
                if (b % 20 == 19) {
                    System.err.printf("mined %d of %d blocks of %d transfers%n", b + 1, blocks, perBlock);
                }
            }
            for (int i = 0; i < outgoing; i++) {
                sprays.add(spray(chain, WALLET, token, dev.get(2 + i % 5), perBlock, 7L + i));
            }
            chain.mineEmpty(1);
            long head = chain.blockNumber();
            double genSeconds = (System.nanoTime() - genStart) / 1e9;
            long expected = expectedRows(chain, token, head);
            BigInteger nodeToken = chain.readAll(List.of(new HardhatChain.Read(token,
                    HardhatChain.call("balanceOf", HardhatChain.addr(WALLET)), head))).get(0);
            BigInteger nodeNative = chain.web3j().ethGetBalance(WALLET, DefaultBlockParameter.valueOf(BigInteger.valueOf(head)))
                    .send().getBalance();
            System.err.printf("history: blocks 0..%d, %d rows expected, generated in %.1f s%n", head, expected, genSeconds);

            // ---- the pipeline follows from head + 1; the wallet's sync is requested
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO chains (chain_id, name) VALUES (" + CHAIN + ", 'hardhat')");
                st.execute("INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                        + " VALUES (" + CHAIN + ", 0, 0, " + (head + 1) + ", " + (head + 1) + ", now())");
                st.execute("INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + WALLET + "')");
            }

            PrometheusRegistry registry = new PrometheusRegistry();
            EvmMetrics metrics = EvmMetrics.on(registry);
            RpcCredential credential = RpcCredential.none("bench");
            EvmChainConfig config = EvmChainConfig.builder(CHAIN, "hardhat-bench")
                    .endpoint(RpcEndpoint.of("bench", node.url(), rpcRate > 0 ? credential.withRateLimit(RateLimit.perSecond(rpcRate)) : credential))
                    .preset(ChainPresets.HARDHAT).maxLogRange(logRange).requestTimeout(Duration.ofSeconds(120)).build();
            ExplorerStub stub = new ExplorerStub(chain, WALLET, head, 10_000);
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            ExplorerClient explorer = new ExplorerClient(new ExplorerClient.Config("stub", stub.url(), "key", 1000, 10_000,
                    RateLimit.perSecond(explorerRate), new RetryPolicy(8, Duration.ofMillis(100), 2.0, 0.2, Duration.ofSeconds(2)),
                    BreakerPolicy.defaults(), Duration.ofSeconds(30)));
            WalletSyncStore store = new WalletSyncStore(db);
            Map<String, Object> done;
            long syncStart = System.nanoTime();
            try (RpcClient rpc = new RpcClient(config, metrics)) {
                WalletSyncWorker worker = WalletSyncWorker.start(CHAIN, store, new WalletHistorySync(config, rpc, explorer, store,
                        new EvmTransferMapper(config, metrics)), new WebhookSender(store, 5, Duration.ofMillis(50), Duration.ofSeconds(5)),
                        Duration.ofMillis(50));
                try {
                    done = awaitEnd(pg);
                } finally {
                    worker.close();
                }
            } finally {
                stub.close();
            }
            double syncSeconds = (System.nanoTime() - syncStart) / 1e9;
            if (!"done".equals(done.get("state"))) {
                throw new IllegalStateException("the sync ended " + done);
            }

            // ---- verification against the node
            long rows = count(pg, "SELECT count(*) FROM transfers WHERE chain_id = " + CHAIN + " AND (from_address = '" + WALLET
                    + "' OR to_address = '" + WALLET + "')");
            Map<String, BigInteger> opening = new HashMap<>();
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT token, balance FROM opening_balances WHERE address = '" + WALLET + "'")) {
                while (rs.next()) {
                    opening.put(rs.getString(1), rs.getBigDecimal(2).toBigIntegerExact());
                }
            }
            System.out.printf(Locale.ROOT, "TOKEN\t%s%nWALLET\t%s%nHEAD\t%d%nGENERATE_S\t%.1f%nTX_SPRAYS\t%d%n", token, WALLET,
                    head, genSeconds, sprays.size());
            System.out.printf(Locale.ROOT, "EXPECTED_ROWS\t%d%nROWS\t%d%nRECORDS_DONE\t%s%nSYNC_S\t%.2f%nROWS_PER_S\t%.0f%n",
                    expected, rows, done.get("records_done"), syncSeconds, rows / syncSeconds);
            System.out.printf(Locale.ROOT, "RPC_CALLS\t%.0f%nEXPLORER_CALLS\t%d%nEXPLORER_FAULTS\t%d%n", rpcCalls(registry),
                    explorer.calls(), stub.faults.get());
            System.out.printf("NODE_TOKEN_BALANCE\t%s%nOPENING_TOKEN_BALANCE\t%s%nNODE_NATIVE_BALANCE\t%s%nOPENING_NATIVE_BALANCE\t%s%n",
                    nodeToken, opening.get(token), nodeNative, opening.get("native"));
            List<String> wrong = new ArrayList<>();
            if (rows != expected) {
                wrong.add("synced " + rows + " rows, the node's receipts hold " + expected + " transfers of the wallet");
            }
            if (!nodeToken.equals(opening.get(token))) {
                wrong.add("token balance " + opening.get(token) + ", the node's balanceOf " + nodeToken);
            }
            if (!nodeNative.equals(opening.get("native"))) {
                wrong.add("native balance " + opening.get("native") + ", the node's eth_getBalance " + nodeNative);
            }
            // the opening balances are read from the node: the synced history's sums must agree with them, which the
            // sync's reason would name otherwise
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT reason FROM wallet_syncs WHERE address = '" + WALLET + "'")) {
                if (rs.next() && !rs.getString(1).isEmpty()) {
                    wrong.add("history sums differ from the node: " + rs.getString(1));
                }
            }
            if (!wrong.isEmpty()) {
                System.out.println("FAILED\t" + String.join("; ", wrong));
                System.out.flush();
                System.exit(1);
            }
            System.out.println("VERIFIED");
            System.out.println("READY " + pg.getJdbcUrl("postgres", "postgres"));
            System.out.flush();
            while (System.in.read() >= 0) {
                // the script closes stdin when it is done with the database
            }
        }
    }

    private static String spray(HardhatChain chain, String from, String token, String to, int n, long amount) throws IOException {
        var r = chain.web3j().ethSendTransaction(new Transaction(from, null, null, SPRAY_GAS, token, BigInteger.ZERO,
                HardhatChain.call("spray", HardhatChain.addr(to), HardhatChain.u(n), HardhatChain.u(amount)))).send();
        if (r.hasError()) {
            throw new IOException("spray failed: " + r.getError().getMessage());
        }
        if (!"0x1".equals(chain.receipt(r.getTransactionHash()).getStatus())) {
            throw new IOException("spray reverted (gas?): " + r.getTransactionHash());
        }
        return r.getTransactionHash();
    }

    /** The wallet's transfers counted from the node's blocks and receipts, independently of the sync. */
    private static long expectedRows(HardhatChain chain, String token, long head) throws IOException {
        long rows = 0;
        String padded = "0x" + "0".repeat(24) + WALLET.substring(2);
        for (long b = 0; b <= head; b++) {
            EthBlock.Block block = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), true)
                    .send().getBlock();
            for (var t : block.getTransactions()) {
                var tx = (EthBlock.TransactionObject) t;
                var receipt = chain.receipt(tx.getHash());
                boolean ok = "0x1".equals(receipt.getStatus());
                boolean involved = WALLET.equalsIgnoreCase(tx.getFrom()) || WALLET.equalsIgnoreCase(tx.getTo());
                if (involved && ok && tx.getValue().signum() > 0) {
                    rows++; // the ether value moved by the call
                }
                if (WALLET.equalsIgnoreCase(tx.getFrom())) {
                    BigInteger price = new BigInteger(receipt.getEffectiveGasPrice().substring(2), 16);
                    rows += price.compareTo(block.getBaseFeePerGas()) > 0 ? 2 : 1; // FEE when a tip was paid, BURN
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

    private static Map<String, Object> awaitEnd(EmbeddedPostgres pg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT state, reason, records_done FROM wallet_syncs WHERE address = '" + WALLET + "'")) {
                if (rs.next() && (rs.getString(1).equals("done") || rs.getString(1).equals("failed"))) {
                    return Map.of("state", rs.getString(1), "reason", rs.getString(2), "records_done", rs.getLong(3));
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the sync did not end within 30 minutes");
    }

    private static long count(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** HTTP calls to the node (a JSON-RPC batch is one), as counted by the RpcClient's own metric. */
    private static double rpcCalls(PrometheusRegistry registry) {
        double total = 0;
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals("chaintrack_rpc_calls")) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    total += p.getValue();
                }
            }
        }
        return total;
    }

    private WalletSyncBench() {}
}
