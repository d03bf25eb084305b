package io.chaintrack.connectors.reconcile.bench;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.reconcile.ReconcileOptions;
import io.chaintrack.connectors.reconcile.Reconciler;
import io.chaintrack.connectors.reconcile.ReconciliationReport;
import io.chaintrack.connectors.reconcile.ReconciliationStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * Reconciler throughput against a local Hardhat node: N fresh accounts each receive ETH and an ERC-20 in 200-transaction
 * blocks; the chaintrack tables are written straight from the node's blocks (the pipeline is not what is measured), then
 * one reconciliation run per requested rate limit checks every balance. Prints one tab-separated line per rate limit:
 * rate limit (calls/s, 0 = none), accounts, balances, seconds, balances/s, accounts/s, HTTP calls, mismatches.
 * Usage: ReconcileBench N rateLimit...
 */
public final class ReconcileBench {
    private static final long CHAIN = 31337;
    private static final String TRANSFER = "0xa9059cbb";

    public static void main(String[] args) throws Exception {
        int accounts = Integer.parseInt(args[0]);
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Migrations.migrate(pg.getPostgresDatabase());
            List<String> dev = chain.accounts();
            chain.automine(true);
            String token = chain.deploy("TestToken20", dev.get(0));
            for (int i = 0; i < 10; i++) {
                chain.send(dev.get(0), token, BigInteger.ZERO, call("mint", addr(dev.get(i)), u(1_000_000_000_000L)));
            }
            chain.automine(false);
            long first = chain.blockNumber() + 1;
            for (int i = 0; i < accounts; i += 100) {
                BatchRequest batch = chain.web3j().newBatch();
                for (int j = i; j < Math.min(accounts, i + 100); j++) {
                    String from = dev.get(j % 10);
                    String to = String.format("0x%040x", 0x10000 + j);
                    batch.add(chain.web3j().ethSendTransaction(new Transaction(from, null, null, BigInteger.valueOf(21_000),
                            to, BigInteger.valueOf(1_000 + j), null)));
                    batch.add(chain.web3j().ethSendTransaction(new Transaction(from, null, null, BigInteger.valueOf(100_000),
                            token, BigInteger.ZERO, call("transfer", addr(to), u(1 + j)))));
                }
                batch.send();
                chain.mine();
            }
            long head = chain.blockNumber();
            int balances = writeTables(chain, pg, token, first, head);
            System.err.printf("blocks %d..%d, %d balances written%n", first, head, balances);

            for (int i = 1; i < args.length; i++) {
                int rate = Integer.parseInt(args[i]);
                PrometheusRegistry registry = new PrometheusRegistry();
                // one credential per run: a credential has one budget per process
                RpcCredential credential = RpcCredential.none("bench-" + rate);
                RpcEndpoint endpoint = RpcEndpoint.of("bench-" + rate, node.url(),
                        rate > 0 ? credential.withRateLimit(RateLimit.perSecond(rate)) : credential);
                EvmChainConfig config = EvmChainConfig.builder(CHAIN, "bench-" + rate).endpoint(endpoint).build();
                ReconcileOptions options = new ReconcileOptions(CHAIN, (int) (head - first + 1), 0, 1, Duration.ZERO, 1000);
                ReconciliationReport report;
                try (RpcClient rpc = new RpcClient(config, EvmMetrics.on(registry))) {
                    report = new Reconciler(new ReconciliationStore(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"),
                            rpc, options).run();
                }
                if (!report.ok()) {
                    report.print(System.err);
                }
                double seconds = report.duration().toNanos() / 1e9;
                System.out.printf("%d\t%d\t%d\t%.2f\t%.0f\t%.0f\t%.0f\t%d%n", rate, report.accountsChecked(),
                        report.balancesChecked(), seconds, report.balancesChecked() / seconds,
                        report.accountsChecked() / seconds, calls(registry), report.mismatchCount());
            }
        }
    }

    private static double calls(PrometheusRegistry registry) {
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

    /**
     * blocks, transfers (ETH values and ERC-20 transfer calls of the range) and current_balances (the node's balances at
     * the head) as the pipeline would have written them; returns the number of balance rows.
     */
    private static int writeTables(HardhatChain chain, EmbeddedPostgres pg, String token, long first, long head) throws Exception {
        Map<List<String>, BigInteger> balances = new LinkedHashMap<>();
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement blocks = c.prepareStatement("INSERT INTO blocks VALUES (?, ?, ?, ?, now(), ?, true)");
                 PreparedStatement transfers = c.prepareStatement("INSERT INTO transfers (chain_id, block_hash, tx_index,"
                         + " log_index, trace_address, batch_index, block_number, block_time, tx_hash, token, standard,"
                         + " from_address, to_address, amount, canonical, kind) VALUES (?, ?, ?, ?, '', 0, ?, now(), ?, ?, ?, ?, ?, ?, true, ?)")) {
                for (long n = first; n <= head; n++) {
                    EthBlock.Block b = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                            .send().getBlock();
                    int count = 0;
                    for (EthBlock.TransactionResult<?> r : b.getTransactions()) {
                        org.web3j.protocol.core.methods.response.Transaction tx = (org.web3j.protocol.core.methods.response.Transaction) r.get();
                        String from = tx.getFrom().toLowerCase();
                        String to;
                        String tok;
                        BigInteger amount;
                        if (tx.getValue().signum() > 0) {
                            to = tx.getTo().toLowerCase();
                            tok = "native";
                            amount = tx.getValue();
                        } else if (tx.getInput().startsWith(TRANSFER)) {
                            to = "0x" + tx.getInput().substring(10 + 24, 10 + 64);
                            tok = token;
                            amount = new BigInteger(tx.getInput().substring(10 + 64, 10 + 128), 16);
                        } else {
                            continue;
                        }
                        transfers.setLong(1, CHAIN);
                        transfers.setString(2, b.getHash());
                        transfers.setInt(3, tx.getTransactionIndex().intValue());
                        transfers.setInt(4, tok.equals("native") ? -1 : 0);
                        transfers.setLong(5, n);
                        transfers.setString(6, tx.getHash());
                        transfers.setString(7, tok);
                        transfers.setString(8, tok.equals("native") ? "NATIVE" : "ERC20");
                        transfers.setString(9, from);
                        transfers.setString(10, to);
                        transfers.setBigDecimal(11, new BigDecimal(amount));
                        transfers.setString(12, tok.equals("native") ? "call" : "log");
                        transfers.addBatch();
                        count++;
                        balances.put(List.of(from, tok), null);
                        balances.put(List.of(to, tok), null);
                    }
                    blocks.setLong(1, CHAIN);
                    blocks.setString(2, b.getHash());
                    blocks.setLong(3, n);
                    blocks.setString(4, b.getParentHash());
                    blocks.setInt(5, count);
                    blocks.addBatch();
                }
                blocks.executeBatch();
                transfers.executeBatch();
            }
            List<List<String>> keys = new ArrayList<>(balances.keySet());
            List<HardhatChain.Read> reads = new ArrayList<>();
            for (List<String> k : keys) {
                reads.add(k.get(1).equals("native") ? new HardhatChain.Read(k.get(0), null, head)
                        : new HardhatChain.Read(token, call("balanceOf", addr(k.get(0))), head));
            }
            List<BigInteger> values = chain.readAll(reads);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO current_balances VALUES (?, ?, ?, 0, ?, ?, ?, now())")) {
                for (int i = 0; i < keys.size(); i++) {
                    st.setLong(1, CHAIN);
                    st.setString(2, keys.get(i).get(0));
                    st.setString(3, keys.get(i).get(1));
                    st.setString(4, keys.get(i).get(1).equals("native") ? "NATIVE" : "ERC20");
                    st.setBigDecimal(5, new BigDecimal(values.get(i)));
                    st.setLong(6, head);
                    st.addBatch();
                }
                st.executeBatch();
            }
            c.commit();
            return keys.size();
        }
    }
}
