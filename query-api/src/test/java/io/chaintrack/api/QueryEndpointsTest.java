package io.chaintrack.api;

import static io.chaintrack.api.SeedData.A;
import static io.chaintrack.api.SeedData.B;
import static io.chaintrack.api.SeedData.C;
import static io.chaintrack.api.SeedData.ERC1155;
import static io.chaintrack.api.SeedData.ERC20;
import static io.chaintrack.api.SeedData.GHOST;
import static io.chaintrack.api.SeedData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.TransferView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint over REST and gRPC against a seeded real PostgreSQL; both transports must agree exactly. */
class QueryEndpointsTest {
    static ApiFixture fixture;
    static Clients clients;
    static final SeedData seed = new SeedData();

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(seed::seed).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void listChainsReportsLatestCanonicalBlockNotTheOrphanTip() {
        ListChainsResponse grpc = clients.chains.listChains(ListChainsRequest.getDefaultInstance());
        Clients.Response rest = clients.get("/v1/chains");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.contentType()).startsWith("application/json");
        assertThat(rest.parse(ListChainsResponse.newBuilder()).build()).isEqualTo(grpc);

        assertThat(grpc.getChainsList()).hasSize(2);
        assertThat(grpc.getChains(0).getChainId()).isEqualTo(1);
        assertThat(grpc.getChains(0).getName()).isEqualTo("devnet");
        assertThat(grpc.getChains(0).getLatestBlock()).isEqualTo(40);
        assertThat(grpc.getChains(0).getLatestBlockHash()).isEqualTo(SeedData.hash(40, 'b'));
        assertThat(Timestamps.toMillis(grpc.getChains(0).getLatestBlockTime())).isEqualTo(SeedData.blockTime(40).toEpochMilli());
        assertThat(grpc.getChains(1).getChainId()).isEqualTo(10);
        assertThat(grpc.getChains(1).hasLatestBlockTime()).isFalse();

        // grpc-gateway rendering: camelCase names, uint64 as strings, unpopulated fields present
        JsonObject first = rest.json().getAsJsonArray("chains").get(0).getAsJsonObject();
        assertThat(first.get("chainId").getAsJsonPrimitive().isString()).isTrue();
        assertThat(first.get("chainId").getAsString()).isEqualTo("1");
        assertThat(first.get("latestBlockTime").getAsString()).isEqualTo("2024-01-01T00:08:00Z");
        JsonObject empty = rest.json().getAsJsonArray("chains").get(1).getAsJsonObject();
        assertThat(empty.get("latestBlock").getAsString()).isEqualTo("0");
        assertThat(empty.get("latestBlockHash").getAsString()).isEmpty();
        assertThat(empty.has("latestBlockTime")).isTrue();
        assertThat(empty.get("latestBlockTime").isJsonNull()).isTrue();
    }

    @Test
    void chainTotalsCombineChainAndTokenTotals() {
        GetChainTotalsResponse grpc = clients.chains.getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(1).build());
        Clients.Response rest = clients.get("/v1/chains/1/totals");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(GetChainTotalsResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getBlocks()).isEqualTo(40);
        assertThat(grpc.getTransfers()).isEqualTo(seed.transfers.stream().filter(TransferRow::canonical).count());
        assertThat(grpc.getFirstBlock()).isEqualTo(1);
        assertThat(grpc.getLastBlock()).isEqualTo(40);
        assertThat(grpc.getTokensList()).extracting(t -> t.getToken())
                .containsExactly(SeedData.ERC20, SeedData.ERC1155, "native");
        assertThat(grpc.getTokens(0).getVolume())
                .isEqualTo("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        assertThat(grpc.getTokens(0).getStandard()).isEqualTo(TokenStandard.TOKEN_STANDARD_ERC20);
        assertThat(rest.json().getAsJsonArray("tokens").get(0).getAsJsonObject().get("standard").getAsString())
                .isEqualTo("TOKEN_STANDARD_ERC20");

        GetChainTotalsResponse none = clients.chains.getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(10).build());
        assertThat(none.getBlocks()).isZero();
        assertThat(none.getTokensList()).isEmpty();
        assertThat(clients.get("/v1/chains/10/totals").parse(GetChainTotalsResponse.newBuilder()).build()).isEqualTo(none);
    }

    @Test
    void balancesShowTokenIdOnlyForErc1155() {
        GetBalancesResponse grpc = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(A.toUpperCase().replace("0X", "0x")).build());
        Clients.Response rest = clients.get("/v1/chains/1/addresses/" + A + "/balances");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(GetBalancesResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getAddress()).isEqualTo(A);
        assertThat(grpc.getBalancesList()).extracting(BalanceView::getToken, BalanceView::getTokenId, BalanceView::getBalance)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ERC20, "", "0"),
                        org.assertj.core.groups.Tuple.tuple(ERC1155, "7", "5"),
                        org.assertj.core.groups.Tuple.tuple(ERC1155, "8", "3"),
                        org.assertj.core.groups.Tuple.tuple(SeedData.ERC721, "", "2"),
                        org.assertj.core.groups.Tuple.tuple("native", "", "123456789012345678901234567890"));
        assertThat(grpc.getBalances(4).getBlockNumber()).isEqualTo(40);

        GetBalancesResponse nobody = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(GHOST).build());
        assertThat(nobody.getBalancesList()).isEmpty();
    }

    @Test
    void balanceHistoryHonoursRangeAndOpeningBalance() {
        GetBalanceHistoryRequest request = GetBalanceHistoryRequest.newBuilder().setChainId(1).setAddress(A).setToken("native")
                .setStartTime(Timestamps.fromMillis(T0.plusSeconds(3600).toEpochMilli()))
                .setEndTime(Timestamps.fromMillis(T0.plusSeconds(6 * 3600).toEpochMilli()))
                .build();
        GetBalanceHistoryResponse grpc = clients.balances.getBalanceHistory(request);
        Clients.Response rest = clients.get("/v1/chains/1/addresses/" + A + "/tokens/native/history"
                + "?start_time=2024-01-01T01:00:00Z&endTime=2024-01-01T06:00:00Z");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(GetBalanceHistoryResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getOpeningBalance()).isEqualTo("100");
        assertThat(grpc.getWindowsList()).extracting(BalanceWindowView::getBalance).containsExactly("150", "120", "200");
        assertThat(grpc.getWindowsList()).extracting(w -> w.getWindowSeconds()).containsOnly(3600);
        assertThat(grpc.getWindows(1).getDelta()).isEqualTo("-30");
        assertThat(grpc.getWindows(1).getVolumeOut()).isEqualTo("30");

        // defaults: whole history, opening 0, default window 3600
        GetBalanceHistoryResponse all = clients.balances.getBalanceHistory(
                GetBalanceHistoryRequest.newBuilder().setChainId(1).setAddress(A).setToken("NATIVE").build());
        assertThat(all.getOpeningBalance()).isEqualTo("0");
        assertThat(all.getWindowsList()).extracting(BalanceWindowView::getBalance).containsExactly("100", "150", "120", "200", "180");
        assertThat(clients.get("/v1/chains/1/addresses/" + A + "/tokens/native/history").parse(GetBalanceHistoryResponse.newBuilder()).build())
                .isEqualTo(all);

        // the daily window size and an ERC-1155 token id
        assertThat(clients.get("/v1/chains/1/addresses/" + A + "/tokens/native/history?window_seconds=86400")
                .parse(GetBalanceHistoryResponse.newBuilder()).build().getWindowsList())
                .extracting(BalanceWindowView::getBalance).containsExactly("180");
        GetBalanceHistoryResponse id7 = clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder()
                .setChainId(1).setAddress(A).setToken(ERC1155).setTokenId("7").build());
        assertThat(id7.getWindowsList()).extracting(BalanceWindowView::getBalance).containsExactly("5");
        assertThat(clients.get("/v1/chains/1/addresses/" + A + "/tokens/" + ERC1155 + "/history?tokenId=7")
                .parse(GetBalanceHistoryResponse.newBuilder()).build()).isEqualTo(id7);
        assertThat(clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder()
                .setChainId(1).setAddress(A).setToken(ERC1155).setTokenId("8").build()).getWindowsList()).isEmpty();
    }

    @Test
    void healthIsServingWithLatestBlocks() {
        CheckResponse grpc = clients.health.check(CheckRequest.getDefaultInstance());
        Clients.Response rest = clients.get("/v1/health");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(CheckResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getStatus()).isEqualTo("SERVING");
        assertThat(grpc.getDatabaseUp()).isTrue();
        assertThat(grpc.getChains(0).getLatestBlock()).isEqualTo(40);
    }

    @Test
    void transfersInEveryDirectionAreCanonicalNewestFirstAndEqualOnBothTransports() {
        for (String direction : List.of("both", "in", "out")) {
            Direction d = switch (direction) {
                case "in" -> Direction.DIRECTION_INCOMING;
                case "out" -> Direction.DIRECTION_OUTGOING;
                default -> Direction.DIRECTION_UNSPECIFIED;
            };
            ListAddressTransfersResponse grpc = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                    .setChainId(1).setAddress(A).setDirection(d).setLimit(1000).build());
            String query = direction.equals("both") ? "" : "&direction=" + d.name();
            Clients.Response rest = clients.get("/v1/chains/1/addresses/" + A + "/transfers?limit=1000" + query);
            assertThat(rest.status()).isEqualTo(200);
            assertThat(rest.parse(ListAddressTransfersResponse.newBuilder()).build()).isEqualTo(grpc);
            List<TransferView> expected = seed.expected(A, direction).stream().map(TransferRow::view).toList();
            assertThat(grpc.getTransfersList()).as(direction).containsExactlyElementsOf(expected);
            assertThat(grpc.getNextCursor()).isEmpty();
        }
        List<TransferView> both = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(A).setLimit(1000).build()).getTransfersList();
        assertThat(both).noneMatch(t -> t.getAmount().contains("999"));
        assertThat(both).allMatch(t -> !t.getBlockHash().startsWith("0xaaaa") || t.getBlockNumber() < 38);
        // each self-transfer (A -> A, every 5th block) appears exactly once
        assertThat(both.stream().filter(t -> t.getFromAddress().equals(A) && t.getToAddress().equals(A)).count()).isEqualTo(8);
        assertThat(both.stream().map(t -> t.getBlockHash() + t.getTxIndex() + "/" + t.getLogIndex() + "/" + t.getTraceAddress() + "/" + t.getBatchIndex())
                .collect(Collectors.toSet())).hasSize(both.size());
        // ERC-1155 batch items and the ERC-721 id are rendered
        assertThat(both).anySatisfy(t -> {
            assertThat(t.getStandard()).isEqualTo(TokenStandard.TOKEN_STANDARD_ERC1155);
            assertThat(t.getBatchIndex()).isEqualTo(1);
            assertThat(t.getTokenId()).isEqualTo("8");
            assertThat(t.getOperator()).isEqualTo(SeedData.OPERATOR);
        });
        JsonObject json = clients.get("/v1/chains/1/addresses/" + A + "/transfers?limit=3").json();
        JsonObject newest = json.getAsJsonArray("transfers").get(0).getAsJsonObject();
        assertThat(newest.get("blockNumber").getAsString()).isEqualTo("40");
        assertThat(newest.get("logIndex").getAsInt()).isEqualTo(100);
        assertThat(newest.get("blockTime").getAsString()).isEqualTo("2024-01-01T00:08:00Z");
        assertThat(newest.get("tokenId").getAsString()).isEmpty();
        JsonObject internal = json.getAsJsonArray("transfers").get(1).getAsJsonObject();
        assertThat(internal.get("logIndex").getAsInt()).isEqualTo(-1);
        assertThat(internal.get("traceAddress").getAsString()).isEqualTo("0.1");
        assertThat(internal.get("standard").getAsString()).isEqualTo("TOKEN_STANDARD_NATIVE");
        assertThat(json.get("nextCursor").getAsString()).isNotEmpty();
    }

    @Test
    void orphanedTransfersAreNeverServed() {
        ListAddressTransfersResponse ghost = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress(GHOST).build());
        assertThat(ghost.getTransfersList()).isEmpty();
        assertThat(seed.transfers.stream().filter(t -> t.touches(GHOST)).count()).isPositive();
        Clients.Response rest = clients.get("/v1/chains/1/addresses/" + GHOST + "/transfers");
        assertThat(rest.json().getAsJsonArray("transfers")).isEmpty();
        assertThat(rest.json().get("nextCursor").getAsString()).isEmpty();
    }

    @Test
    void pagingWalksEveryTransferOnceOnBothTransports() {
        for (String direction : List.of("both", "in", "out")) {
            Direction d = switch (direction) {
                case "in" -> Direction.DIRECTION_INCOMING;
                case "out" -> Direction.DIRECTION_OUTGOING;
                default -> Direction.DIRECTION_UNSPECIFIED;
            };
            List<TransferView> grpcPages = new ArrayList<>();
            List<TransferView> restPages = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            do {
                ListAddressTransfersResponse page = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                        .setChainId(1).setAddress(B).setDirection(d).setLimit(7).setCursor(cursor).build());
                Clients.Response rest = clients.get("/v1/chains/1/addresses/" + B + "/transfers?limit=7&direction="
                        + d.name().substring("DIRECTION_".length()).toLowerCase() + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
                ListAddressTransfersResponse restPage = rest.parse(ListAddressTransfersResponse.newBuilder()).build();
                assertThat(restPage).isEqualTo(page);
                assertThat(page.getTransfersCount()).isLessThanOrEqualTo(7);
                grpcPages.addAll(page.getTransfersList());
                restPages.addAll(restPage.getTransfersList());
                cursor = page.getNextCursor();
                pages++;
            } while (!cursor.isEmpty());
            List<TransferView> expected = seed.expected(B, direction).stream().map(TransferRow::view).toList();
            assertThat(grpcPages).as(direction).containsExactlyElementsOf(expected);
            assertThat(restPages).containsExactlyElementsOf(expected);
            // fetching limit+1 rows tells a full last page apart: no empty trailing page
            assertThat(pages).isEqualTo((expected.size() + 6) / 7);
            assertThat(expected.size()).isGreaterThan(14);
        }
    }

    @Test
    void addressesAreCaseInsensitiveAndRenderedLowercase() {
        ListAddressTransfersResponse upper = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress("0x" + C.substring(2).toUpperCase()).setLimit(3).build());
        assertThat(upper.getTransfersList()).hasSize(3).allMatch(t -> t.getFromAddress().equals(C) || t.getToAddress().equals(C));
    }
}
