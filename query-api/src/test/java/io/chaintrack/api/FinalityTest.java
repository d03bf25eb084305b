package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetChainStatusResponse;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTokenTransfersResponse;
import io.chaintrack.proto.v1.ListTransactionTransfersResponse;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersResponse;
import io.chaintrack.proto.v1.TokenHistoryView;
import io.chaintrack.proto.v1.TransferView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finality in every answer, on hand-made rows whose finality is known: chain 5 has blocks 1-6 (20 minutes apart from
 * 00:00) and finalized block 4 (01:00); chain 6 has blocks but no finalized block. Address B receives native 100 (block
 * 1), 10 (block 3), 5 (block 5) and 1 (block 6), and 7 TOK (block 2): its 00:00 hour is closed and final, its 01:00 hour
 * open (provisional). Every check runs over REST and gRPC, which must agree.
 */
class FinalityTest {
    static final long CHAIN = 5;
    static final long UNFINAL_CHAIN = 6;
    static final String A = "0x" + "a".repeat(40);
    static final String B = "0x" + "b".repeat(40);
    static final String TOK = "0x" + "7".repeat(40);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static ApiFixture fixture;
    static Clients clients;

    static Instant time(long block) {
        return T0.plusSeconds((block - 1) * 1200);
    }

    static String hash(long chain, long block) {
        return String.format("0x%062d%02d", chain, block);
    }

    static TransferRow transfer(long chain, long block, int txIndex, String token, String standard, long amount) {
        return new TransferRow(chain, hash(chain, block), block, time(block), String.format("0x%064d", chain * 100 + block * 10 + txIndex),
                txIndex, standard.equals("NATIVE") ? -1 : 0, "", 0, token, standard, A, B, BigInteger.valueOf(amount), null, null, true);
    }

    static final List<TransferRow> ROWS = List.of(
            transfer(CHAIN, 1, 0, "native", "NATIVE", 100),
            transfer(CHAIN, 2, 0, TOK, "ERC20", 7),
            transfer(CHAIN, 3, 0, "native", "NATIVE", 10),
            transfer(CHAIN, 5, 0, "native", "NATIVE", 5),
            transfer(CHAIN, 6, 0, "native", "NATIVE", 1),
            transfer(UNFINAL_CHAIN, 1, 0, "native", "NATIVE", 3));

    static void seed(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO chains (chain_id, name, head_number, finalized_number) VALUES (5, 'five', 8, 4), (6, 'six', 1, NULL)");
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash,"
                + " block_time, transfer_count, canonical) VALUES (?, ?, ?, ?, ?, 1, true)")) {
            for (long[] cb : new long[][] {{5, 1}, {5, 2}, {5, 3}, {5, 4}, {5, 5}, {5, 6}, {6, 1}}) {
                st.setLong(1, cb[0]);
                st.setString(2, hash(cb[0], cb[1]));
                st.setLong(3, cb[1]);
                st.setString(4, hash(cb[0], cb[1] - 1));
                st.setObject(5, time(cb[1]).atOffset(ZoneOffset.UTC));
                st.executeUpdate();
            }
        }
        for (TransferRow row : ROWS) {
            row.insert(c);
        }
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time)"
                    + " VALUES (5, '" + B + "', 'native', 0, 'NATIVE', 116, 6, '" + time(6) + "'),"
                    + " (5, '" + B + "', '" + TOK + "', 0, 'ERC20', 7, 2, '" + time(2) + "'),"
                    + " (6, '" + B + "', 'native', 0, 'NATIVE', 3, 1, '" + time(1) + "')");
            s.execute("INSERT INTO balance_windows (chain_id, address, token, token_id, window_seconds, window_start, delta,"
                    + " balance, transfers_in, transfers_out, volume_in, volume_out, provisional) VALUES"
                    + " (5, '" + B + "', 'native', 0, 3600, '" + T0 + "', 110, 110, 2, 0, 110, 0, false),"
                    + " (5, '" + B + "', 'native', 0, 3600, '" + T0.plusSeconds(3600) + "', 6, 116, 2, 0, 6, 0, true),"
                    + " (5, '" + B + "', '" + TOK + "', 0, 3600, '" + T0 + "', 7, 7, 1, 0, 7, 0, false),"
                    + " (6, '" + B + "', 'native', 0, 3600, '" + T0 + "', 3, 3, 1, 0, 3, 0, true)");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seedConnection(FinalityTest::seed)
                .properties(Map.of("chaintrack.api.cache.ttls.list-token-transfers", "1h")).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static List<Long> blocks(List<TransferView> rows) {
        return rows.stream().map(TransferView::getBlockNumber).toList();
    }

    static List<Long> finalBlocks(List<TransferView> rows) {
        return rows.stream().filter(TransferView::getFinalized).map(TransferView::getBlockNumber).toList();
    }

    @Test
    void addressTransfersMarkRowsAtOrBelowTheFinalizedBlockAndFinalizedListsOnlyThose() {
        String path = "/v1/chains/5/addresses/" + B + "/transfers";
        ListAddressTransfersResponse rest = clients.get(path).parse(ListAddressTransfersResponse.newBuilder()).build();
        ListAddressTransfersResponse grpc = clients.transfers.listAddressTransfers(
                ListAddressTransfersRequest.newBuilder().setChainId(CHAIN).setAddress(B).build());
        assertThat(rest).isEqualTo(grpc);
        assertThat(rest.getFinalizedBlock()).isEqualTo(4);
        assertThat(blocks(rest.getTransfersList())).containsExactly(6L, 5L, 3L, 2L, 1L);
        assertThat(finalBlocks(rest.getTransfersList())).containsExactly(3L, 2L, 1L);

        ListAddressTransfersResponse finalRest = clients.get(path + "?finality=finalized").parse(ListAddressTransfersResponse.newBuilder()).build();
        ListAddressTransfersResponse finalGrpc = clients.transfers.listAddressTransfers(
                ListAddressTransfersRequest.newBuilder().setChainId(CHAIN).setAddress(B).setFinality("finalized").build());
        assertThat(finalRest).isEqualTo(finalGrpc);
        assertThat(blocks(finalRest.getTransfersList())).containsExactly(3L, 2L, 1L);
        assertThat(finalBlocks(finalRest.getTransfersList())).containsExactly(3L, 2L, 1L);
        assertThat(finalRest.getFinalizedBlock()).isEqualTo(4);

        // pages of a finalized listing stay below the finalized block
        ListAddressTransfersResponse first = clients.get(path + "?finality=finalized&limit=2").parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(blocks(first.getTransfersList())).containsExactly(3L, 2L);
        ListAddressTransfersResponse second = clients.get(path + "?finality=finalized&limit=2&cursor=" + first.getNextCursor())
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(blocks(second.getTransfersList())).containsExactly(1L);
        assertThat(second.getNextCursor()).isEmpty();
    }

    @Test
    void everyTransferListingCarriesTheFinalizedBlockAndFiltersOnRequest() {
        ListTransfersResponse range = clients.get("/v1/chains/5/transfers?finality=finalized").parse(ListTransfersResponse.newBuilder()).build();
        assertThat(range).isEqualTo(clients.transfers.listTransfers(ListTransfersRequest.newBuilder().setChainId(CHAIN).setFinality("finalized").build()));
        assertThat(blocks(range.getTransfersList())).containsExactly(3L, 2L, 1L);
        assertThat(range.getFinalizedBlock()).isEqualTo(4);
        // a block range reaching above the finalized block is cut at it
        ListTransfersResponse upper = clients.get("/v1/chains/5/transfers?from_block=2&to_block=6&finality=finalized")
                .parse(ListTransfersResponse.newBuilder()).build();
        assertThat(blocks(upper.getTransfersList())).containsExactly(3L, 2L);

        ListTokenTransfersResponse nativeLatest = clients.get("/v1/chains/5/tokens/native/transfers").parse(ListTokenTransfersResponse.newBuilder()).build();
        assertThat(blocks(nativeLatest.getTransfersList())).containsExactly(6L, 5L, 3L, 1L);
        assertThat(finalBlocks(nativeLatest.getTransfersList())).containsExactly(3L, 1L);
        assertThat(nativeLatest.getFinalizedBlock()).isEqualTo(4);

        TransferRow unfinal = ROWS.get(3);
        ListTransactionTransfersResponse tx = clients.get("/v1/chains/5/transactions/" + unfinal.txHash() + "/transfers")
                .parse(ListTransactionTransfersResponse.newBuilder()).build();
        assertThat(blocks(tx.getTransfersList())).containsExactly(5L);
        assertThat(finalBlocks(tx.getTransfersList())).isEmpty();
        assertThat(tx.getFinalizedBlock()).isEqualTo(4);
        assertThat(clients.get("/v1/chains/5/transactions/" + unfinal.txHash() + "/transfers?finality=finalized")
                .parse(ListTransactionTransfersResponse.newBuilder()).build().getTransfersList()).isEmpty();
    }

    @Test
    void aChainWithoutAFinalizedBlockMarksNothingFinalAndHasNoFinalizedData() {
        ListAddressTransfersResponse latest = clients.get("/v1/chains/6/addresses/" + B + "/transfers")
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(latest.hasFinalizedBlock()).isFalse();
        assertThat(blocks(latest.getTransfersList())).containsExactly(1L);
        assertThat(finalBlocks(latest.getTransfersList())).isEmpty();
        assertThat(clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder().setChainId(UNFINAL_CHAIN)
                .setAddress(B).setFinality("finalized").build()).getTransfersList()).isEmpty();
        GetBalancesResponse balances = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(UNFINAL_CHAIN).setAddress(B).build());
        assertThat(balances.getBalancesList()).extracting(BalanceView::getBalance, BalanceView::getFinalized).containsExactly(
                org.assertj.core.groups.Tuple.tuple("3", false));
        assertThat(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(UNFINAL_CHAIN).setAddress(B)
                .setFinality("finalized").build()).getBalancesList()).isEmpty();
        GetBalanceHistoryResponse history = clients.get("/v1/chains/6/addresses/" + B + "/tokens/native/history")
                .parse(GetBalanceHistoryResponse.newBuilder()).build();
        assertThat(history.getWindowsList()).extracting(BalanceWindowView::getProvisional, BalanceWindowView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, false));
    }

    @Test
    void aBadFinalityIsA400AndInvalidArgumentNamingTheAcceptedValues() {
        Clients.Response rest = clients.get("/v1/chains/5/addresses/" + B + "/balances?finality=safe");
        assertThat(rest.status()).isEqualTo(400);
        assertThat(rest.contentType()).startsWith("application/problem+json");
        assertThat(rest.body()).contains("finality").contains("latest").contains("finalized").contains("safe");
        for (String path : List.of("/v1/chains/5/transfers", "/v1/chains/5/addresses/" + B + "/transfers",
                "/v1/chains/5/addresses/" + B + "/tokens/native/history", "/v1/chains/5/addresses/" + B + "/history",
                "/v1/chains/5/addresses/" + B + "/balances/at?block_number=3", "/v1/chains/5/tokens/native/transfers")) {
            assertThat(clients.get(path + (path.contains("?") ? "&" : "?") + "finality=final").status()).as(path).isEqualTo(400);
        }
        assertThatThrownBy(() -> clients.transfers.listTokenTransfers(ListTokenTransfersRequest.newBuilder().setChainId(CHAIN)
                .setToken("native").setFinality("FINAL").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("finality").contains("\"finalized\"");
                });
    }

    @Test
    void currentBalancesAreFinalWhenTheirLastChangeIsFinalAndFinalizedAnswersAtTheFinalizedBlock() {
        GetBalancesResponse rest = clients.get("/v1/chains/5/addresses/" + B + "/balances").parse(GetBalancesResponse.newBuilder()).build();
        assertThat(rest).isEqualTo(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(CHAIN).setAddress(B).build()));
        assertThat(rest.getFinalizedBlock()).isEqualTo(4);
        assertThat(rest.getBalancesList()).extracting(BalanceView::getToken, BalanceView::getBalance, BalanceView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TOK, "7", true),
                        org.assertj.core.groups.Tuple.tuple("native", "116", false));

        // as of block 4: 100 + 10 native (blocks 5 and 6 are not final), 7 TOK
        GetBalancesResponse finalRest = clients.get("/v1/chains/5/addresses/" + B + "/balances?finality=finalized")
                .parse(GetBalancesResponse.newBuilder()).build();
        assertThat(finalRest).isEqualTo(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(CHAIN)
                .setAddress(B).setFinality("finalized").build()));
        assertThat(finalRest.getBalancesList()).extracting(BalanceView::getToken, BalanceView::getBalance, BalanceView::getBlockNumber,
                        BalanceView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TOK, "7", 4L, true),
                        org.assertj.core.groups.Tuple.tuple("native", "110", 4L, true));
    }

    @Test
    void balancesAtABlockAreFinalAtOrBelowTheFinalizedBlockAndFinalizedRefusesOneAbove() {
        GetBalancesAtResponse at5 = clients.get("/v1/chains/5/addresses/" + B + "/balances/at?block_number=5&token=native")
                .parse(GetBalancesAtResponse.newBuilder()).build();
        assertThat(at5.getFinalizedBlock()).isEqualTo(4);
        assertThat(at5.getBalancesList()).extracting(BalanceView::getBalance, BalanceView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("115", false));
        GetBalancesAtResponse at3 = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN).setAddress(B)
                .setToken("native").setBlockNumber(3).setFinality("finalized").build());
        assertThat(at3.getBalancesList()).extracting(BalanceView::getBalance, BalanceView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("110", true));
        Clients.Response above = clients.get("/v1/chains/5/addresses/" + B + "/balances/at?block_number=5&finality=finalized");
        assertThat(above.status()).isEqualTo(400);
        assertThat(above.body()).contains("block_number").contains("finalized block 4");
        // a time past the finalized block is answered at the newest final block
        GetBalancesAtResponse late = clients.get("/v1/chains/5/addresses/" + B + "/balances/at?time=" + time(6).plusSeconds(60)
                + "&token=native&finality=finalized").parse(GetBalancesAtResponse.newBuilder()).build();
        assertThat(late.getBlockNumber()).isEqualTo(4);
        assertThat(late.getBalances(0).getBalance()).isEqualTo("110");
    }

    @Test
    void historyServesTheOpenWindowProvisionalAndTheClosedFinalOneFinalized() {
        String path = "/v1/chains/5/addresses/" + B + "/tokens/native/history";
        GetBalanceHistoryResponse rest = clients.get(path).parse(GetBalanceHistoryResponse.newBuilder()).build();
        assertThat(rest).isEqualTo(clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder().setChainId(CHAIN)
                .setAddress(B).setToken("native").build()));
        assertThat(rest.getFinalizedBlock()).isEqualTo(4);
        assertThat(rest.getWindowsList()).extracting(w -> w.getWindowStart().getSeconds(), BalanceWindowView::getBalance,
                        BalanceWindowView::getProvisional, BalanceWindowView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0.getEpochSecond(), "110", false, true),
                        org.assertj.core.groups.Tuple.tuple(T0.getEpochSecond() + 3600, "116", true, false));

        GetBalanceHistoryResponse finalOnly = clients.get(path + "?finality=finalized").parse(GetBalanceHistoryResponse.newBuilder()).build();
        assertThat(finalOnly.getWindowsList()).extracting(BalanceWindowView::getBalance).containsExactly("110");
        // a range starting after the finalized windows opens with the final balance and lists none
        GetBalanceHistoryResponse later = clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder().setChainId(CHAIN)
                .setAddress(B).setToken("native").setFinality("finalized")
                .setStartTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + 3600)).build());
        assertThat(later.getWindowsList()).isEmpty();
        assertThat(later.getOpeningBalance()).isEqualTo("110");
    }

    @Test
    void portfolioHistoryMarksEveryTokensWindows() {
        String path = "/v1/chains/5/addresses/" + B + "/history";
        GetPortfolioHistoryResponse rest = clients.get(path).parse(GetPortfolioHistoryResponse.newBuilder()).build();
        assertThat(rest).isEqualTo(clients.balances.getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder().setChainId(CHAIN)
                .setAddress(B).build()));
        assertThat(rest.getFinalizedBlock()).isEqualTo(4);
        assertThat(rest.getTokensList()).extracting(TokenHistoryView::getToken).containsExactly(TOK, "native");
        assertThat(rest.getTokens(1).getWindowsList()).extracting(BalanceWindowView::getProvisional, BalanceWindowView::getFinalized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, true), org.assertj.core.groups.Tuple.tuple(true, false));
        GetPortfolioHistoryResponse finalOnly = clients.get(path + "?finality=finalized").parse(GetPortfolioHistoryResponse.newBuilder()).build();
        assertThat(finalOnly.getTokensList()).extracting(t -> t.getToken() + " " + t.getWindowsList().stream()
                        .map(w -> w.getBalance() + (w.getFinalized() ? " final" : "")).toList())
                .containsExactly(TOK + " [7 final]", "native [110 final]");
    }

    @Test
    void liveRowsSayWhetherTheyAreFinalAndCarryTheFinalizedBlock() throws Exception {
        LiveStreams streams = fixture.api.context().getBean(LiveStreams.class);
        int before = streams.running();
        try (var live = new LiveReaders.Grpc<StreamAddressTransfersResponse>("finality stream", observer ->
                TransferServiceGrpc.newStub(clients.channel).streamAddressTransfers(StreamAddressTransfersRequest.newBuilder()
                        .setChainId(CHAIN).setAddress(B).build(), observer))) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (streams.running() == before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // indexed after subscribing: one in block 3 (finalized block is 4), one in block 6 (above it)
            TransferRow belowFinal = transfer(CHAIN, 3, 7, "native", "NATIVE", 31);
            TransferRow aboveFinal = transfer(CHAIN, 6, 7, "native", "NATIVE", 61);
            try (Connection c = fixture.postgres.dataSource().getConnection()) {
                belowFinal.insert(c);
                aboveFinal.insert(c);
            }
            List<StreamAddressTransfersResponse> got = live.next(2);
            assertThat(got).allSatisfy(m -> assertThat(m.getFinalizedBlock()).isEqualTo(4));
            assertThat(got).extracting(m -> m.getTransfer().getBlockNumber(), m -> m.getTransfer().getFinalized())
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(3L, true),
                            org.assertj.core.groups.Tuple.tuple(6L, false));
        } finally {
            try (Connection c = fixture.postgres.dataSource().getConnection()) {
                SeedData.execute(c, "DELETE FROM transfers WHERE tx_index = 7");
            }
        }
    }

    @Test
    void chainStatusCarriesTheFinalizedBlock() {
        GetChainStatusResponse rest = clients.get("/v1/chains/5/status").parse(GetChainStatusResponse.newBuilder()).build();
        assertThat(rest.getStatus().getFinalizedBlock()).isEqualTo(4);
        assertThat(clients.chains.getChainStatus(GetChainStatusRequest.newBuilder().setChainId(UNFINAL_CHAIN).build())
                .getStatus().hasFinalizedBlock()).isFalse();
    }

    @Test
    void theResponseCacheKeepsOnlyAnswersThatCanNoLongerChange() throws Exception {
        // ListTokenTransfers is cached 1 h here: the TOK listing (all final) is kept, the native one (blocks 5, 6 not
        // final) is read again each time
        String tokPath = "/v1/chains/5/tokens/" + TOK + "/transfers";
        assertThat(blocks(clients.get(tokPath).parse(ListTokenTransfersResponse.newBuilder()).build().getTransfersList())).containsExactly(2L);
        assertThat(blocks(clients.get("/v1/chains/5/tokens/native/transfers").parse(ListTokenTransfersResponse.newBuilder()).build()
                .getTransfersList())).containsExactly(6L, 5L, 3L, 1L);
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            // rows a test writes behind the pipeline's back, only to see which answers were kept
            transfer(CHAIN, 4, 1, TOK, "ERC20", 1).insert(c);
            transfer(CHAIN, 4, 2, "native", "NATIVE", 1).insert(c);
        }
        assertThat(blocks(clients.get(tokPath).parse(ListTokenTransfersResponse.newBuilder()).build().getTransfersList()))
                .as("a final answer is served from the cache").containsExactly(2L);
        List<TransferView> nativeAgain = clients.transfers.listTokenTransfers(ListTokenTransfersRequest.newBuilder()
                .setChainId(CHAIN).setToken("native").build()).getTransfersList();
        assertThat(blocks(nativeAgain)).as("an answer with rows above the finalized block is not cached").containsExactly(6L, 5L, 4L, 3L, 1L);
        try (Connection c = fixture.postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM transfers WHERE chain_id = 5 AND block_number = 4");
        }
    }
}
