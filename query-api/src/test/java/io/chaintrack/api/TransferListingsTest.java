package io.chaintrack.api;

import static io.chaintrack.api.SeedData.A;
import static io.chaintrack.api.SeedData.ERC1155;
import static io.chaintrack.api.SeedData.ERC20;
import static io.chaintrack.api.SeedData.ERC721;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTokenTransfersResponse;
import io.chaintrack.proto.v1.ListTransactionTransfersRequest;
import io.chaintrack.proto.v1.ListTransactionTransfersResponse;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersResponse;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.TransferView;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token, transaction and range listings and the address listing's filters: each walked page by page
 * over both transports must equal the seeded canonical rows that match, newest first, each exactly once;
 * a cursor only works with the query it came from.
 */
class TransferListingsTest {
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

    static List<TransferView> expected(Predicate<TransferRow> filter) {
        return seed.transfers.stream().filter(TransferRow::canonical).filter(filter).sorted(TransferRow.NEWEST_FIRST)
                .map(TransferRow::view).toList();
    }

    /** A page as both transports return it: the REST answer parsed must equal the gRPC answer. */
    record Page(List<TransferView> transfers, String nextCursor) {}

    /**
     * Walks a listing over REST (path + query, cursor appended) and gRPC (request for a cursor) side by side,
     * asserting each page is identical on both; returns the rows in order.
     */
    static <R extends Message> List<TransferView> walk(String restPath, Function<String, Page> grpc,
                                                       Function<Clients.Response, Page> parse, int limit) {
        List<TransferView> out = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            Page g = grpc.apply(cursor);
            Clients.Response rest = clients.get(restPath + (restPath.contains("?") ? "&" : "?") + "limit=" + limit
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(rest.status()).as(rest.body()).isEqualTo(200);
            assertThat(parse.apply(rest)).isEqualTo(g);
            assertThat(g.transfers().size()).isLessThanOrEqualTo(limit);
            out.addAll(g.transfers());
            cursor = g.nextCursor();
            assertThat(++pages).isLessThan(1000);
        } while (!cursor.isEmpty());
        assertThat(pages).isEqualTo(Math.max(1, (out.size() + limit - 1) / limit));
        return out;
    }

    static List<TransferView> walkToken(String token, String query, ListTokenTransfersRequest base, int limit) {
        return walk("/v1/chains/1/tokens/" + token + "/transfers" + query, cursor -> {
            ListTokenTransfersResponse r = clients.transfers.listTokenTransfers(base.toBuilder().setChainId(1).setToken(token)
                    .setLimit(limit).setCursor(cursor).build());
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, rest -> {
            ListTokenTransfersResponse r = rest.parse(ListTokenTransfersResponse.newBuilder()).build();
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, limit);
    }

    static List<TransferView> walkRange(String query, ListTransfersRequest base, int limit) {
        return walk("/v1/chains/1/transfers" + query, cursor -> {
            ListTransfersResponse r = clients.transfers.listTransfers(base.toBuilder().setChainId(1).setLimit(limit).setCursor(cursor).build());
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, rest -> {
            ListTransfersResponse r = rest.parse(ListTransfersResponse.newBuilder()).build();
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, limit);
    }

    static List<TransferView> walkAddress(String query, ListAddressTransfersRequest base, int limit) {
        return walk("/v1/chains/1/addresses/" + A + "/transfers" + query, cursor -> {
            ListAddressTransfersResponse r = clients.transfers.listAddressTransfers(base.toBuilder().setChainId(1).setAddress(A)
                    .setLimit(limit).setCursor(cursor).build());
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, rest -> {
            ListAddressTransfersResponse r = rest.parse(ListAddressTransfersResponse.newBuilder()).build();
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, limit);
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }

    @Test
    void tokenListingsHoldEveryCanonicalTransferOfTheToken() {
        ListTokenTransfersRequest none = ListTokenTransfersRequest.getDefaultInstance();
        for (String token : List.of(ERC20, ERC1155, ERC721, "native")) {
            List<TransferView> expected = expected(t -> t.token().equals(token));
            assertThat(expected).isNotEmpty();
            assertThat(walkToken(token, "", none, 7)).as(token).containsExactlyElementsOf(expected);
        }
        // the orphaned GHOST transfers of the ERC-20 are not there, the token is case-insensitive
        assertThat(walkToken(ERC20.toUpperCase().replace("0X", "0x"), "", none, 1000))
                .noneMatch(t -> t.getFromAddress().equals(SeedData.GHOST));
        assertThat(walkToken("NATIVE", "", none, 1000)).hasSize(expected(t -> t.token().equals("native")).size());
    }

    @Test
    void minimumAmountAndStandardFilterTokenAndAddressListings() {
        List<TransferView> big = walkToken(ERC20, "?min_amount=20000",
                ListTokenTransfersRequest.newBuilder().setMinAmount("20000").build(), 4);
        assertThat(big).containsExactlyElementsOf(expected(t -> t.token().equals(ERC20) && t.amount().compareTo(BigInteger.valueOf(20000)) >= 0));
        assertThat(big).hasSize(21); // blocks 20..40 move n*1000
        // an amount beyond 64 bits, in hex as well
        assertThat(walkToken("native", "?minAmount=0xde0b6b3a7640000",
                ListTokenTransfersRequest.newBuilder().setMinAmount("1000000000000000000").build(), 10))
                .containsExactlyElementsOf(expected(t -> t.token().equals("native") && t.amount().compareTo(BigInteger.TEN.pow(18)) >= 0));

        List<TransferView> erc20OfA = walkAddress("?standard=ERC20",
                ListAddressTransfersRequest.newBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC20).build(), 5);
        assertThat(erc20OfA).containsExactlyElementsOf(expected(t -> t.touches(A) && t.standard().equals("ERC20")));
        List<TransferView> bigIncoming = walkAddress("?direction=incoming&standard=TOKEN_STANDARD_NATIVE&min_amount=1000000000000000030",
                ListAddressTransfersRequest.newBuilder().setDirection(Direction.DIRECTION_INCOMING)
                        .setStandard(TokenStandard.TOKEN_STANDARD_NATIVE).setMinAmount("1000000000000000030").build(), 3);
        assertThat(bigIncoming).containsExactlyElementsOf(expected(t -> t.to().equals(A) && t.standard().equals("NATIVE")
                && t.amount().compareTo(new BigInteger("1000000000000000030")) >= 0));
        assertThat(bigIncoming).hasSize(11); // blocks 30..40
        // filters combine with both directions: self-transfers once
        List<TransferView> selfErc20 = walkAddress("?standard=erc20&min_amount=5",
                ListAddressTransfersRequest.newBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC20).setMinAmount("5").build(), 1000);
        assertThat(selfErc20.stream().filter(t -> t.getFromAddress().equals(A) && t.getToAddress().equals(A)).count()).isEqualTo(8);
    }

    @Test
    void transactionListingHoldsItsCanonicalTransfersOnly() {
        String tx = SeedData.hash(3501, 'c'); // block 35, tx 1: native, internal, ERC-20 self, ERC-1155 batch of 2
        List<TransferView> expected = expected(t -> t.txHash().equals(tx));
        assertThat(expected).hasSize(5);
        List<TransferView> walked = walk("/v1/chains/1/transactions/" + tx.toUpperCase().replace("0X", "0x") + "/transfers", cursor -> {
            ListTransactionTransfersResponse r = clients.transfers.listTransactionTransfers(ListTransactionTransfersRequest.newBuilder()
                    .setChainId(1).setTxHash(tx).setLimit(2).setCursor(cursor).build());
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, rest -> {
            ListTransactionTransfersResponse r = rest.parse(ListTransactionTransfersResponse.newBuilder()).build();
            return new Page(r.getTransfersList(), r.getNextCursor());
        }, 2);
        assertThat(walked).containsExactlyElementsOf(expected);
        // the transactions of blocks a reorg removed are gone (their hashes use the 'c' variant at 38..40)
        String orphaned = SeedData.hash(3901, 'c');
        assertThat(seed.transfers.stream().filter(t -> t.txHash().equals(orphaned)).count()).isPositive();
        assertThat(clients.transfers.listTransactionTransfers(ListTransactionTransfersRequest.newBuilder().setChainId(1)
                .setTxHash(orphaned).build()).getTransfersList()).isEmpty();
        assertThat(clients.get("/v1/chains/1/transactions/" + orphaned + "/transfers").json().getAsJsonArray("transfers")).isEmpty();
    }

    @Test
    void rangeListingsByBlockAndByTime() {
        List<TransferView> blocks10to20 = expected(t -> t.blockNumber() >= 10 && t.blockNumber() <= 20);
        assertThat(walkRange("?from_block=10&to_block=20",
                ListTransfersRequest.newBuilder().setFromBlock(10).setToBlock(20).build(), 9)).containsExactlyElementsOf(blocks10to20);
        // the same blocks by time: [time of block 10, time of block 21)
        Instant start = SeedData.blockTime(10);
        Instant end = SeedData.blockTime(21);
        assertThat(walkRange("?start_time=" + start + "&endTime=" + end,
                ListTransfersRequest.newBuilder().setStartTime(ts(start)).setEndTime(ts(end)).build(), 9))
                .containsExactlyElementsOf(blocks10to20);
        // a time between blocks: block 10 is at +120 s; from +121 s the first block is 11
        assertThat(walkRange("?start_time=" + start.plusSeconds(1) + "&end_time=" + end,
                ListTransfersRequest.newBuilder().setStartTime(ts(start.plusSeconds(1))).setEndTime(ts(end)).build(), 50))
                .containsExactlyElementsOf(expected(t -> t.blockNumber() >= 11 && t.blockNumber() <= 20));
        // block and time bounds intersect
        assertThat(walkRange("?start_time=" + start + "&end_time=" + end + "&from_block=15",
                ListTransfersRequest.newBuilder().setStartTime(ts(start)).setEndTime(ts(end)).setFromBlock(15).build(), 6))
                .containsExactlyElementsOf(expected(t -> t.blockNumber() >= 15 && t.blockNumber() <= 20));
        // open ranges, the reorged tip, block 0 and a range past the tip
        assertThat(walkRange("?fromBlock=37", ListTransfersRequest.newBuilder().setFromBlock(37).build(), 10))
                .containsExactlyElementsOf(expected(t -> t.blockNumber() >= 37));
        assertThat(walkRange("", ListTransfersRequest.getDefaultInstance(), 1000)).containsExactlyElementsOf(expected(t -> true));
        assertThat(walkRange("?to_block=0", ListTransfersRequest.newBuilder().setToBlock(0).build(), 10)).isEmpty();
        assertThat(walkRange("?from_block=41", ListTransfersRequest.newBuilder().setFromBlock(41).build(), 10)).isEmpty();
        assertThat(walkRange("?start_time=2030-01-01T00:00:00Z",
                ListTransfersRequest.newBuilder().setStartTime(ts(Instant.parse("2030-01-01T00:00:00Z"))).build(), 10)).isEmpty();
        assertThat(walkRange("?end_time=2023-01-01T00:00:00Z",
                ListTransfersRequest.newBuilder().setEndTime(ts(Instant.parse("2023-01-01T00:00:00Z"))).build(), 10)).isEmpty();
    }

    @Test
    void aCursorOnlyWorksWithTheQueryItCameFrom() {
        String erc20Cursor = clients.get("/v1/chains/1/addresses/" + A + "/transfers?limit=2&standard=ERC20").json()
                .get("nextCursor").getAsString();
        String tokenCursor = clients.get("/v1/chains/1/tokens/native/transfers?limit=2").json().get("nextCursor").getAsString();
        String rangeCursor = clients.get("/v1/chains/1/transfers?limit=2&from_block=5").json().get("nextCursor").getAsString();
        String txCursor = clients.get("/v1/chains/1/transactions/" + SeedData.hash(3501, 'c') + "/transfers?limit=2").json()
                .get("nextCursor").getAsString();
        assertThat(List.of(erc20Cursor, tokenCursor, rangeCursor, txCursor)).allMatch(c -> !c.isEmpty());

        // same query, another limit: fine
        assertThat(clients.get("/v1/chains/1/addresses/" + A + "/transfers?limit=5&standard=ERC20&cursor=" + erc20Cursor).status()).isEqualTo(200);
        assertThat(clients.get("/v1/chains/1/tokens/native/transfers?limit=9&cursor=" + tokenCursor).status()).isEqualTo(200);
        List<String> foreign = List.of(
                "/v1/chains/1/addresses/" + A + "/transfers?standard=NATIVE&cursor=" + erc20Cursor,
                "/v1/chains/1/addresses/" + A + "/transfers?standard=ERC20&min_amount=1&cursor=" + erc20Cursor,
                "/v1/chains/1/addresses/" + A + "/transfers?cursor=" + erc20Cursor,
                "/v1/chains/1/addresses/" + A + "/transfers?cursor=" + tokenCursor,
                "/v1/chains/1/tokens/" + ERC20 + "/transfers?cursor=" + tokenCursor,
                "/v1/chains/1/tokens/native/transfers?min_amount=1&cursor=" + tokenCursor,
                "/v1/chains/1/tokens/native/transfers?cursor=" + rangeCursor,
                "/v1/chains/1/transfers?from_block=6&cursor=" + rangeCursor,
                "/v1/chains/1/transfers?cursor=" + rangeCursor,
                "/v1/chains/1/transfers?from_block=5&to_block=40&cursor=" + rangeCursor,
                "/v1/chains/1/transfers?cursor=" + txCursor,
                "/v1/chains/1/transactions/" + SeedData.hash(3601, 'c') + "/transfers?cursor=" + txCursor);
        for (String path : foreign) {
            Clients.Response response = clients.get(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.json().get("parameter").getAsString()).isEqualTo("cursor");
            assertThat(response.json().get("detail").getAsString()).contains("different query");
        }
    }
}
