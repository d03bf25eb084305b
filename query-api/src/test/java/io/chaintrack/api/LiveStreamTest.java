package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.chaintrack.proto.v1.TransferView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live transfers over gRPC server streaming and Server-Sent Events: rows indexed after subscribing arrive
 * on both (also a late row in an older block), a row a reorg removes arrives again marked removed, filters
 * apply, and the per-replica stream limit and slot release hold.
 */
class LiveStreamTest {
    static final String WATCHED = "0x" + "9".repeat(40);
    static final String OTHER = "0x" + "8".repeat(40);
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static QueryApi api;
    static Clients clients;
    static LiveStreams streams;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).properties(Map.of("chaintrack.api.streams.poll-interval", "100ms",
                "chaintrack.api.streams.max-streams", 3, "chaintrack.api.streams.heartbeat", "500ms")).start();
        postgres = fixture.postgres;
        api = fixture.api;
        clients = fixture.clients;
        streams = api.context().getBean(LiveStreams.class);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** Waits (bounded) for a condition the server reaches asynchronously. */
    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(condition::getAsBoolean, 30_000, () -> "waiting for " + what);
    }

    static LiveReaders.Grpc<StreamAddressTransfersResponse> grpcStream(String name, StreamAddressTransfersRequest request) {
        return new LiveReaders.Grpc<>(name, observer -> TransferServiceGrpc.newStub(clients.channel).streamAddressTransfers(request, observer));
    }

    static LiveReaders.Sse<StreamAddressTransfersResponse> sseStream(String pathAndQuery) throws Exception {
        return new LiveReaders.Sse<>("sse " + pathAndQuery, URI.create("http://localhost:" + api.httpPort() + pathAndQuery), "transfer", json -> {
            StreamAddressTransfersResponse.Builder b = StreamAddressTransfersResponse.newBuilder();
            JsonFormat.parser().merge(json, b);
            return b.build();
        });
    }

    static TransferRow row(long block, int log, String from, String to, long amount, boolean canonical) {
        return new TransferRow(1, SeedData.hash(block, canonical ? 'b' : 'a'), block, SeedData.blockTime(block),
                SeedData.hash(block * 1000 + log, '6'), 3, log, "", 0, SeedData.ERC20, "ERC20", from, to,
                BigInteger.valueOf(amount), null, null, canonical);
    }

    @Test
    void rowsInsertedAfterSubscribingArriveOnBothTransportsAndReorgsAreSignalled() throws Exception {
        try (var all = grpcStream("grpc all", StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(WATCHED).build());
             var big = grpcStream("grpc big", StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(WATCHED)
                     .setMinAmount("1000").build());
             var sse = sseStream("/v1/chains/1/addresses/" + WATCHED.toUpperCase().replace("0X", "0x")
                     + "/transfers/stream?direction=incoming")) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            await("three running streams", () -> streams.running() == 3);

            // a 4th stream is over this replica's limit, on both transports
            Clients.Response refused = clients.get("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
            StatusRuntimeException exhausted = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                    () -> clients.transfers.streamAddressTransfers(StreamAddressTransfersRequest.newBuilder().setChainId(1)
                            .setAddress(WATCHED).build()).hasNext());
            assertThat(exhausted.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

            // rows already indexed are not replayed; a new block on top and a late row in an older block both arrive
            TransferRow late = row(39, 901, OTHER, WATCHED, 5, true);
            TransferRow fresh = row(40, 902, OTHER, WATCHED, 5000, true);
            TransferRow unrelated = row(40, 903, OTHER, SeedData.A, 7, true);
            try (Connection c = postgres.dataSource().getConnection()) {
                c.setAutoCommit(false);
                late.insert(c);
                fresh.insert(c);
                unrelated.insert(c);
                c.commit();
            }
            List<TransferView> expected = List.of(late.view(), fresh.view());
            assertThat(all.next(2)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactlyElementsOf(expected);
            assertThat(sse.next(2)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactlyElementsOf(expected);
            assertThat(big.next(1)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactly(fresh.view());

            // the block of the big transfer is reorged away: every stream that sent it says so
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "UPDATE transfers SET canonical = false WHERE log_index = 902");
            }
            StreamAddressTransfersResponse removed = all.next();
            assertThat(removed.getRemoved()).isTrue();
            assertThat(removed.getTransfer()).isEqualTo(fresh.view());
            assertThat(sse.next()).isEqualTo(removed);
            assertThat(big.next()).isEqualTo(removed);

            // idle streams send SSE comments, which clients ignore: a keep-alive read after the last message
            // proves the SSE reader ran through the quiet period
            long keepAlives = sse.count(": keep-alive");
            await("a keep-alive comment", () -> {
                sse.assertAlive();
                return sse.count(": keep-alive") > keepAlives;
            });
            all.assertNothingQueued();
            big.assertNothingQueued();
            sse.assertNothingQueued();
            // gRPC has no heartbeat: a later row that does arrive, and arrives first, proves nothing came before it
            TransferRow after = row(40, 904, OTHER, WATCHED, 6000, true);
            try (Connection c = postgres.dataSource().getConnection()) {
                after.insert(c);
            }
            assertThat(all.next().getTransfer()).isEqualTo(after.view());
            assertThat(big.next().getTransfer()).isEqualTo(after.view());
            assertThat(sse.next().getTransfer()).isEqualTo(after.view());
        }
        // clients that leave free their slots
        await("every stream released", () -> streams.running() == 0);
        Clients.Response again = clients.get("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream?standard=POTATO");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("parameter").getAsString()).isEqualTo("standard");
        await("no slot held by the refused request", () -> streams.running() == 0);
        try (var next = sseStream("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream")) {
            assertThat(next.response.statusCode()).isEqualTo(200);
            await("one running stream", () -> streams.running() == 1);
        }
        await("released again", () -> streams.running() == 0);
    }

    @Test
    void aStreamStartsEmptyOnAChainWithoutBlocks() throws Exception {
        Instant t = Instant.parse("2024-06-01T00:00:00Z");
        try (var collector = grpcStream("grpc empty chain", StreamAddressTransfersRequest.newBuilder()
                .setChainId(SeedData.EMPTY_CHAIN).setAddress(WATCHED).build())) {
            await("a running stream", () -> streams.running() >= 1);
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count,"
                        + " canonical) VALUES (10, '" + SeedData.hash(1, '3') + "', 1, '" + SeedData.hash(0, '3') + "', '" + t + "', 1, true)");
                new TransferRow(10, SeedData.hash(1, '3'), 1, t, SeedData.hash(77, '3'), 0, -1, "", 0, "native", "NATIVE",
                        OTHER, WATCHED, BigInteger.TEN, null, null, true).insert(c);
            }
            StreamAddressTransfersResponse first = collector.next();
            assertThat(first.getTransfer().getChainId()).isEqualTo(10);
            assertThat(first.getTransfer().getAmount()).isEqualTo("10");
            assertThat(first.getRemoved()).isFalse();
        }
    }
}
