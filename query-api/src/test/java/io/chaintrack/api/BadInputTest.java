package io.chaintrack.api;

import static io.chaintrack.api.SeedData.A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.AnalyticsServiceGrpc;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.ListAnomaliesRequest;
import io.chaintrack.proto.v1.ListDailyMetricsRequest;
import io.chaintrack.proto.v1.ListForecastsRequest;
import io.chaintrack.proto.v1.Severity;
import io.chaintrack.proto.v1.StreamAnomaliesRequest;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTransactionTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every parameter of every endpoint, given a bad value, on both transports: REST answers 400 with a
 * problem document naming the parameter, gRPC answers INVALID_ARGUMENT naming it (description and
 * google.rpc.BadRequest detail).
 */
class BadInputTest {
    static ApiFixture fixture;
    static Clients clients;
    static String cursorOfA;
    static String cursorOfB;

    static final String TRANSFERS = "/v1/chains/1/addresses/" + A + "/transfers";
    static final String BALANCES = "/v1/chains/1/addresses/" + A + "/balances";
    static final String HISTORY = "/v1/chains/1/addresses/" + A + "/tokens/native/history";
    static final String TOKEN = "/v1/chains/1/tokens/native/transfers";
    static final String TX = SeedData.hash(4000, 'f');
    static final String TXS = "/v1/chains/1/transactions/" + TX + "/transfers";
    static final String RANGE = "/v1/chains/1/transfers";
    static final String STREAM = "/v1/chains/1/addresses/" + A + "/transfers/stream";
    static final String AT = "/v1/chains/1/addresses/" + A + "/balances/at";
    static final String PORTFOLIO = "/v1/chains/1/addresses/" + A + "/history";
    static final String ANOMALIES = "/v1/analytics/anomalies";
    static final String BIG = "115792089237316195423570985008687907853269984665640564039457584007913129639936"; // 2^256

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).start();
        clients = fixture.clients;
        cursorOfA = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(A).setLimit(2).build()).getNextCursor();
        cursorOfB = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(SeedData.B).setLimit(2).build()).getNextCursor();
        assertThat(cursorOfA).isNotEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static String tampered(String cursor) {
        char[] chars = cursor.toCharArray();
        chars[3] = chars[3] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    static Stream<Arguments> restCases() {
        List<Arguments> cases = new ArrayList<>();
        // ListAddressTransfers
        cases.add(Arguments.of("/v1/chains/abc/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/-1/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/999/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/0/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/18446744073709551615/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/18446744073709551616/addresses/" + A + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/0x1234/transfers", "address"));
        cases.add(Arguments.of("/v1/chains/1/addresses/" + A + "zz/transfers", "address"));
        cases.add(Arguments.of("/v1/chains/1/addresses/native/transfers", "address"));
        cases.add(Arguments.of(TRANSFERS + "?limit=-1", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=1001", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=abc", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=99999999999", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=5&limit=6", "limit"));
        cases.add(Arguments.of(TRANSFERS + "?limit=%D9%A1", "limit"));            // Arabic-Indic 1
        cases.add(Arguments.of(TRANSFERS + "?limit=%EF%BC%92", "limit"));         // full-width 2
        cases.add(Arguments.of("/v1/chains/%EF%BC%91/addresses/" + A + "/transfers", "chain_id")); // full-width 1
        cases.add(Arguments.of(TRANSFERS + "?cursor=garbage", "cursor"));
        cases.add(Arguments.of(TRANSFERS + "?cursor=a.b", "cursor"));
        cases.add(Arguments.of(TRANSFERS + "?cursor=TAMPERED_A", "cursor"));
        cases.add(Arguments.of(TRANSFERS + "?cursor=CURSOR_B", "cursor"));
        cases.add(Arguments.of(TRANSFERS + "?cursor=CURSOR_A&direction=INCOMING", "cursor"));
        cases.add(Arguments.of(TRANSFERS + "?direction=SIDEWAYS", "direction"));
        cases.add(Arguments.of(TRANSFERS + "?direction=7", "direction"));
        cases.add(Arguments.of(TRANSFERS + "?foo=1", "foo"));
        cases.add(Arguments.of(TRANSFERS + "?chain_id=1", "chain_id"));
        cases.add(Arguments.of(TRANSFERS + "?address=" + A, "address"));
        // GetBalances
        cases.add(Arguments.of("/v1/chains/x1/addresses/" + A + "/balances", "chain_id"));
        cases.add(Arguments.of("/v1/chains/77/addresses/" + A + "/balances", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/0xZZZZ" + A.substring(6) + "/balances", "address"));
        cases.add(Arguments.of(BALANCES + "?limit=5", "limit"));
        // GetBalanceHistory
        cases.add(Arguments.of("/v1/chains/1.5/addresses/" + A + "/tokens/native/history", "chain_id"));
        cases.add(Arguments.of("/v1/chains/2/addresses/" + A + "/tokens/native/history", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/" + A.substring(0, 41) + "/tokens/native/history", "address"));
        cases.add(Arguments.of("/v1/chains/1/addresses/" + A + "/tokens/eth/history", "token"));
        cases.add(Arguments.of("/v1/chains/1/addresses/" + A + "/tokens/0x12/history", "token"));
        cases.add(Arguments.of(HISTORY + "?token_id=-1", "token_id"));
        cases.add(Arguments.of(HISTORY + "?token_id=abc", "token_id"));
        cases.add(Arguments.of(HISTORY + "?tokenId=1.0", "token_id"));
        cases.add(Arguments.of(HISTORY + "?token_id=" + BIG, "token_id"));
        cases.add(Arguments.of(HISTORY + "?start_time=yesterday", "start_time"));
        cases.add(Arguments.of(HISTORY + "?start_time=2024-01-01", "start_time"));
        cases.add(Arguments.of(HISTORY + "?startTime=10000-01-01T00:00:00Z", "start_time"));
        cases.add(Arguments.of(HISTORY + "?end_time=2024-13-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(HISTORY + "?end_time=", "end_time"));
        cases.add(Arguments.of(HISTORY + "?start_time=2024-01-02T00:00:00Z&end_time=2024-01-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(HISTORY + "?start_time=2024-01-01T00:00:00Z&end_time=2024-01-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(HISTORY + "?window_seconds=7", "window_seconds"));
        cases.add(Arguments.of(HISTORY + "?windowSeconds=-3600", "window_seconds"));
        cases.add(Arguments.of(HISTORY + "?window_seconds=hour", "window_seconds"));
        cases.add(Arguments.of(HISTORY + "?window=3600", "window"));
        // ListAddressTransfers filters
        cases.add(Arguments.of(TRANSFERS + "?standard=COIN", "standard"));
        cases.add(Arguments.of(TRANSFERS + "?standard=9", "standard"));
        cases.add(Arguments.of(TRANSFERS + "?min_amount=1.5", "min_amount"));
        cases.add(Arguments.of(TRANSFERS + "?minAmount=-3", "min_amount"));
        cases.add(Arguments.of(TRANSFERS + "?min_amount=" + BIG, "min_amount"));
        // ListTokenTransfers
        cases.add(Arguments.of("/v1/chains/abc/tokens/native/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/999/tokens/native/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/tokens/eth/transfers", "token"));
        cases.add(Arguments.of("/v1/chains/1/tokens/0x1234/transfers", "token"));
        cases.add(Arguments.of(TOKEN + "?limit=1001", "limit"));
        cases.add(Arguments.of(TOKEN + "?limit=-2", "limit"));
        cases.add(Arguments.of(TOKEN + "?cursor=garbage", "cursor"));
        cases.add(Arguments.of(TOKEN + "?cursor=CURSOR_A", "cursor"));
        cases.add(Arguments.of(TOKEN + "?standard=ERC9999", "standard"));
        cases.add(Arguments.of(TOKEN + "?min_amount=ten", "min_amount"));
        cases.add(Arguments.of(TOKEN + "?min_amount=" + BIG, "min_amount"));
        cases.add(Arguments.of(TOKEN + "?direction=INCOMING", "direction"));
        // ListTransactionTransfers
        cases.add(Arguments.of("/v1/chains/x/transactions/" + TX + "/transfers", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/transactions/0x12/transfers", "tx_hash"));
        cases.add(Arguments.of("/v1/chains/1/transactions/" + TX + "0/transfers", "tx_hash"));
        cases.add(Arguments.of("/v1/chains/1/transactions/" + TX.substring(2) + "/transfers", "tx_hash"));
        cases.add(Arguments.of("/v1/chains/1/transactions/0x" + "g".repeat(64) + "/transfers", "tx_hash"));
        cases.add(Arguments.of(TXS + "?limit=5000", "limit"));
        cases.add(Arguments.of(TXS + "?cursor=CURSOR_A", "cursor"));
        cases.add(Arguments.of(TXS + "?token=native", "token"));
        // ListTransfers
        cases.add(Arguments.of("/v1/chains/77/transfers", "chain_id"));
        cases.add(Arguments.of(RANGE + "?from_block=-1", "from_block"));
        cases.add(Arguments.of(RANGE + "?from_block=abc", "from_block"));
        cases.add(Arguments.of(RANGE + "?fromBlock=1.5", "from_block"));
        cases.add(Arguments.of(RANGE + "?from_block=1&fromBlock=2", "from_block"));   // one field, two names
        cases.add(Arguments.of(RANGE + "?to_block=18446744073709551615", "to_block"));
        cases.add(Arguments.of(RANGE + "?to_block=18446744073709551616", "to_block"));
        cases.add(Arguments.of(RANGE + "?from_block=10&to_block=9", "to_block"));
        cases.add(Arguments.of(RANGE + "?start_time=noon", "start_time"));
        cases.add(Arguments.of(RANGE + "?end_time=2024-02-30T00:00:00Z", "end_time"));
        cases.add(Arguments.of(RANGE + "?start_time=2024-01-01T00:00:00Z&end_time=2023-12-31T23:59:59Z", "end_time"));
        cases.add(Arguments.of(RANGE + "?limit=1001", "limit"));
        cases.add(Arguments.of(RANGE + "?cursor=CURSOR_A", "cursor"));
        cases.add(Arguments.of(RANGE + "?cursor=TAMPERED_A", "cursor"));
        cases.add(Arguments.of(RANGE + "?address=" + A, "address"));
        // StreamAddressTransfers
        cases.add(Arguments.of("/v1/chains/999/addresses/" + A + "/transfers/stream", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/0x12/transfers/stream", "address"));
        cases.add(Arguments.of(STREAM + "?direction=UP", "direction"));
        cases.add(Arguments.of(STREAM + "?standard=COIN", "standard"));
        cases.add(Arguments.of(STREAM + "?min_amount=x", "min_amount"));
        cases.add(Arguments.of(STREAM + "?limit=5", "limit"));
        cases.add(Arguments.of(STREAM + "?cursor=abc", "cursor"));
        // GetBalancesAt
        cases.add(Arguments.of(AT, "block_number"));
        cases.add(Arguments.of(AT + "?block_number=5&time=2024-01-01T00:00:00Z", "time"));
        cases.add(Arguments.of(AT + "?block_number=abc", "block_number"));
        cases.add(Arguments.of(AT + "?block_number=-1", "block_number"));
        cases.add(Arguments.of(AT + "?block_number=18446744073709551615", "block_number"));
        cases.add(Arguments.of(AT + "?block_number=41", "block_number"));
        cases.add(Arguments.of(AT + "?time=yesterday", "time"));
        cases.add(Arguments.of(AT + "?time=2023-01-01T00:00:00Z", "time"));
        cases.add(Arguments.of(AT + "?block_number=5&token=eth", "token"));
        cases.add(Arguments.of(AT + "?block_number=5&token_id=1", "token_id"));
        cases.add(Arguments.of("/v1/chains/9/addresses/" + A + "/balances/at?block_number=5", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/0xAB/balances/at?block_number=5", "address"));
        cases.add(Arguments.of("/v1/chains/10/addresses/" + A + "/balances/at?block_number=5", "block_number"));
        // GetPortfolioHistory
        cases.add(Arguments.of("/v1/chains/9/addresses/" + A + "/history", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/addresses/nobody/history", "address"));
        cases.add(Arguments.of(PORTFOLIO + "?window_seconds=60", "window_seconds"));
        cases.add(Arguments.of(PORTFOLIO + "?window_seconds=x", "window_seconds"));
        cases.add(Arguments.of(PORTFOLIO + "?start_time=2024", "start_time"));
        cases.add(Arguments.of(PORTFOLIO + "?end_time=0000-01-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(PORTFOLIO + "?start_time=2024-01-02T00:00:00Z&end_time=2024-01-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(PORTFOLIO + "?token=native", "token"));
        // GetChainStatus, ListChainStatuses
        cases.add(Arguments.of("/v1/chains/abc/status", "chain_id"));
        cases.add(Arguments.of("/v1/chains/999/status", "chain_id"));
        cases.add(Arguments.of("/v1/chains/0/status", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/status?verbose=1", "verbose"));
        cases.add(Arguments.of("/v1/chains/status?chain_id=1", "chain_id"));
        // GetAnalyticsTotals
        cases.add(Arguments.of("/v1/chains/abc/analytics/totals", "chain_id"));
        cases.add(Arguments.of("/v1/chains/99/analytics/totals", "chain_id"));
        cases.add(Arguments.of("/v1/analytics/totals?chain_id=x", "chain_id"));
        cases.add(Arguments.of("/v1/analytics/totals?token=native", "token"));
        cases.add(Arguments.of("/v1/analytics/totals?cursor=abc", "cursor"));
        cases.add(Arguments.of("/v1/chains/1/analytics/totals?token=eth", "token"));
        cases.add(Arguments.of("/v1/chains/1/analytics/totals?limit=1001", "limit"));
        cases.add(Arguments.of("/v1/chains/1/analytics/totals?cursor=garbage", "cursor"));
        cases.add(Arguments.of("/v1/chains/1/analytics/totals?cursor=CURSOR_A", "cursor"));
        cases.add(Arguments.of("/v1/chains/1/analytics/totals?scope=GLOBAL", "scope"));
        // ListDailyMetrics
        cases.add(Arguments.of("/v1/chains/99/analytics/daily", "chain_id"));
        cases.add(Arguments.of("/v1/analytics/daily?start_day=2024-1-1", "start_day"));
        cases.add(Arguments.of("/v1/analytics/daily?startDay=20240101", "start_day"));
        cases.add(Arguments.of("/v1/analytics/daily?end_day=2024-02-30", "end_day"));
        cases.add(Arguments.of("/v1/chains/1/analytics/daily?start_day=2024-01-05&end_day=2024-01-01", "end_day"));
        cases.add(Arguments.of("/v1/analytics/daily?day=2024-01-01", "day"));
        // ListForecasts
        cases.add(Arguments.of("/v1/chains/99/analytics/forecasts", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/analytics/forecasts?metric=volume", "metric"));
        cases.add(Arguments.of("/v1/analytics/forecasts?base_day=yesterday", "base_day"));
        cases.add(Arguments.of("/v1/analytics/forecasts?baseDay=2024-13-01", "base_day"));
        // ListAnomalies
        cases.add(Arguments.of("/v1/chains/99/analytics/anomalies", "chain_id"));
        cases.add(Arguments.of(ANOMALIES + "?min_severity=HIGH", "min_severity"));
        cases.add(Arguments.of(ANOMALIES + "?minSeverity=7", "min_severity"));
        cases.add(Arguments.of(ANOMALIES + "?method=MAD", "method"));
        cases.add(Arguments.of(ANOMALIES + "?metric=price", "metric"));
        cases.add(Arguments.of(ANOMALIES + "?token=x", "token"));
        cases.add(Arguments.of(ANOMALIES + "?start_time=bad", "start_time"));
        cases.add(Arguments.of(ANOMALIES + "?start_time=2024-01-02T00:00:00Z&end_time=2024-01-01T00:00:00Z", "end_time"));
        cases.add(Arguments.of(ANOMALIES + "?limit=1001", "limit"));
        cases.add(Arguments.of(ANOMALIES + "?cursor=garbage", "cursor"));
        cases.add(Arguments.of(ANOMALIES + "?cursor=CURSOR_A", "cursor"));
        cases.add(Arguments.of("/v1/chains/1/analytics/anomalies?cursor=TAMPERED_A", "cursor"));
        // StreamAnomalies
        cases.add(Arguments.of("/v1/chains/99/analytics/anomalies/stream", "chain_id"));
        cases.add(Arguments.of("/v1/analytics/anomalies/stream?min_severity=NONE", "min_severity"));
        cases.add(Arguments.of("/v1/analytics/anomalies/stream?min_severity=9", "min_severity"));
        cases.add(Arguments.of("/v1/analytics/anomalies/stream?limit=5", "limit"));
        // ListChains, GetChainTotals, Check
        cases.add(Arguments.of("/v1/chains?page=2", "page"));
        cases.add(Arguments.of("/v1/chains/one/totals", "chain_id"));
        cases.add(Arguments.of("/v1/chains/5/totals", "chain_id"));
        cases.add(Arguments.of("/v1/chains/1/totals?verbose=true", "verbose"));
        cases.add(Arguments.of("/v1/health?deep=1", "deep"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("restCases")
    void restNamesTheParameter(String path, String parameter) {
        String resolved = path.replace("TAMPERED_A", tampered(cursorOfA)).replace("CURSOR_B", cursorOfB).replace("CURSOR_A", cursorOfA);
        Clients.Response response = clients.get(resolved);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonObject problem = response.json();
        assertThat(problem.get("parameter").getAsString()).isEqualTo(parameter);
        assertThat(problem.get("status").getAsInt()).isEqualTo(400);
        assertThat(problem.get("grpcCode").getAsString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.get("title").getAsString()).isEqualTo("Invalid argument");
        assertThat(problem.get("type").getAsString()).isEqualTo("urn:chaintrack:problem:invalid-argument");
        assertThat(problem.get("detail").getAsString()).contains(parameter);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    interface GrpcCall {
        void run();
    }

    static AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics() {
        return AnalyticsServiceGrpc.newBlockingStub(clients.channel);
    }

    static Stream<Arguments> grpcCases() {
        ListAddressTransfersRequest t = ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(A).build();
        GetBalancesRequest b = GetBalancesRequest.newBuilder().setChainId(1).setAddress(A).build();
        GetBalanceHistoryRequest h = GetBalanceHistoryRequest.newBuilder().setChainId(1).setAddress(A).setToken("native").build();
        Timestamp day1 = Timestamp.newBuilder().setSeconds(1704067200).build();
        Timestamp day2 = Timestamp.newBuilder().setSeconds(1704153600).build();
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("transfers chain 0", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setChainId(0).build()), "chain_id"));
        cases.add(Arguments.of("transfers chain unknown", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setChainId(999).build()), "chain_id"));
        cases.add(Arguments.of("transfers chain 2^64-1", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setChainId(-1L).build()), "chain_id"));
        cases.add(Arguments.of("transfers address", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setAddress("0xabc").build()), "address"));
        cases.add(Arguments.of("transfers address empty", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setAddress("").build()), "address"));
        cases.add(Arguments.of("transfers limit -1", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setLimit(-1).build()), "limit"));
        cases.add(Arguments.of("transfers limit 1001", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setLimit(1001).build()), "limit"));
        cases.add(Arguments.of("transfers cursor garbage", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setCursor("x").build()), "cursor"));
        cases.add(Arguments.of("transfers cursor tampered", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setCursor(tampered(cursorOfA)).build()), "cursor"));
        cases.add(Arguments.of("transfers cursor of B", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setCursor(cursorOfB).build()), "cursor"));
        cases.add(Arguments.of("transfers direction", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setDirectionValue(9).build()), "direction"));
        cases.add(Arguments.of("balances chain", (GrpcCall) () -> clients.balances.getBalances(b.toBuilder().setChainId(3).build()), "chain_id"));
        cases.add(Arguments.of("balances address", (GrpcCall) () -> clients.balances.getBalances(b.toBuilder().setAddress(A + "0").build()), "address"));
        cases.add(Arguments.of("history chain", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setChainId(0).build()), "chain_id"));
        cases.add(Arguments.of("history address", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setAddress("native").build()), "address"));
        cases.add(Arguments.of("history token", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setToken("").build()), "token"));
        cases.add(Arguments.of("history token bad", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setToken("ether").build()), "token"));
        cases.add(Arguments.of("history token_id", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setTokenId("-5").build()), "token_id"));
        cases.add(Arguments.of("history token_id big", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setTokenId(BIG).build()), "token_id"));
        cases.add(Arguments.of("history start_time nanos", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setStartTime(day1.toBuilder().setNanos(-1)).build()), "start_time"));
        cases.add(Arguments.of("history end_time seconds", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setEndTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()), "end_time"));
        cases.add(Arguments.of("history start after end", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setStartTime(day2).setEndTime(day1).build()), "end_time"));
        cases.add(Arguments.of("history window_seconds", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setWindowSeconds(60).build()), "window_seconds"));
        cases.add(Arguments.of("history window_seconds huge", (GrpcCall) () -> clients.balances.getBalanceHistory(h.toBuilder().setWindowSeconds(-1).build()), "window_seconds"));
        cases.add(Arguments.of("totals chain", (GrpcCall) () -> clients.chains.getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(42).build()), "chain_id"));
        ListTokenTransfersRequest tt = ListTokenTransfersRequest.newBuilder().setChainId(1).setToken("native").build();
        cases.add(Arguments.of("token transfers chain", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setChainId(999).build()), "chain_id"));
        cases.add(Arguments.of("token transfers token", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setToken("").build()), "token"));
        cases.add(Arguments.of("token transfers limit", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setLimit(1001).build()), "limit"));
        cases.add(Arguments.of("token transfers cursor", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setCursor(cursorOfA).build()), "cursor"));
        cases.add(Arguments.of("token transfers standard", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setStandardValue(12).build()), "standard"));
        cases.add(Arguments.of("token transfers min_amount", (GrpcCall) () -> clients.transfers.listTokenTransfers(tt.toBuilder().setMinAmount("-1").build()), "min_amount"));
        ListTransactionTransfersRequest tx = ListTransactionTransfersRequest.newBuilder().setChainId(1).setTxHash(TX).build();
        cases.add(Arguments.of("tx transfers chain", (GrpcCall) () -> clients.transfers.listTransactionTransfers(tx.toBuilder().setChainId(0).build()), "chain_id"));
        cases.add(Arguments.of("tx transfers hash", (GrpcCall) () -> clients.transfers.listTransactionTransfers(tx.toBuilder().setTxHash("").build()), "tx_hash"));
        cases.add(Arguments.of("tx transfers hash short", (GrpcCall) () -> clients.transfers.listTransactionTransfers(tx.toBuilder().setTxHash("0xabc").build()), "tx_hash"));
        cases.add(Arguments.of("tx transfers limit", (GrpcCall) () -> clients.transfers.listTransactionTransfers(tx.toBuilder().setLimit(-1).build()), "limit"));
        cases.add(Arguments.of("tx transfers cursor", (GrpcCall) () -> clients.transfers.listTransactionTransfers(tx.toBuilder().setCursor(cursorOfB).build()), "cursor"));
        ListTransfersRequest r = ListTransfersRequest.newBuilder().setChainId(1).build();
        cases.add(Arguments.of("range chain", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setChainId(5).build()), "chain_id"));
        cases.add(Arguments.of("range from_block", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setFromBlock(-1L).build()), "from_block"));
        cases.add(Arguments.of("range to_block", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setFromBlock(3).setToBlock(2).build()), "to_block"));
        cases.add(Arguments.of("range start_time", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setStartTime(day1.toBuilder().setNanos(-1)).build()), "start_time"));
        cases.add(Arguments.of("range end_time", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setStartTime(day2).setEndTime(day1).build()), "end_time"));
        cases.add(Arguments.of("range limit", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setLimit(2000).build()), "limit"));
        cases.add(Arguments.of("range cursor", (GrpcCall) () -> clients.transfers.listTransfers(r.toBuilder().setCursor(cursorOfA).build()), "cursor"));
        cases.add(Arguments.of("address standard", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setStandardValue(-4).build()), "standard"));
        cases.add(Arguments.of("address min_amount", (GrpcCall) () -> clients.transfers.listAddressTransfers(t.toBuilder().setMinAmount(BIG).build()), "min_amount"));
        StreamAddressTransfersRequest st = StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(A).build();
        cases.add(Arguments.of("stream chain", (GrpcCall) () -> clients.transfers.streamAddressTransfers(st.toBuilder().setChainId(99).build()).hasNext(), "chain_id"));
        cases.add(Arguments.of("stream address", (GrpcCall) () -> clients.transfers.streamAddressTransfers(st.toBuilder().setAddress("x").build()).hasNext(), "address"));
        cases.add(Arguments.of("stream direction", (GrpcCall) () -> clients.transfers.streamAddressTransfers(st.toBuilder().setDirectionValue(5).build()).hasNext(), "direction"));
        cases.add(Arguments.of("stream standard", (GrpcCall) () -> clients.transfers.streamAddressTransfers(st.toBuilder().setStandardValue(5).build()).hasNext(), "standard"));
        cases.add(Arguments.of("stream min_amount", (GrpcCall) () -> clients.transfers.streamAddressTransfers(st.toBuilder().setMinAmount("0x").build()).hasNext(), "min_amount"));
        GetBalancesAtRequest at = GetBalancesAtRequest.newBuilder().setChainId(1).setAddress(A).setBlockNumber(5).build();
        cases.add(Arguments.of("at chain", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setChainId(4).build()), "chain_id"));
        cases.add(Arguments.of("at address", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setAddress("").build()), "address"));
        cases.add(Arguments.of("at token", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setToken("0x1").build()), "token"));
        cases.add(Arguments.of("at neither", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().clearBlockNumber().build()), "block_number"));
        cases.add(Arguments.of("at both", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setTime(day1).build()), "time"));
        cases.add(Arguments.of("at block huge", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setBlockNumber(-1L).build()), "block_number"));
        cases.add(Arguments.of("at block future", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().setBlockNumber(100).build()), "block_number"));
        cases.add(Arguments.of("at time invalid", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().clearBlockNumber()
                .setTime(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)).build()), "time"));
        cases.add(Arguments.of("at time early", (GrpcCall) () -> clients.balances.getBalancesAt(at.toBuilder().clearBlockNumber()
                .setTime(Timestamp.newBuilder().setSeconds(0)).build()), "time"));
        GetPortfolioHistoryRequest p = GetPortfolioHistoryRequest.newBuilder().setChainId(1).setAddress(A).build();
        cases.add(Arguments.of("portfolio chain", (GrpcCall) () -> clients.balances.getPortfolioHistory(p.toBuilder().setChainId(2).build()), "chain_id"));
        cases.add(Arguments.of("portfolio address", (GrpcCall) () -> clients.balances.getPortfolioHistory(p.toBuilder().setAddress("0x").build()), "address"));
        cases.add(Arguments.of("portfolio window", (GrpcCall) () -> clients.balances.getPortfolioHistory(p.toBuilder().setWindowSeconds(5).build()), "window_seconds"));
        cases.add(Arguments.of("portfolio start", (GrpcCall) () -> clients.balances.getPortfolioHistory(p.toBuilder().setStartTime(day1.toBuilder().setNanos(2_000_000_000)).build()), "start_time"));
        cases.add(Arguments.of("portfolio end", (GrpcCall) () -> clients.balances.getPortfolioHistory(p.toBuilder().setStartTime(day1).setEndTime(day1).build()), "end_time"));
        cases.add(Arguments.of("status chain", (GrpcCall) () -> clients.chains.getChainStatus(GetChainStatusRequest.newBuilder().setChainId(3).build()), "chain_id"));
        cases.add(Arguments.of("status chain 0", (GrpcCall) () -> clients.chains.getChainStatus(GetChainStatusRequest.getDefaultInstance()), "chain_id"));
        cases.add(Arguments.of("analytics totals chain", (GrpcCall) () -> analytics().getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(99).build()), "chain_id"));
        cases.add(Arguments.of("analytics totals token", (GrpcCall) () -> analytics().getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setToken("native").build()), "token"));
        cases.add(Arguments.of("analytics totals limit", (GrpcCall) () -> analytics().getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(1).setLimit(-1).build()), "limit"));
        cases.add(Arguments.of("analytics totals cursor", (GrpcCall) () -> analytics().getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(1).setCursor(cursorOfA).build()), "cursor"));
        cases.add(Arguments.of("daily start", (GrpcCall) () -> analytics().listDailyMetrics(ListDailyMetricsRequest.newBuilder().setStartDay("Jan 1").build()), "start_day"));
        cases.add(Arguments.of("daily order", (GrpcCall) () -> analytics().listDailyMetrics(ListDailyMetricsRequest.newBuilder().setStartDay("2024-01-02").setEndDay("2024-01-01").build()), "end_day"));
        cases.add(Arguments.of("daily chain", (GrpcCall) () -> analytics().listDailyMetrics(ListDailyMetricsRequest.newBuilder().setChainId(-1L).build()), "chain_id"));
        cases.add(Arguments.of("forecast metric", (GrpcCall) () -> analytics().listForecasts(ListForecastsRequest.newBuilder().setMetric("gas").build()), "metric"));
        cases.add(Arguments.of("forecast base", (GrpcCall) () -> analytics().listForecasts(ListForecastsRequest.newBuilder().setBaseDay("2024-02-30").build()), "base_day"));
        cases.add(Arguments.of("anomalies severity", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setMinSeverityValue(8).build()), "min_severity"));
        cases.add(Arguments.of("anomalies method", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setMethodValue(8).build()), "method"));
        cases.add(Arguments.of("anomalies metric", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setMetric("x").build()), "metric"));
        cases.add(Arguments.of("anomalies token", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setToken("0x").build()), "token"));
        cases.add(Arguments.of("anomalies end", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setStartTime(day2).setEndTime(day1).build()), "end_time"));
        cases.add(Arguments.of("anomalies cursor", (GrpcCall) () -> analytics().listAnomalies(ListAnomaliesRequest.newBuilder().setCursor(cursorOfB).build()), "cursor"));
        cases.add(Arguments.of("anomaly stream severity", (GrpcCall) () -> analytics().streamAnomalies(StreamAnomaliesRequest.newBuilder()
                .setMinSeverity(Severity.SEVERITY_NONE).build()).hasNext(), "min_severity"));
        cases.add(Arguments.of("anomaly stream chain", (GrpcCall) () -> analytics().streamAnomalies(StreamAnomaliesRequest.newBuilder()
                .setChainId(55).build()).hasNext(), "chain_id"));
        cases.add(Arguments.of("totals chain 0", (GrpcCall) () -> clients.chains.getChainTotals(GetChainTotalsRequest.getDefaultInstance()), "chain_id"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("grpcCases")
    void grpcNamesTheParameter(String name, GrpcCall call, String parameter) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as(name).isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).startsWith(parameter + ": ");
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        assertThat(status).isNotNull();
        BadRequest badRequest = status.getDetailsList().stream().filter(d -> d.is(BadRequest.class)).findFirst()
                .map(d -> {
                    try {
                        return d.unpack(BadRequest.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).orElseThrow();
        assertThat(badRequest.getFieldViolations(0).getField()).isEqualTo(parameter);
    }

    @Test
    void anOverlongRequestLineIs414AndOversizedHeaders431AsProblems() {
        Clients.Response url = clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?cursor=" + "x".repeat(5000));
        assertThat(url.status()).isEqualTo(414);
        assertThat(url.contentType()).startsWith("application/problem+json");
        assertThat(url.json().get("type").getAsString()).isEqualTo("urn:chaintrack:problem:uri-too-long");
        assertThat(url.json().get("status").getAsInt()).isEqualTo(414);
        assertThat(url.json().get("detail").getAsString()).contains("request line");
        Clients.Response header = clients.get("/v1/chains", java.util.Map.of("X-Padding", "x".repeat(20_000)));
        assertThat(header.status()).isEqualTo(431);
        assertThat(header.contentType()).startsWith("application/problem+json");
        assertThat(header.json().get("type").getAsString()).isEqualTo("urn:chaintrack:problem:headers-too-large");
        assertThat(header.json().get("status").getAsInt()).isEqualTo(431);
        // within the limits the same requests are served
        assertThat(clients.get("/v1/chains", java.util.Map.of("X-Padding", "x".repeat(4000))).status()).isEqualTo(200);
        assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?cursor=" + "x".repeat(100)).status()).isEqualTo(400);
    }

    @Test
    void theSameMistakeGetsTheSameDetailOnBothTransports() {
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () -> clients.transfers.listAddressTransfers(
                ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(A).setLimit(5000).build()));
        Clients.Response rest = clients.get(TRANSFERS + "?limit=5000");
        assertThat(rest.json().get("detail").getAsString()).isEqualTo(grpc.getStatus().getDescription());
    }

    @Test
    void unknownRoutesAndMethodsAreProblemDocuments() {
        Clients.Response missing = clients.get("/v1/nothing/here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("grpcCode").getAsString()).isEqualTo("NOT_FOUND");
        assertThat(missing.json().get("detail").getAsString()).contains("/v1/nothing/here");

        Clients.Response post = clients.send("POST", "/v1/chains", java.util.Map.of());
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.contentType()).startsWith("application/problem+json");
        assertThat(post.json().get("grpcCode").getAsString()).isEqualTo("UNIMPLEMENTED");
    }
}
