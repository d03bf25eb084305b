package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ExplorerStub;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.reconcile.ReconcileOptions;
import io.chaintrack.connectors.reconcile.ReconciliationReport;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.jobs.walletsync.WalletSyncOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Watch-only mode end to end: the pipeline follows a Hardhat chain from a start block S, after a wallet already had
 * ether, token and fee history below S. Before its history sync the API's balance of the wallet is the pipeline's
 * partial one (not the node's); the stack's sync worker (explorer stub with faults for native history, the node's
 * logs for tokens) then makes the served balance the node's own eth_getBalance / balanceOf at the indexed head, and it
 * stays the node's as the wallet keeps moving value after the sync.
 */
class WalletSyncStackTest {
    private static final long CHAIN = 31337;
    private static final String WALLET = "0x5eed00000000000000000000000000000000beef";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aWalletsHistoryBelowTheStartBlockSyncsAndItsBalanceIsTheNodes() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            List<String> a = chain.accounts();
            chain.raw("hardhat_impersonateAccount", WALLET);
            String token = chain.deploy("TestToken20", a.get(0));
            BigInteger eth = BigInteger.TEN.pow(18);
            chain.send(a.get(0), WALLET, eth.multiply(BigInteger.valueOf(20)), null);
            chain.send(a.get(0), token, BigInteger.ZERO, call("mint", addr(WALLET), u(5_000)));
            for (int i = 0; i < 4; i++) {
                chain.send(WALLET, a.get(1), eth.divide(BigInteger.valueOf(3 + i)), null);
                chain.send(WALLET, token, BigInteger.ZERO, call("transfer", addr(a.get(2)), u(100 + i)));
                chain.send(a.get(3), WALLET, eth.divide(BigInteger.valueOf(5 + i)), null);
            }
            // income no transaction of the wallet carries, which no explorer's txlist lists: the tips of blocks it
            // produces, and ether set on it (a stand-in for a withdrawal or a genesis allocation)
            String coinbase = (String) chain.raw("eth_coinbase");
            chain.raw("hardhat_setCoinbase", WALLET);
            chain.send(a.get(5), a.get(6), eth.divide(BigInteger.TEN), null);
            chain.send(a.get(6), a.get(5), eth.divide(BigInteger.TEN), null);
            chain.raw("hardhat_setCoinbase", coinbase);
            BigInteger now = chain.web3j().ethGetBalance(WALLET, HardhatChain.latest()).send().getBalance();
            chain.raw("hardhat_setBalance", WALLET, "0x" + now.add(eth.multiply(BigInteger.valueOf(3))).toString(16));
            chain.mineEmpty(1);
            long start = chain.blockNumber() + 1;

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofMillis(400), null);
            PostgresSinkOptions tables = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            EvmChainConfig config = EvmChainConfig.builder(CHAIN, "hardhat").preset(ChainPresets.HARDHAT)
                    .endpoint(node.url()).startBlock(start).pollInterval(Duration.ofMillis(150)).reorgDepth(12)
                    .maxLogRange(5).build();
            IngestJob.buildEvm(env, config, kafka.bootstrapServers(), tables);
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "wallet-sync-balances", false),
                    tables.withBatching(100, Duration.ofMillis(50)), BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("wallet-sync-stack");
            WalletSyncOptions.Running worker = null;
            ExplorerStub stub = null;
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                // after S: the wallet keeps moving value, which the pipeline indexes
                chain.send(WALLET, a.get(4), eth.divide(BigInteger.valueOf(9)), null);
                chain.send(a.get(0), token, BigInteger.ZERO, call("mint", addr(WALLET), u(777)));
                chain.send(WALLET, token, BigInteger.ZERO, call("transfer", addr(a.get(2)), u(55)));
                IndexedHead.await(chain, postgres.dataSource(), 31337);
                long head = chain.blockNumber();
                Map<String, BigInteger> partial = served(api, token);
                assertThat(partial.get("native")).as("before the sync the pipeline knows only the change since block " + start)
                        .isNotEqualTo(node(chain, token, head).get("native"));
                // every account touched since S had history below it: the reconciler can prove none of them yet, and
                // reports them as without history rather than as mismatches
                ReconcileOptions reconcile = ReconcileOptions.defaults(CHAIN, 7).withSettle(Duration.ofMillis(200));
                ReconciliationReport before = ReconcileCommand.run(config, postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), reconcile);
                assertThat(before.status()).as(before.mismatches().toString()).isEqualTo(ReconciliationReport.OK);
                assertThat(before.balancesChecked()).isZero();
                assertThat(before.balancesWithoutHistory()).isGreaterThanOrEqualTo(4); // the wallet's two, at least two others

                try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + WALLET + "')");
                }
                stub = new ExplorerStub(chain, WALLET, head, 15);
                // the options as the wallet-sync command and the stack take them (one picocli mixin)
                WalletSyncOptions options = new WalletSyncOptions();
                new picocli.CommandLine(options).parseArgs("--wallet-sync-interval", "100ms", "--explorer-url", stub.url(),
                        "--explorer-rate-limit", "100", "--explorer-page-size", "5", "--explorer-result-cap", "15");
                worker = options.start(config, tables);
                Await.until(() -> state(postgres).startsWith("done"), 120_000, () -> {
                    try {
                        return "sync state " + state(postgres);
                    } catch (Exception e) {
                        return e.toString();
                    }
                });
                assertThat(stub.faults.get()).as("faults injected").isPositive();

                assertThat(served(api, token)).isEqualTo(node(chain, token, head));
                // the opening balances are the node's at S − 1; the wallet's history sums to less (the tips and the
                // ether set on it), and the sync's reason says so
                assertThat(openingSources(postgres)).isEqualTo(Map.of("native", "node", token.toLowerCase(), "node"));
                assertThat(state(postgres)).contains("native: history below block " + start + " sums to")
                        .contains("the node holds " + node(chain, token, start - 1).get("native") + " at " + (start - 1));
                // the reconciler now proves the wallet's native and token balances (current + opening) against the node
                ReconciliationReport after = ReconcileCommand.run(config, postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), reconcile);
                assertThat(after.status()).as(after.mismatches().toString()).isEqualTo(ReconciliationReport.OK);
                assertThat(after.balancesChecked()).isEqualTo(2);
                assertThat(after.balancesWithoutHistory()).isEqualTo(before.balancesWithoutHistory() - 2);
                // and an opening balance one unit off is a mismatch of exactly that balance
                try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                    assertThat(st.executeUpdate("UPDATE opening_balances SET balance = balance + 1 WHERE address = '"
                            + WALLET + "' AND token = '" + token.toLowerCase() + "'")).isEqualTo(1);
                }
                ReconciliationReport off = ReconcileCommand.run(config, postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), reconcile);
                assertThat(off.status()).isEqualTo(ReconciliationReport.MISMATCH);
                assertThat(off.mismatches()).singleElement().satisfies(m -> {
                    assertThat(m.address()).isEqualTo(WALLET);
                    assertThat(m.token()).isEqualTo(token.toLowerCase());
                    assertThat(m.difference()).isEqualTo(BigInteger.ONE);
                });
                try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE opening_balances SET balance = balance - 1 WHERE address = '"
                            + WALLET + "' AND token = '" + token.toLowerCase() + "'");
                }

                // and at every indexed block: the pipeline's balance there plus the opening one (GetBalancesAt)
                for (long b = start; b <= head; b++) {
                    assertThat(served(api, token, "/at?block_number=" + b)).as("block " + b).isEqualTo(node(chain, token, b));
                }

                // after the sync the pipeline's deltas go on adding to the opening balance
                chain.send(WALLET, a.get(5), eth.divide(BigInteger.valueOf(11)), null);
                chain.send(WALLET, token, BigInteger.ZERO, call("transfer", addr(a.get(5)), u(1_000)));
                IndexedHead.await(chain, postgres.dataSource(), 31337);
                assertThat(served(api, token)).isEqualTo(node(chain, token, chain.blockNumber()));

                // resynced by a worker without an explorer: native history is not listed (its cursors stay below S),
                // yet the native opening balance read from the node makes it known, and the reconciler proves it
                worker.close();
                worker = null;
                try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("UPDATE wallet_sync_requests SET generation = generation + 1, requested_at = now()");
                }
                WalletSyncOptions tokensOnly = new WalletSyncOptions();
                new picocli.CommandLine(tokensOnly).parseArgs("--wallet-sync-interval", "100ms");
                worker = tokensOnly.start(config, tables);
                Await.until(() -> state(postgres).startsWith("done no explorer"), 120_000, () -> {
                    try {
                        return "sync state " + state(postgres);
                    } catch (Exception e) {
                        return e.toString();
                    }
                });
                assertThat(openingSources(postgres)).isEqualTo(Map.of("native", "node", token.toLowerCase(), "node"));
                assertThat(served(api, token)).isEqualTo(node(chain, token, chain.blockNumber()));
                ReconciliationReport tokensOnlyRun = ReconcileCommand.run(config, postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), reconcile);
                assertThat(tokensOnlyRun.status()).as(tokensOnlyRun.mismatches().toString()).isEqualTo(ReconciliationReport.OK);
                assertThat(tokensOnlyRun.balancesChecked()).as("the wallet's native and token balances").isEqualTo(2);
            } finally {
                if (worker != null) {
                    worker.close();
                }
                if (stub != null) {
                    stub.close();
                }
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String state(EmbeddedPostgresServer postgres) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT state || ' ' || reason FROM wallet_syncs WHERE address = '" + WALLET + "'")) {
            return rs.next() ? rs.getString(1).strip() : "none";
        }
    }

    /** token → source of the wallet's opening balances. */
    private static Map<String, String> openingSources(EmbeddedPostgresServer postgres) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, source FROM opening_balances WHERE address = '" + WALLET + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The wallet's native and token balances the API serves (GetBalances, the address route). */
    private Map<String, BigInteger> served(QueryApi api, String token) throws Exception {
        return served(api, token, "");
    }

    /** As above from {@code .../balances<suffix>} (GetBalancesAt answers the same balances list). */
    private Map<String, BigInteger> served(QueryApi api, String token, String suffix) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort()
                + "/v1/chains/31337/addresses/" + WALLET + "/balances" + suffix)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, BigInteger> out = new HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode b : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body()).path("balances")) {
            String t = b.path("token").asText();
            if (t.equals("native") || t.equals(token.toLowerCase())) {
                out.put(t.equals("native") ? "native" : "token", new BigInteger(b.path("balance").asText()));
            }
        }
        return out;
    }

    /** The node's own answers at {@code block}. */
    private static Map<String, BigInteger> node(HardhatChain chain, String token, long block) throws IOException {
        List<BigInteger> r = chain.readAll(List.of(new HardhatChain.Read(WALLET, null, block),
                new HardhatChain.Read(token, call("balanceOf", addr(WALLET)), block)));
        return Map.of("native", r.get(0), "token", r.get(1));
    }
}
