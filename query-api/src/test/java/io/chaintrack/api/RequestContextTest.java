package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Request ids on both transports, JSON access/error logs carrying them, and request deadlines. */
class RequestContextTest {
    static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static Clients clients;
    static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    static OutputStreamAppender<ILoggingEvent> appender;

    @BeforeAll
    static void start() throws Exception {
        // every request's line, so that successful ones can be checked for their request id
        fixture = ApiFixture.builder().seed(new SeedData()::seed).seedConnection(c -> SeedData.execute(c, "CREATE DATABASE bare"))
                .property("chaintrack.api.access-log", "all").start();
        postgres = fixture.postgres;
        clients = fixture.clients;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(logs);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        context.getLogger("io.chaintrack.api.access").addAppender(appender);
    }

    @AfterAll
    static void stop() throws Exception {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.chaintrack.api.access").detachAppender(appender);
        fixture.close();
    }

    static List<JsonObject> jsonLogLines() {
        synchronized (logs) {
            return Arrays.stream(logs.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> l.startsWith("{"))
                    .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        }
    }

    @Test
    void restHonoursEchoesAndLogsTheRequestId() {
        Clients.Response given = clients.get("/v1/chains/1/totals", Map.of("X-Request-Id", "trace-abc.123"));
        assertThat(given.headers().firstValue("X-Request-Id")).contains("trace-abc.123");
        Clients.Response missing = clients.get("/v1/nope", Map.of("X-Request-Id", "trace-404"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers().firstValue("X-Request-Id")).contains("trace-404");
        Clients.Response generated = clients.get("/v1/chains");
        assertThat(generated.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
        Clients.Response unsafe = clients.get("/v1/chains", Map.of("X-Request-Id", "x".repeat(200)));
        assertThat(unsafe.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");

        JsonObject line = jsonLogLines().stream()
                .filter(l -> l.has("requestId") && l.get("requestId").getAsString().equals("trace-abc.123"))
                .filter(l -> l.get("logger_name").getAsString().equals("io.chaintrack.api.access"))
                .findFirst().orElseThrow(() -> new AssertionError("no access log line for trace-abc.123: " + logs));
        assertThat(line.get("route").getAsString()).isEqualTo("/v1/chains/{chain_id}/totals");
        assertThat(line.get("path").getAsString()).isEqualTo("/v1/chains/1/totals");
        assertThat(line.get("status").getAsInt()).isEqualTo(200);
        assertThat(line.get("transport").getAsString()).isEqualTo("http");
        assertThat(line.has("durationMs")).isTrue();
    }

    @Test
    void grpcHonoursEchoesAndLogsTheRequestId() {
        Metadata sent = new Metadata();
        sent.put(REQUEST_ID, "grpc-req-7");
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        ChainServiceGrpc.ChainServiceBlockingStub stub = clients.chains.withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(sent), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        stub.listChains(ListChainsRequest.getDefaultInstance());
        assertThat(headers.get().get(REQUEST_ID)).isEqualTo("grpc-req-7");

        JsonObject line = jsonLogLines().stream()
                .filter(l -> l.has("requestId") && l.get("requestId").getAsString().equals("grpc-req-7"))
                .findFirst().orElseThrow(() -> new AssertionError("no log line for grpc-req-7"));
        assertThat(line.get("route").getAsString()).isEqualTo("chaintrack.v1.ChainService/ListChains");
        assertThat(line.get("status").getAsString()).isEqualTo("OK");
        assertThat(line.get("transport").getAsString()).isEqualTo("grpc");
    }

    @Test
    void errorsLoggedWhileServingCarryTheRequestId() {
        String bare = postgres.jdbcUrl().replace("/postgres", "/bare");
        try (QueryApi broken = QueryApi.start(bare, postgres.user(), postgres.password(), 0, 0,
                Map.of("chaintrack.api.validate-schema", false));
             Clients brokenClients = new Clients(broken)) {
            Clients.Response response = brokenClients.get("/v1/chains", Map.of("X-Request-Id", "boom-1"));
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.headers().firstValue("X-Request-Id")).contains("boom-1");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        JsonObject error = jsonLogLines().stream()
                .filter(l -> l.get("level").getAsString().equals("ERROR"))
                .filter(l -> l.has("requestId") && l.get("requestId").getAsString().equals("boom-1"))
                .findFirst().orElseThrow(() -> new AssertionError("the error log line lacks the request id: " + logs));
        assertThat(error.get("stack_trace").getAsString()).contains("relation \"chains\" does not exist");
    }

    @Test
    void deadlinesBoundRequestsOnBothTransports() throws Exception {
        Clients.Response bad = clients.get("/v1/chains", Map.of("Grpc-Timeout", "soon"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").getAsString()).isEqualTo("Grpc-Timeout");

        Clients.Response expired = clients.get("/v1/chains/1/totals", Map.of("Grpc-Timeout", "1n"));
        assertThat(expired.status()).isEqualTo(504);
        assertThat(expired.json().get("grpcCode").getAsString()).isEqualTo("DEADLINE_EXCEEDED");

        // a statement stuck behind a lock is cancelled at the request timeout, not left hanging
        try (QueryApi strict = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0,
                Map.of("chaintrack.api.request-timeout", "1s"));
             Clients strictClients = new Clients(strict);
             Connection locker = postgres.dataSource().getConnection()) {
            // remember chain 1 first so only the balances statement meets the lock
            assertThat(strictClients.get("/v1/chains/1/addresses/" + SeedData.A + "/balances").status()).isEqualTo(200);
            locker.setAutoCommit(false);
            SeedData.execute(locker, "LOCK TABLE current_balances IN ACCESS EXCLUSIVE MODE");
            try {
                Clients.Response rest = strictClients.get("/v1/chains/1/addresses/" + SeedData.A + "/balances");
                assertThat(rest.status()).isEqualTo(504);
                assertThat(rest.json().get("grpcCode").getAsString()).isEqualTo("DEADLINE_EXCEEDED");
                StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () -> strictClients.balances
                        .getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build()));
                assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(grpc.getStatus().getDescription()).contains("timeout");
            } finally {
                locker.rollback();
            }
            assertThat(strictClients.get("/v1/chains/1/addresses/" + SeedData.A + "/balances").status()).isEqualTo(200);
        }
    }
}
