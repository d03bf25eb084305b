package io.chaintrack.api;

import static io.chaintrack.api.LedgerScenario.CHAIN;
import static io.chaintrack.api.LedgerScenario.HOLDERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.chaintrack.api.LedgerScenario.Asset;
import io.chaintrack.api.LedgerScenario.Window;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.proto.v1.TokenHistoryView;
import io.chaintrack.proto.v1.TokenStandard;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Balances at a past block or time and the all-token history, against a random chain whose windows and
 * current balances are folded from its transfers: every balance at every block must equal the fold exactly.
 */
class BalancesAtTest {
    static final LedgerScenario ledger = new LedgerScenario(20240301);
    static ApiFixture fixture;
    static Clients clients;
    static final Instant HIDDEN = LedgerScenario.T0.plusSeconds(60 * 3600);

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(ledger::seed).seedConnection(c -> {
            // a window whose transfers were all reverted: written with zero counts and an unchanged balance
            String holder = HOLDERS.get(1);
            Asset native_ = new Asset("native", "NATIVE", BigInteger.ZERO);
            long balance = ledger.balancesAt(holder, LedgerScenario.BLOCKS).get(native_);
            LedgerScenario.window(c, holder, native_, 3600, HIDDEN, new Window(0, balance, 0, 0, 0, 0));
        }).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    record Row(String token, String tokenId, String balance) {}

    static List<Row> expected(String holder, long n) {
        List<Row> rows = new ArrayList<>();
        ledger.balancesAt(holder, n).forEach((asset, balance) -> rows.add(new Row(asset.token(),
                asset.standard().equals("ERC1155") ? asset.keyId().toString() : "", Long.toString(balance))));
        return rows;
    }

    static List<Row> rows(GetBalancesAtResponse response) {
        return response.getBalancesList().stream().map(b -> new Row(b.getToken(), b.getTokenId(), b.getBalance())).toList();
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    @Test
    void everyBalanceAtEveryBlockIsExactOnBothTransports() {
        int compared = 0;
        for (String holder : HOLDERS) {
            for (long n = 1; n <= LedgerScenario.BLOCKS; n++) {
                GetBalancesAtResponse grpc = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder()
                        .setChainId(CHAIN).setAddress(holder).setBlockNumber(n).build());
                assertThat(rows(grpc)).as(holder + " at " + n).containsExactlyElementsOf(expected(holder, n));
                assertThat(grpc.getBlockNumber()).isEqualTo(n);
                assertThat(grpc.getBlockHash()).isEqualTo(LedgerScenario.blockHash(n, true));
                assertThat(grpc.getBlockTime()).isEqualTo(ts(LedgerScenario.time(n)));
                assertThat(grpc.getBalancesList()).allMatch(b -> b.getBlockNumber() == grpc.getBlockNumber());
                if (n % 7 == 0) {
                    Clients.Response rest = clients.get("/v1/chains/" + CHAIN + "/addresses/" + holder + "/balances/at?block_number=" + n);
                    assertThat(rest.status()).isEqualTo(200);
                    assertThat(rest.parse(GetBalancesAtResponse.newBuilder()).build()).isEqualTo(grpc);
                }
                compared += grpc.getBalancesCount();
            }
        }
        assertThat(compared).isGreaterThan(3000);
        // standards and ERC-1155 ids are rendered like GetBalances does
        GetBalancesAtResponse last = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder()
                .setChainId(CHAIN).setAddress(HOLDERS.get(0)).setBlockNumber(LedgerScenario.BLOCKS).build());
        assertThat(last.getBalancesList()).extracting(BalanceView::getStandard)
                .contains(TokenStandard.TOKEN_STANDARD_ERC1155, TokenStandard.TOKEN_STANDARD_ERC20, TokenStandard.TOKEN_STANDARD_NATIVE);
        // the rarely used token: 0 before its one transfer at block 150, 77 from there on
        assertThat(rows(clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN).setAddress(HOLDERS.get(0))
                .setToken(LedgerScenario.RARE).setBlockNumber(149).build()))).containsExactly(new Row(LedgerScenario.RARE, "", "0"));
        assertThat(rows(clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN).setAddress(HOLDERS.get(0))
                .setToken(LedgerScenario.RARE).setBlockNumber(150).build()))).containsExactly(new Row(LedgerScenario.RARE, "", "77"));
    }

    @Test
    void atATimeMeansAfterTheLastBlockAtOrBeforeIt() {
        String holder = HOLDERS.get(2);
        // exactly at a block's time, between blocks, and at a time two blocks share (14 and 15: the later wins)
        Map<Instant, Long> cases = new TreeMap<>(Map.of(
                LedgerScenario.time(100), 100L,
                LedgerScenario.time(100).plusSeconds(599), 100L,
                LedgerScenario.time(14), 15L,
                LedgerScenario.time(LedgerScenario.BLOCKS).plusSeconds(86400 * 30), (long) LedgerScenario.BLOCKS));
        for (Map.Entry<Instant, Long> c : cases.entrySet()) {
            GetBalancesAtResponse grpc = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder()
                    .setChainId(CHAIN).setAddress(holder).setTime(ts(c.getKey())).build());
            assertThat(grpc.getBlockNumber()).as(c.getKey().toString()).isEqualTo(c.getValue());
            assertThat(rows(grpc)).containsExactlyElementsOf(expected(holder, c.getValue()));
            Clients.Response rest = clients.get("/v1/chains/" + CHAIN + "/addresses/" + holder + "/balances/at?time=" + c.getKey());
            assertThat(rest.parse(GetBalancesAtResponse.newBuilder()).build()).isEqualTo(grpc);
        }
        // one token: both ERC-1155 ids, or just the native row
        GetBalancesAtResponse multi = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN)
                .setAddress(holder).setToken(LedgerScenario.ERC1155).setBlockNumber(250).build());
        assertThat(rows(multi)).containsExactlyElementsOf(expected(holder, 250).stream()
                .filter(r -> r.token().equals(LedgerScenario.ERC1155)).toList());
        assertThat(multi.getBalancesList()).extracting(BalanceView::getTokenId).containsExactly("1", "2");
        Clients.Response nativeOnly = clients.get("/v1/chains/" + CHAIN + "/addresses/" + holder + "/balances/at?block_number=250&token=NATIVE");
        assertThat(nativeOnly.json().getAsJsonArray("balances")).hasSize(1);
        assertThat(nativeOnly.json().getAsJsonArray("balances").get(0).getAsJsonObject().get("balance").getAsString())
                .isEqualTo(expected(holder, 250).stream().filter(r -> r.token().equals("native")).findFirst().orElseThrow().balance());
        // a token the address never held, and an address never seen: empty, not an error
        assertThat(clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN).setAddress(holder)
                .setToken(SeedData.ERC20).setBlockNumber(5).build()).getBalancesList()).isEmpty();
        assertThat(clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN).setAddress(SeedData.GHOST)
                .setBlockNumber(5).build()).getBalancesList()).isEmpty();
    }

    @Test
    void blocksAndTimesOutsideTheIndexAreRefusedNamingTheParameter() {
        String base = "/v1/chains/" + CHAIN + "/addresses/" + HOLDERS.get(0) + "/balances/at";
        Map<String, String> cases = Map.of(
                base + "?block_number=301", "block_number",
                base + "?block_number=0", "block_number",
                base + "?time=2024-02-29T23:59:59Z", "time",
                base, "block_number",
                base + "?block_number=5&time=2024-03-01T05:00:00Z", "time");
        cases.forEach((path, parameter) -> {
            Clients.Response response = clients.get(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.json().get("parameter").getAsString()).as(path).isEqualTo(parameter);
        });
        assertThat(clients.get(base + "?block_number=301").json().get("detail").getAsString()).contains("latest is 300");
    }

    static List<TokenHistoryView> expectedPortfolio(String holder, int size, Instant from, Instant to) {
        Map<String, TokenHistoryView> out = new TreeMap<>();
        ledger.windows(holder, size).forEach((asset, windows) -> {
            String id = asset.standard().equals("ERC1155") ? asset.keyId().toString() : "";
            TokenHistoryView.Builder view = TokenHistoryView.newBuilder().setToken(asset.token())
                    .setStandard(TokenStandard.valueOf("TOKEN_STANDARD_" + asset.standard())).setTokenId(id)
                    .setOpeningBalance(from == null || windows.headMap(from, false).isEmpty() ? "0"
                            : Long.toString(windows.headMap(from, false).lastEntry().getValue().balance()));
            windows.forEach((start, w) -> {
                if ((from == null || !start.isBefore(from)) && (to == null || start.isBefore(to))) {
                    view.addWindows(BalanceWindowView.newBuilder().setWindowStart(ts(start)).setWindowSeconds(size)
                            .setDelta(Long.toString(w.delta())).setBalance(Long.toString(w.balance()))
                            .setTransfersIn(w.in()).setTransfersOut(w.out())
                            .setVolumeIn(Long.toString(w.volumeIn())).setVolumeOut(Long.toString(w.volumeOut())));
                }
            });
            if (view.getWindowsCount() > 0 || !view.getOpeningBalance().equals("0")) {
                out.put(asset.token() + "/" + (id.isEmpty() ? "" : String.format("%078d", new BigInteger(id))), view.build());
            }
        });
        return new ArrayList<>(out.values());
    }

    @Test
    void portfolioHistoryHoldsEveryTokensWindowsAndOpeningBalances() {
        Instant from = LedgerScenario.T0.plusSeconds(7 * 3600);
        Instant to = LedgerScenario.T0.plusSeconds(31 * 3600);
        for (String holder : HOLDERS) {
            GetPortfolioHistoryResponse grpc = clients.balances.getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder()
                    .setChainId(CHAIN).setAddress(holder).setStartTime(ts(from)).setEndTime(ts(to)).build());
            List<TokenHistoryView> expected = expectedPortfolio(holder, 3600, from, to);
            assertThat(grpc.getTokensList()).as(holder).containsExactlyElementsOf(expected);
            assertThat(grpc.getWindowSeconds()).isEqualTo(3600);
            assertThat(expected.stream().mapToInt(TokenHistoryView::getWindowsCount).sum()).isGreaterThan(20);
            Clients.Response rest = clients.get("/v1/chains/" + CHAIN + "/addresses/" + holder + "/history?start_time=" + from + "&end_time=" + to);
            assertThat(rest.parse(GetPortfolioHistoryResponse.newBuilder()).build()).isEqualTo(grpc);

            GetPortfolioHistoryResponse daily = clients.balances.getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder()
                    .setChainId(CHAIN).setAddress(holder).setWindowSeconds(86400).build());
            assertThat(daily.getTokensList()).containsExactlyElementsOf(expectedPortfolio(holder, 86400, null, null));
        }
        // the all-reverted window is in the table but never shown, in either history
        GetPortfolioHistoryResponse all = clients.balances.getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder()
                .setChainId(CHAIN).setAddress(HOLDERS.get(1)).build());
        assertThat(all.getTokensList()).containsExactlyElementsOf(expectedPortfolio(HOLDERS.get(1), 3600, null, null));
        assertThat(all.getTokensList().stream().flatMap(t -> t.getWindowsList().stream()))
                .noneMatch(w -> w.getWindowStart().getSeconds() == HIDDEN.getEpochSecond());
        assertThat(clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder().setChainId(CHAIN)
                .setAddress(HOLDERS.get(1)).setToken("native").build()).getWindowsList())
                .noneMatch(w -> w.getWindowStart().getSeconds() == HIDDEN.getEpochSecond());
        // a range after every window: only tokens with a balance, each with its opening balance and no window
        GetPortfolioHistoryResponse later = clients.balances.getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder()
                .setChainId(CHAIN).setAddress(HOLDERS.get(0)).setStartTime(ts(HIDDEN.plusSeconds(86400))).build());
        assertThat(later.getTokensList()).isNotEmpty().allMatch(t -> t.getWindowsCount() == 0 && !t.getOpeningBalance().equals("0"));
        assertThat(later.getTokensList()).extracting(TokenHistoryView::getOpeningBalance).containsExactlyElementsOf(
                expected(HOLDERS.get(0), LedgerScenario.BLOCKS).stream().filter(r -> !r.balance().equals("0")).map(Row::balance).toList());
    }
}
