package io.chaintrack.api;

import static io.chaintrack.api.SeedData.A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.chaintrack.connectors.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
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
    static EmbeddedPostgresServer postgres;
    static QueryApi api;
    static Clients clients;
    static String cursorOfA;
    static String cursorOfB;

    static final String TRANSFERS = "/v1/chains/1/addresses/" + A + "/transfers";
    static final String BALANCES = "/v1/chains/1/addresses/" + A + "/balances";
    static final String HISTORY = "/v1/chains/1/addresses/" + A + "/tokens/native/history";
    static final String BIG = "115792089237316195423570985008687907853269984665640564039457584007913129639936"; // 2^256

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        new SeedData().seed(postgres.dataSource());
        api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
        clients = new Clients(api);
        cursorOfA = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(A).setLimit(2).build()).getNextCursor();
        cursorOfB = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(SeedData.B).setLimit(2).build()).getNextCursor();
        assertThat(cursorOfA).isNotEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        clients.close();
        api.close();
        postgres.close();
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
