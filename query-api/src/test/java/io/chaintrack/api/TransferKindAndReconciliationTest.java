package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.Accuracy;
import io.chaintrack.proto.v1.AnalyticsServiceGrpc;
import io.chaintrack.proto.v1.AnalyticsTotalsView;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.GetAnalyticsTotalsResponse;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.GetReconciliationRequest;
import io.chaintrack.proto.v1.GetReconciliationResponse;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListTokenTransfersResponse;
import io.chaintrack.proto.v1.ListTransactionTransfersResponse;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersResponse;
import io.chaintrack.proto.v1.ReconciliationMismatchView;
import io.chaintrack.proto.v1.TransferKind;
import io.chaintrack.proto.v1.TransferView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-made rows: transfers of every kind (one written before kinds existed, kind NULL), a negative stored balance and
 * window, the zero address's negative balance, and three reconciliation runs (an OK one, a newer MISMATCH one with its
 * mismatches, a newest still RUNNING). The expected answers are read off the rows by hand.
 */
class TransferKindAndReconciliationTest {
    static final String A = "0x" + "a".repeat(40);
    static final String B = "0x" + "b".repeat(40);
    static final String C = "0x" + "c".repeat(40);
    static final String ZERO = "0x" + "0".repeat(40);
    static final String ERC20 = "0x" + "1".repeat(40);
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    static ApiFixture api;
    static Clients clients;

    static final List<TransferRow> ROWS = List.of(
            row(1, 0, -1, "genesis", "native", "NATIVE", ZERO, A, 100),
            row(2, 0, 3, "", ERC20, "ERC20", A, B, 7),
            row(2, 0, -1, "", "native", "NATIVE", A, B, 10),
            row(2, 0, -1, "fee", "native", "NATIVE", A, C, 5),
            row(3, 0, -1, "reward", "native", "NATIVE", ZERO, C, 2),
            row(3, 1, -1, "", "native", "NATIVE", B, A, 1));
    static final List<String> KINDS = List.of("genesis", "log", "call", "fee", "block_reward", "");

    static TransferRow row(long block, int tx, int log, String trace, String token, String standard, String from, String to,
                           long amount) {
        return new TransferRow(1, SeedData.hash(block, 'a'), block, T0.plusSeconds(block * 12),
                String.format("0x%063x%d", block, tx), tx, log, trace, 0, token, standard, from, to, BigInteger.valueOf(amount),
                null, null, true);
    }

    @BeforeAll
    static void start() throws Exception {
        api = ApiFixture.builder().seedConnection(TransferKindAndReconciliationTest::seed).start();
        clients = api.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static void seed(Connection c) throws Exception {
        SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'devnet')");
        for (long n = 1; n <= 3; n++) {
            SeedData.execute(c, "INSERT INTO blocks VALUES (1, '" + SeedData.hash(n, 'a') + "', " + n + ", '"
                    + SeedData.hash(n - 1, 'a') + "', '" + T0.plusSeconds(n * 12) + "', 2, true)");
        }
        for (int i = 0; i < ROWS.size(); i++) {
            TransferRow r = ROWS.get(i);
            r.insert(c);
            if (!KINDS.get(i).isEmpty()) {
                SeedData.execute(c, "UPDATE transfers SET kind = '" + KINDS.get(i) + "' WHERE block_hash = '" + r.blockHash()
                        + "' AND tx_index = " + r.txIndex() + " AND log_index = " + r.logIndex()
                        + " AND trace_address = '" + r.traceAddress() + "'");
            }
        }
        SeedData.execute(c, "INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time) VALUES"
                + " (1, '" + A + "', 'native', 0, 'NATIVE', 86, 3, '" + T0.plusSeconds(36) + "'),"
                + " (1, '" + B + "', 'native', 0, 'NATIVE', -4000267344479231380837, 3, '" + T0.plusSeconds(36) + "'),"
                + " (1, '" + B + "', '" + ERC20 + "', 0, 'ERC20', 7, 2, '" + T0.plusSeconds(24) + "'),"
                + " (1, '" + ZERO + "', 'native', 0, 'NATIVE', -102, 3, '" + T0.plusSeconds(36) + "')");
        SeedData.window(c, B, "native", 0, 3600, T0, -4000267344479231L, -4000267344479231L);
        SeedData.execute(c, "INSERT INTO reconciliation_runs (run_id, chain_id, started_at, finished_at, block_number, block_hash,"
                + " status, accounts_checked, balances_checked, owners_checked, blocks_checked, mismatches, largest_difference, sample_seed) VALUES"
                + " (1, 1, '2024-01-02T00:00:00Z', '2024-01-02T00:00:05Z', 2, '" + SeedData.hash(2, 'a') + "', 'OK', 3, 5, 0, 2, 0, 0, 11),"
                + " (2, 1, '2024-01-02T01:00:00Z', '2024-01-02T01:00:04Z', 3, '" + SeedData.hash(3, 'a') + "', 'MISMATCH', 3, 6, 1, 3, 3,"
                + " 4000267344479231380838, 12),"
                + " (3, 1, '2024-01-02T02:00:00Z', NULL, NULL, NULL, 'RUNNING', 0, 0, 0, 0, 0, 0, 13)");
        SeedData.execute(c, "INSERT INTO reconciliation_mismatches (run_id, seq, check_name, address, token, token_id, expected,"
                + " actual, difference, block_number, detail) VALUES"
                + " (2, 0, 'transfer_count', NULL, NULL, NULL, '2', '1', -1, 2, 'rows'),"
                + " (2, 1, 'balance', '" + B + "', 'native', NULL, '1', '-4000267344479231380837', -4000267344479231380838, 3, 'NATIVE'),"
                + " (2, 2, 'balance', '" + B + "', '" + ERC20 + "', NULL, '8', '7', -1, 3, 'ERC20')");
        // totals the analytics job wrote as exact (the chain and one token) and partial (another token)
        SeedData.execute(c, "INSERT INTO analytics_totals (scope, chain_id, token, transfers, volume, senders, senders_lower,"
                + " senders_upper, senders_method, receivers, receivers_lower, receivers_upper, receivers_method, holders,"
                + " first_block, last_block, first_block_time, last_block_time, source_block, source_time, blocks_covered, accuracy,"
                + " covered_from_block, covered_to_block) VALUES"
                + " ('CHAIN', 1, NULL, 7, NULL, 2, 2, 2, 'exact', 2, 2, 2, 'exact', 2, 1, 3,"
                + "   '" + T0 + "', '" + T0.plusSeconds(36) + "', 3, '" + T0.plusSeconds(36) + "', 3, 'exact', 1, 3),"
                + " ('TOKEN', 1, '" + ERC20 + "', 2, 8, 1, 1, 1, 'exact', 1, 1, 1, 'exact', 1, 2, 2,"
                + "   '" + T0 + "', '" + T0.plusSeconds(24) + "', 3, '" + T0.plusSeconds(36) + "', 3, 'exact', 1, 3),"
                + " ('TOKEN', 1, 'native', 5, 99, 1, 1, 1, 'exact', 1, 1, 1, 'exact', 1, 3, 3,"
                + "   '" + T0 + "', '" + T0.plusSeconds(36) + "', 3, '" + T0.plusSeconds(36) + "', 2, 'partial', 2, 3)");
    }

    private static List<TransferKind> kinds(List<TransferView> views) {
        return views.stream().map(TransferView::getKind).toList();
    }

    @Test
    void everyListingServesTheStoredKindAndFiltersByIt() {
        ListAddressTransfersResponse all = clients.get("/v1/chains/1/addresses/" + A + "/transfers")
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        // newest first: (3,1) old row without kind, (2,0,log 3), (2,0,-1,"fee"), (2,0,-1,""), genesis
        assertThat(kinds(all.getTransfersList())).containsExactly(TransferKind.TRANSFER_KIND_UNSPECIFIED,
                TransferKind.TRANSFER_KIND_LOG, TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_CALL,
                TransferKind.TRANSFER_KIND_GENESIS);
        assertThat(clients.get("/v1/chains/1/addresses/" + A + "/transfers").json().getAsJsonArray("transfers").get(1)
                .getAsJsonObject().get("kind").getAsString()).isEqualTo("TRANSFER_KIND_LOG");

        ListAddressTransfersResponse fees = clients.get("/v1/chains/1/addresses/" + A + "/transfers?kind=fee")
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(fees.getTransfersList()).hasSize(1);
        assertThat(fees.getTransfers(0).getToAddress()).isEqualTo(C);
        assertThat(fees.getTransfers(0).getAmount()).isEqualTo("5");

        ListAddressTransfersResponse calls = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(A).setKind(TransferKind.TRANSFER_KIND_CALL).build());
        assertThat(calls.getTransfersList()).extracting(TransferView::getAmount).containsExactly("10");
        // paging inside a filter: a cursor of the filtered listing continues it
        ListAddressTransfersResponse page1 = clients.get("/v1/chains/1/addresses/" + C + "/transfers?kind=TRANSFER_KIND_BLOCK_REWARD&limit=1")
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(page1.getTransfersList()).extracting(TransferView::getAmount).containsExactly("2");
        assertThat(page1.getNextCursor()).isEmpty();

        ListTokenTransfersResponse genesis = clients.get("/v1/chains/1/tokens/native/transfers?kind=genesis")
                .parse(ListTokenTransfersResponse.newBuilder()).build();
        assertThat(genesis.getTransfersList()).extracting(TransferView::getToAddress).containsExactly(A);

        ListTransactionTransfersResponse txFee = clients.get("/v1/chains/1/transactions/" + ROWS.get(3).txHash() + "/transfers?kind=FEE")
                .parse(ListTransactionTransfersResponse.newBuilder()).build();
        assertThat(kinds(txFee.getTransfersList())).containsExactly(TransferKind.TRANSFER_KIND_FEE);

        ListTransfersResponse rewards = clients.transfers.listTransfers(ListTransfersRequest.newBuilder().setChainId(1)
                .setKind(TransferKind.TRANSFER_KIND_BLOCK_REWARD).build());
        assertThat(rewards.getTransfersList()).extracting(TransferView::getBlockNumber).containsExactly(3L);
        ListTransfersResponse range = clients.get("/v1/chains/1/transfers?from_block=2&to_block=2&kind=log")
                .parse(ListTransfersResponse.newBuilder()).build();
        assertThat(range.getTransfersList()).extracting(TransferView::getToken).containsExactly(ERC20);
    }

    @Test
    void anUnknownKindIsA400NamingTheAcceptedKinds() {
        Clients.Response response = clients.get("/v1/chains/1/addresses/" + A + "/transfers?kind=rewardz");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        JsonObject problem = response.json();
        assertThat(problem.get("parameter").getAsString()).isEqualTo("kind");
        assertThat(problem.get("detail").getAsString()).contains("rewardz").contains("TRANSFER_KIND_GENESIS")
                .contains("TRANSFER_KIND_BLOCK_REWARD").contains("TRANSFER_KIND_IRREGULAR");
        assertThat(clients.get("/v1/chains/1/transfers?kind=99").status()).isEqualTo(400);

        assertThatThrownBy(() -> clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(A).setKindValue(99).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("kind").contains("99")
                            .contains("TRANSFER_KIND_FEE").contains("TRANSFER_KIND_UNCLE_REWARD");
                });
    }

    @Test
    void aNegativeBalanceIsServedAsStoredFlaggedAndCounted() {
        double before = counter("account");
        double zeroBefore = counter("zero_address");
        GetBalancesResponse b = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(B).build());
        assertThat(b.getBalancesList()).extracting(BalanceView::getToken, BalanceView::getBalance, BalanceView::getNegative)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ERC20, "7", false),
                        org.assertj.core.groups.Tuple.tuple("native", "-4000267344479231380837", true));
        JsonObject rest = clients.get("/v1/chains/1/addresses/" + B + "/balances").json();
        assertThat(rest.getAsJsonArray("balances").get(1).getAsJsonObject().get("negative").getAsBoolean()).isTrue();
        assertThat(rest.getAsJsonArray("balances").get(0).getAsJsonObject().get("negative").getAsBoolean()).isFalse();
        assertThat(counter("account")).isEqualTo(before + 2); // gRPC and REST

        GetBalancesResponse a = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(A).build());
        assertThat(a.getBalancesList()).extracting(BalanceView::getNegative).containsExactly(false);
        clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(ZERO).build());
        assertThat(counter("account")).isEqualTo(before + 2);
        assertThat(counter("zero_address")).isEqualTo(zeroBefore + 1);

        GetBalanceHistoryResponse history = clients.get("/v1/chains/1/addresses/" + B + "/tokens/native/history")
                .parse(GetBalanceHistoryResponse.newBuilder()).build();
        assertThat(history.getWindowsList()).extracting(BalanceWindowView::getNegative).containsExactly(true);
    }

    @Test
    void theLatestFinishedRunIsServedByTheRouteHealthTotalsAndGauges() {
        GetReconciliationResponse rest = clients.get("/v1/chains/1/reconciliation").parse(GetReconciliationResponse.newBuilder()).build();
        GetReconciliationResponse grpc = ChainServiceGrpc.newBlockingStub(clients.channel)
                .getReconciliation(GetReconciliationRequest.newBuilder().setChainId(1).build());
        assertThat(rest).isEqualTo(grpc);
        assertThat(rest.getSummary().getRunId()).as("run 3 is still running").isEqualTo(2);
        assertThat(rest.getSummary().getStatus()).isEqualTo("MISMATCH");
        assertThat(rest.getSummary().getMismatches()).isEqualTo(3);
        assertThat(rest.getSummary().getLargestDifference()).isEqualTo("4000267344479231380838");
        assertThat(rest.getSummary().getBlockNumber()).isEqualTo(3);
        // largest difference first, then in stored order
        assertThat(rest.getMismatchesList()).extracting(ReconciliationMismatchView::getCheck, ReconciliationMismatchView::getToken,
                        ReconciliationMismatchView::getDifference)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("balance", "native", "-4000267344479231380838"),
                        org.assertj.core.groups.Tuple.tuple("transfer_count", "", "-1"),
                        org.assertj.core.groups.Tuple.tuple("balance", ERC20, "-1"));
        assertThat(clients.get("/v1/chains/1/reconciliation?limit=1").parse(GetReconciliationResponse.newBuilder())
                .getMismatchesCount()).isEqualTo(1);
        assertThat(clients.get("/v1/chains/1/reconciliation?limit=5000").status()).isEqualTo(400);

        CheckResponse health = clients.get("/v1/health").parse(CheckResponse.newBuilder()).build();
        assertThat(health.getReconciliationsList()).singleElement().isEqualTo(rest.getSummary());

        // the analytics totals' accuracy is fed from it: a MISMATCH run demotes exact rows, partial stays partial
        GetAnalyticsTotalsResponse analytics = clients.get("/v1/chains/1/analytics/totals")
                .parse(GetAnalyticsTotalsResponse.newBuilder()).build();
        assertThat(analytics).isEqualTo(AnalyticsServiceGrpc.newBlockingStub(clients.channel)
                .getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(1).build()));
        assertThat(analytics.getSummary().getAccuracy()).isEqualTo(Accuracy.ACCURACY_RECONCILIATION_MISMATCH);
        assertThat(analytics.getSummary().getReconciliation()).isEqualTo(rest.getSummary());
        assertThat(analytics.getItemsList()).extracting(AnalyticsTotalsView::getToken, AnalyticsTotalsView::getAccuracy)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(ERC20, Accuracy.ACCURACY_RECONCILIATION_MISMATCH),
                        org.assertj.core.groups.Tuple.tuple("native", Accuracy.ACCURACY_PARTIAL));
        assertThat(analytics.getItemsList()).allSatisfy(v -> assertThat(v.getReconciliation()).isEqualTo(rest.getSummary()));
        GetChainTotalsResponse totals = clients.get("/v1/chains/1/totals").parse(GetChainTotalsResponse.newBuilder()).build();
        assertThat(totals.getReconciliation()).isEqualTo(rest.getSummary());

        String metrics = clients.get("/metrics").body();
        assertThat(sample(metrics, "chaintrack_reconciliation_mismatches{chain_id=\"1\"}")).isEqualTo(3.0);
        assertThat(sample(metrics, "chaintrack_reconciliation_failed{chain_id=\"1\"}")).isEqualTo(0.0);
        assertThat(sample(metrics, "chaintrack_reconciliation_checked{chain_id=\"1\",what=\"balances\"}")).isEqualTo(6.0);
        assertThat(sample(metrics, "chaintrack_reconciliation_checked{chain_id=\"1\",what=\"owners\"}")).isEqualTo(1.0);
        assertThat(sample(metrics, "chaintrack_reconciliation_largest_difference{chain_id=\"1\"}")).isEqualTo(new java.math.BigDecimal("4000267344479231380838").doubleValue());
        assertThat(sample(metrics, "chaintrack_reconciliation_last_run_timestamp_seconds{chain_id=\"1\"}"))
                .isEqualTo((double) Instant.parse("2024-01-02T01:00:04Z").getEpochSecond());
    }

    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double counter(String holder) {
        Matcher m = Pattern.compile("(?m)^chaintrack_api_negative_balances_served_total\\{holder=\"" + holder + "\"} (\\S+)$")
                .matcher(clients.get("/metrics").body());
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
