package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.reconcile.Mismatch;
import io.chaintrack.connectors.reconcile.ReconciliationReport;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.GetReconciliationResponse;
import io.chaintrack.proto.v1.ReconciliationMismatchView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * chaintrack follows a real Hardhat node (prefunded accounts, fees, ERC-20/721/1155 and ETH activity, one reorg) into
 * PostgreSQL; then `chaintrack reconcile` (the CLI, at a rate limit) must find nothing, and after one balance row is
 * corrupted and one native transfer row deleted (with the balance rows it fed, as if the pipeline had lost it) it must
 * name exactly those accounts with the node's values (read here independently) against the stored ones, the block
 * whose transfer rows no longer match its count, exit 1, and serve the report and the gauges the alert reads.
 */
class ReconcileHardhatTest {
    private static final long CHAIN = 31337;
    private static final int RATE_LIMIT = 50;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void cleanRunFindsNothingAndACorruptedBalanceAndALostTransferAreNamed() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            ChainScenario scenario = new ChainScenario(chain, 20261207L, 5);
            scenario.deploy();
            scenario.blocks(10, 5);
            ChainScenario.Snapshot snapshot = scenario.snapshot();
            scenario.blocks(2, 3);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofMillis(400), null);
            PostgresSinkOptions tables = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            // the ingest job and the reconciler share the node's credential, hence its one budget of RATE_LIMIT calls/s
            RpcEndpoint endpoint = RpcEndpoint.of(node.url());
            endpoint = RpcEndpoint.of(endpoint.name(), endpoint.url(),
                    endpoint.credential().withRateLimit(RateLimit.perSecond(RATE_LIMIT)));
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN, "hardhat").preset(ChainPresets.HARDHAT)
                    .endpoint(endpoint).startBlock(0).pollInterval(Duration.ofMillis(150)).reorgDepth(12).build(),
                    kafka.bootstrapServers(), tables);
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "reconcile-balances", false),
                    tables.withBatching(100, Duration.ofMillis(50)),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("reconcile-hardhat");
            try {
                IndexedHead.await(chain, postgres.dataSource(), 31337);
                scenario.revert(snapshot);
                scenario.blocks(3, 4);
                IndexedHead.await(chain, postgres.dataSource(), 31337);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            long head = chain.blockNumber();

            // clean: every check agrees (the CLI, through the rate-limited client, exit 0)
            Cli clean = reconcile(node, postgres);
            assertThat(clean.exit).as(clean.out).isZero();
            ReconciliationReport cleanReport = latestReport(postgres);
            assertThat(cleanReport.status()).isEqualTo(ReconciliationReport.OK);
            assertThat(cleanReport.blockNumber()).isEqualTo(head);
            assertThat(cleanReport.blocksChecked()).isEqualTo(head + 1); // every block is recent (64)
            // every block is recent: every ERC-721 id ever minted is checked, every dev account (genesis) and the coinbase
            assertThat(cleanReport.ownersChecked()).isEqualTo(scenario.nftIdsMinted());
            assertThat(cleanReport.accountsChecked()).isGreaterThanOrEqualTo(chain.accounts().size() + 1);
            assertThat(cleanReport.balancesChecked()).isGreaterThan(cleanReport.accountsChecked());
            assertThat(cleanReport.balancesWithoutHistory()).as("indexed from block 0: every history is known").isZero();
            System.out.printf("reconcile on Hardhat at --rate-limit %d: %d balances + %d owners + %d blocks in %d ms%n",
                    RATE_LIMIT, cleanReport.balancesChecked(), cleanReport.ownersChecked(), cleanReport.blocksChecked(),
                    cleanReport.duration().toMillis());

            // corrupt: one ERC-20 balance row +12345; one native value transfer lost with the balance rows it fed
            String erc20 = scenario.erc20().toLowerCase();
            String holder = firstHolder(postgres, erc20);
            BigInteger nodeErc20 = chain.readAll(List.of(new HardhatChain.Read(scenario.erc20(),
                    call("balanceOf", addr(holder)), head))).get(0);
            Lost lost;
            try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE current_balances SET balance = balance + 12345 WHERE chain_id = 31337"
                        + " AND address = '" + holder + "' AND token = '" + erc20 + "'")).isEqualTo(1);
                lost = loseOneNativeTransfer(c, holder);
            }
            List<BigInteger> nodeNative = chain.readAll(List.of(new HardhatChain.Read(lost.from, null, head),
                    new HardhatChain.Read(lost.to, null, head)));

            Cli corrupted = reconcile(node, postgres);
            assertThat(corrupted.exit).as(corrupted.out).isEqualTo(ReconcileCommand.EXIT_MISMATCH);
            ReconciliationReport report = latestReport(postgres);
            assertThat(report.status()).isEqualTo(ReconciliationReport.MISMATCH);
            assertThat(report.mismatches()).extracting(Mismatch::toString).containsExactlyInAnyOrder(
                    Mismatch.numeric(Mismatch.BALANCE, holder, erc20, null, nodeErc20, nodeErc20.add(BigInteger.valueOf(12345)),
                            head, "ERC20").toString(),
                    Mismatch.numeric(Mismatch.BALANCE, lost.from, "native", null, nodeNative.get(0),
                            nodeNative.get(0).add(lost.amount), head, "NATIVE").toString(),
                    Mismatch.numeric(Mismatch.BALANCE, lost.to, "native", null, nodeNative.get(1),
                            nodeNative.get(1).subtract(lost.amount), head, "NATIVE").toString(),
                    Mismatch.numeric(Mismatch.TRANSFER_COUNT, null, null, null, BigInteger.valueOf(lost.blockTransfers),
                            BigInteger.valueOf(lost.blockTransfers - 1), lost.block,
                            "transfer rows of block " + lost.blockHash + " against the count its block row was written with").toString());
            assertThat(report.largestDifference()).isEqualTo(lost.amount.max(BigInteger.valueOf(12345)));
            assertThat(corrupted.out).contains("MISMATCH").contains(holder).contains(lost.from);

            // the API serves the report, and its gauges make the alert expression true
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                GetReconciliationResponse.Builder served = GetReconciliationResponse.newBuilder();
                JsonFormat.parser().merge(get(api, "/v1/chains/31337/reconciliation"), served);
                assertThat(served.getSummary().getRunId()).isEqualTo(report.runId());
                assertThat(served.getSummary().getMismatches()).isEqualTo(4);
                assertThat(served.getMismatchesList()).extracting(ReconciliationMismatchView::getAddress)
                        .contains(holder, lost.from, lost.to);
                ReconciliationMismatchView first = served.getMismatches(0); // largest difference first
                assertThat(new BigInteger(first.getDifference()).abs()).isEqualTo(report.largestDifference());
                String metrics = get(api, "/metrics");
                // k8s/base/monitoring/prometheus-rule.yaml ChaintrackReconciliationMismatch:
                //   max by (chain_id) (chaintrack_reconciliation_mismatches) > 0
                assertThat(gauge(metrics, "chaintrack_reconciliation_mismatches", "31337")).isGreaterThan(0);
                assertThat(gauge(metrics, "chaintrack_reconciliation_largest_difference", "31337"))
                        .isEqualTo(report.largestDifference().doubleValue());
                assertThat(gauge(metrics, "chaintrack_reconciliation_last_run_timestamp_seconds", "31337"))
                        .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);
            }
        }
    }

    private record Cli(int exit, String out) {}

    /** An account holding some of the ERC-20 in chaintrack's table. */
    private static String firstHolder(EmbeddedPostgresServer postgres, String erc20) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT address FROM current_balances WHERE chain_id = 31337 AND token = '"
                     + erc20 + "' AND balance > 0 AND address <> '0x0000000000000000000000000000000000000000'"
                     + " ORDER BY address LIMIT 1")) {
            assertThat(rs.next()).as("an ERC-20 holder").isTrue();
            return rs.getString(1);
        }
    }

    private static Cli reconcile(HardhatNode node, EmbeddedPostgresServer postgres) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            exit = ChaintrackCli.commandLine().execute("reconcile", "--jdbc-url", postgres.jdbcUrl(),
                    "--jdbc-user", postgres.user(), "--jdbc-password", postgres.password(), "--rpc-url", node.url(),
                    "--chain-id", "31337", "--rate-limit", Integer.toString(RATE_LIMIT), "--seed", "7", "--settle", "1s");
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        return new Cli(exit, out);
    }

    private record Lost(String from, String to, BigInteger amount, long block, String blockHash, int blockTransfers) {}

    /** Deletes a native CALL transfer between two accounts other than {@code avoid}, and moves its effect out of current_balances. */
    private static Lost loseOneNativeTransfer(Connection c, String avoid) throws Exception {
        Lost lost;
        try (PreparedStatement st = c.prepareStatement("SELECT t.from_address, t.to_address, t.amount, t.block_number,"
                + " t.block_hash, b.transfer_count, t.tx_index, t.log_index, t.trace_address, t.batch_index"
                + " FROM transfers t JOIN blocks b ON b.chain_id = t.chain_id AND b.block_hash = t.block_hash"
                + " WHERE t.chain_id = 31337 AND t.canonical AND t.kind = 'call' AND t.amount > 0 AND t.block_number > 0"
                + " AND t.from_address <> ? AND t.to_address <> ? AND t.from_address <> t.to_address"
                + " ORDER BY t.block_number DESC, t.tx_index DESC LIMIT 1")) {
            st.setString(1, avoid);
            st.setString(2, avoid);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a native value transfer in the scenario").isTrue();
                lost = new Lost(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).toBigIntegerExact(), rs.getLong(4),
                        rs.getString(5), rs.getInt(6));
                try (PreparedStatement del = c.prepareStatement("DELETE FROM transfers WHERE chain_id = 31337 AND block_hash = ?"
                        + " AND tx_index = ? AND log_index = ? AND trace_address = ? AND batch_index = ?")) {
                    del.setString(1, lost.blockHash);
                    del.setInt(2, rs.getInt(7));
                    del.setInt(3, rs.getInt(8));
                    del.setString(4, rs.getString(9));
                    del.setInt(5, rs.getInt(10));
                    assertThat(del.executeUpdate()).isEqualTo(1);
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("UPDATE current_balances SET balance = balance + ?"
                + " WHERE chain_id = 31337 AND address = ? AND token = 'native'")) {
            st.setBigDecimal(1, new java.math.BigDecimal(lost.amount));
            st.setString(2, lost.from);
            assertThat(st.executeUpdate()).isEqualTo(1);
            st.setBigDecimal(1, new java.math.BigDecimal(lost.amount.negate()));
            st.setString(2, lost.to);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        return lost;
    }

    private static ReconciliationReport latestReport(EmbeddedPostgresServer postgres) throws Exception {
        try (Connection c = postgres.dataSource().getConnection()) {
            ReconciliationReport run;
            try (PreparedStatement st = c.prepareStatement("SELECT run_id, started_at, finished_at, block_number, block_hash,"
                    + " status, error, accounts_checked, balances_checked, owners_checked, blocks_checked, mismatches,"
                    + " largest_difference, sample_seed, balances_without_history FROM reconciliation_runs WHERE chain_id = ?"
                    + " ORDER BY run_id DESC LIMIT 1")) {
                st.setLong(1, CHAIN);
                try (ResultSet rs = st.executeQuery()) {
                    assertThat(rs.next()).as("a reconciliation run").isTrue();
                    run = new ReconciliationReport(rs.getLong(1), CHAIN, rs.getTimestamp(2).toInstant(),
                            rs.getTimestamp(3).toInstant(), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getLong(8), rs.getLong(9), rs.getLong(15), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                            rs.getBigDecimal(13).toBigIntegerExact(), rs.getLong(14), List.of());
                }
            }
            List<Mismatch> mismatches = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT check_name, address, token, token_id, expected, actual,"
                    + " difference, block_number, detail FROM reconciliation_mismatches WHERE run_id = ? ORDER BY seq")) {
                st.setLong(1, run.runId());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        mismatches.add(new Mismatch(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBigDecimal(4) == null ? null : rs.getBigDecimal(4).toBigIntegerExact(), rs.getString(5),
                                rs.getString(6), rs.getBigDecimal(7) == null ? null : rs.getBigDecimal(7).toBigIntegerExact(),
                                rs.getObject(8, Long.class), rs.getString(9)));
                    }
                }
            }
            assertThat(mismatches).as("stored mismatches").hasSize((int) run.mismatchCount());
            return new ReconciliationReport(run.runId(), run.chainId(), run.startedAt(), run.finishedAt(), run.blockNumber(),
                    run.blockHash(), run.status(), run.error(), run.accountsChecked(), run.balancesChecked(),
                    run.balancesWithoutHistory(), run.ownersChecked(), run.blocksChecked(), run.mismatchCount(), run.largestDifference(), run.seed(),
                    mismatches);
        }
    }

    private static double gauge(String metrics, String name, String chainId) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{chain_id=\"" + chainId + "\"} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String get(QueryApi api, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + api.httpPort() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
