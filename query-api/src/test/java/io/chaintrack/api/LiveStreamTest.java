package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.connectors.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.chaintrack.proto.v1.TransferView;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
    static EmbeddedPostgresServer postgres;
    static QueryApi api;
    static Clients clients;
    static LiveStreams streams;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        new SeedData().seed(postgres.dataSource());
        api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0,
                Map.of("chaintrack.api.streams.poll-interval", "100ms", "chaintrack.api.streams.max-streams", 3,
                        "chaintrack.api.streams.heartbeat", "500ms"));
        clients = new Clients(api);
        streams = api.context().getBean(LiveStreams.class);
    }

    @AfterAll
    static void stop() throws Exception {
        clients.close();
        api.close();
        postgres.close();
    }

    /** Waits (bounded) for a condition the server reaches asynchronously. */
    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(condition::getAsBoolean, 30_000, () -> "waiting for " + what);
    }

    static final class GrpcCollector implements StreamObserver<StreamAddressTransfersResponse> {
        final BlockingQueue<StreamAddressTransfersResponse> messages = new LinkedBlockingQueue<>();
        volatile Throwable error;

        @Override
        public void onNext(StreamAddressTransfersResponse value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {}
    }

    /** An SSE client on a real HTTP connection: "transfer" events parsed, other lines kept for inspection. */
    static final class SseCollector implements AutoCloseable {
        final BlockingQueue<StreamAddressTransfersResponse> messages = new LinkedBlockingQueue<>();
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        final HttpResponse<Stream<String>> response;
        private final Thread reader;

        SseCollector(String pathAndQuery) throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort() + pathAndQuery))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
            reader = new Thread(() -> {
                String event = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        lines.add(line);
                        if (line.startsWith("event:")) {
                            event = line.substring(6).strip();
                        } else if (line.startsWith("data:") && "transfer".equals(event)) {
                            StreamAddressTransfersResponse.Builder b = StreamAddressTransfersResponse.newBuilder();
                            JsonFormat.parser().merge(line.substring(5).strip(), b);
                            messages.add(b.build());
                        } else if (line.isEmpty()) {
                            event = null;
                        }
                    }
                } catch (Exception e) {
                    // the connection was closed by close()
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    static TransferRow row(long block, int log, String from, String to, long amount, boolean canonical) {
        return new TransferRow(1, SeedData.hash(block, canonical ? 'b' : 'a'), block, SeedData.blockTime(block),
                SeedData.hash(block * 1000 + log, '6'), 3, log, "", 0, SeedData.ERC20, "ERC20", from, to,
                BigInteger.valueOf(amount), null, null, canonical);
    }

    static List<StreamAddressTransfersResponse> take(BlockingQueue<StreamAddressTransfersResponse> queue, int n) throws InterruptedException {
        List<StreamAddressTransfersResponse> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StreamAddressTransfersResponse m = queue.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("message " + (i + 1) + " of " + n).isNotNull();
            out.add(m);
        }
        return out;
    }

    @Test
    void rowsInsertedAfterSubscribingArriveOnBothTransportsAndReorgsAreSignalled() throws Exception {
        TransferServiceGrpc.TransferServiceStub async = TransferServiceGrpc.newStub(clients.channel);
        GrpcCollector all = new GrpcCollector();
        GrpcCollector big = new GrpcCollector();
        Context.CancellableContext grpcScope = Context.current().withCancellation();
        grpcScope.run(() -> {
            async.streamAddressTransfers(StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(WATCHED).build(), all);
            async.streamAddressTransfers(StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(WATCHED)
                    .setMinAmount("1000").build(), big);
        });
        try (SseCollector sse = new SseCollector("/v1/chains/1/addresses/" + WATCHED.toUpperCase().replace("0X", "0x")
                + "/transfers/stream?direction=incoming")) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            await("three running streams", () -> streams.running() == 3);

            // a 4th stream is over this replica's limit, on both transports
            Clients.Response refused = clients.get("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
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
            assertThat(take(all.messages, 2)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactlyElementsOf(expected);
            assertThat(take(sse.messages, 2)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactlyElementsOf(expected);
            assertThat(take(big.messages, 1)).extracting(StreamAddressTransfersResponse::getTransfer).containsExactly(fresh.view());

            // the block of the big transfer is reorged away: every stream that sent it says so
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "UPDATE transfers SET canonical = false WHERE log_index = 902");
            }
            StreamAddressTransfersResponse removed = take(all.messages, 1).get(0);
            assertThat(removed.getRemoved()).isTrue();
            assertThat(removed.getTransfer()).isEqualTo(fresh.view());
            assertThat(take(sse.messages, 1).get(0)).isEqualTo(removed);
            assertThat(take(big.messages, 1).get(0)).isEqualTo(removed);

            // idle streams send SSE comments, which clients ignore
            await("a keep-alive comment", () -> sse.lines.contains(": keep-alive"));
            assertThat(all.messages).isEmpty();
            assertThat(all.error).isNull();
            assertThat(sse.messages).isEmpty();
        } finally {
            grpcScope.cancel(null);
        }
        // clients that leave free their slots
        await("every stream released", () -> streams.running() == 0);
        Clients.Response again = clients.get("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream?standard=POTATO");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("parameter").getAsString()).isEqualTo("standard");
        await("no slot held by the refused request", () -> streams.running() == 0);
        try (SseCollector next = new SseCollector("/v1/chains/1/addresses/" + WATCHED + "/transfers/stream")) {
            assertThat(next.response.statusCode()).isEqualTo(200);
            await("one running stream", () -> streams.running() == 1);
        }
        await("released again", () -> streams.running() == 0);
    }

    @Test
    void aStreamStartsEmptyOnAChainWithoutBlocks() throws Exception {
        Instant t = Instant.parse("2024-06-01T00:00:00Z");
        GrpcCollector collector = new GrpcCollector();
        Context.CancellableContext scope = Context.current().withCancellation();
        try {
            scope.run(() -> TransferServiceGrpc.newStub(clients.channel).streamAddressTransfers(StreamAddressTransfersRequest.newBuilder()
                    .setChainId(SeedData.EMPTY_CHAIN).setAddress(WATCHED).build(), collector));
            await("a running stream", () -> streams.running() >= 1);
            try (Connection c = postgres.dataSource().getConnection()) {
                SeedData.execute(c, "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count,"
                        + " canonical) VALUES (10, '" + SeedData.hash(1, '3') + "', 1, '" + SeedData.hash(0, '3') + "', '" + t + "', 1, true)");
                new TransferRow(10, SeedData.hash(1, '3'), 1, t, SeedData.hash(77, '3'), 0, -1, "", 0, "native", "NATIVE",
                        OTHER, WATCHED, BigInteger.TEN, null, null, true).insert(c);
            }
            StreamAddressTransfersResponse first = take(collector.messages, 1).get(0);
            assertThat(first.getTransfer().getChainId()).isEqualTo(10);
            assertThat(first.getTransfer().getAmount()).isEqualTo("10");
            assertThat(first.getRemoved()).isFalse();
        } finally {
            scope.cancel(null);
        }
    }
}
