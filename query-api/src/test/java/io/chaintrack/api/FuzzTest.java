package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.chaintrack.api.docs.OpenApiDocument;
import io.chaintrack.proto.v1.QueryProto;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed values in every parameter of every route (taken from the protos, so a new parameter is fuzzed
 * without touching this test), sent as raw HTTP so even broken percent-encoding reaches the server, and
 * random field values on every gRPC method: no answer may be a 5xx / INTERNAL / UNKNOWN.
 */
class FuzzTest {
    static final String GOOD_ADDRESS = SeedData.A;
    static final String GOOD_TX = SeedData.hash(4000, 'f');
    static final List<String> NASTY = List.of(
            "", " ", "0", "-0", "-1", "+1", "1.5", "1e9", "0x", "0x0", "0xg", "NaN", "Infinity", "null", "true", "false",
            "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
            "18446744073709551615", "18446744073709551616", "99999999999999999999999999999999999999999999999999999999999999999999999999999999",
            "0x" + "f".repeat(64), "0x" + "f".repeat(65), "0X" + "A".repeat(40), "0x" + "a".repeat(39), "0x" + "a".repeat(41),
            "native", "NATIVE", "DIRECTION_INCOMING", "direction_outgoing", "7", "UNRECOGNIZED",
            "2024-02-30T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T25:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z", "2024-01-01T00:00:00+25:00", "1704067200", "-62135596801",
            "'; DROP TABLE transfers; --", "\" OR 1=1 --", "../../../../etc/passwd", "{}", "[]", "a.b", "a.b.c", "...",
            "ü日本語", "\u0000", "\u202e", "%", "x".repeat(5000), "..%2F..%2F", "\r\nX-Injected: 1");
    static final List<String> RAW = List.of("%zz", "%", "%f", "%ff%fe", "%00", "%C0%AE", "%2F", "a%20b", "%u0041", "%%", "+", "%2B1");

    static ApiFixture fixture;
    static QueryApi api;
    static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).start();
        api = fixture.api;
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    record Answer(int status, String head, String body) {}

    /** One raw HTTP/1.1 request: the target goes on the wire byte for byte, unvalidated by any client library. */
    static Answer raw(String target, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket("localhost", api.httpPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            // read the head first: a live stream (text/event-stream) never ends, so its body is not awaited
            int b;
            while ((b = in.read()) >= 0) {
                bytes.write(b);
                int n = bytes.size();
                byte[] tail = n >= 4 ? java.util.Arrays.copyOfRange(bytes.toByteArray(), n - 4, n) : new byte[0];
                if (n >= 4 && tail[0] == '\r' && tail[1] == '\n' && tail[2] == '\r' && tail[3] == '\n') {
                    break;
                }
            }
            if (!bytes.toString(StandardCharsets.UTF_8).toLowerCase().contains("content-type: text/event-stream")) {
                in.transferTo(bytes);
            }
            String text = bytes.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(head);
            assertThat(status.find()).as("no status line for " + clip(target) + ": " + head).isTrue();
            return new Answer(Integer.parseInt(status.group(1)), head, split < 0 ? "" : text.substring(split + 4));
        }
    }

    static void assertNoServerError(String target, Answer answer) {
        assertThat(answer.status()).as(clip(target) + "\n" + answer.head() + "\n" + answer.body()).isLessThan(500);
        if (answer.status() >= 400 && !answer.head().toLowerCase().contains("content-length: 0")) {
            assertThat(answer.head().toLowerCase()).as(clip(target)).contains("content-type: application/problem+json");
            assertThat(answer.body()).as(clip(target)).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...(" + text.length() + " chars)";
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> values(Random random) {
        List<String> values = new ArrayList<>();
        NASTY.forEach(v -> values.add(encode(v)));
        values.addAll(RAW);
        for (int i = 0; i < 25; i++) {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            StringBuilder encoded = new StringBuilder();
            for (byte b : junk) {
                encoded.append('%').append(String.format("%02X", b));
            }
            values.add(encoded.toString());
        }
        return values;
    }

    @Test
    void everyParameterOfEveryRouteSurvivesMalformedValues() throws IOException {
        Random random = new Random(20240101);
        List<String> values = values(random);
        int requests = 0;
        for (OpenApiDocument.Route route : OpenApiDocument.routes(QueryProto.getDescriptor().getServices())) {
            Map<String, String> valid = Map.of("chain_id", "1", "address", GOOD_ADDRESS, "token", "native", "tx_hash", GOOD_TX,
                    "wallet_id", "w_00000000000000000000");
            Set<String> pathFields = new java.util.LinkedHashSet<>();
            Matcher variables = Pattern.compile("\\{([a-z_]+)}").matcher(route.template());
            while (variables.find()) {
                pathFields.add(variables.group(1));
            }
            for (FieldDescriptor field : route.rpc().getInputType().getFields()) {
                for (String value : values) {
                    String path = route.template();
                    for (String name : pathFields) {
                        path = path.replace("{" + name + "}", name.equals(field.getName()) ? value : valid.get(name));
                    }
                    String target = pathFields.contains(field.getName()) ? path
                            : path + "?" + (random.nextBoolean() ? field.getName() : field.getJsonName()) + "=" + value;
                    assertNoServerError(target, raw(target, Map.of()));
                    requests++;
                }
            }
            // unknown and oddly shaped parameter names
            for (String name : List.of("%00", "a%5Bb%5D", "", "=", "%zz", "limit.x", encode("x".repeat(3000)), "cursor&cursor", "direction=1&direction")) {
                String target = route.template().replace("{chain_id}", "1").replace("{address}", GOOD_ADDRESS).replace("{token}", "native")
                        .replace("{tx_hash}", GOOD_TX) + "?" + name + "=1";
                assertNoServerError(target, raw(target, Map.of()));
                requests++;
            }
        }
        // odd headers on a real route
        for (String value : List.of("", "x", "1", "9999999999H", "-1S", "1.5S", "%zz", "x".repeat(4000))) {
            for (String header : List.of("Grpc-Timeout", "X-Request-Id", "x-api-key", "Accept")) {
                assertNoServerError(header + ": " + value, raw("/v1/chains/1/totals", Map.of(header, value)));
                requests++;
            }
        }
        assertThat(requests).isGreaterThan(1000);
    }

    @Test
    void everyGrpcMethodSurvivesRandomRequests() {
        Random random = new Random(7);
        int calls = 0;
        int expected = 0;
        for (var service : QueryProto.getDescriptor().getServices()) {
            for (MethodDescriptor method : service.getMethods()) {
                boolean streaming = method.isServerStreaming();
                int rounds = streaming ? 40 : 150;
                expected += rounds;
                io.grpc.MethodDescriptor<Message, Message> grpcMethod = io.grpc.MethodDescriptor.<Message, Message>newBuilder()
                        .setType(streaming ? MethodType.SERVER_STREAMING : MethodType.UNARY)
                        .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), method.getName()))
                        .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                        .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
                        .build();
                for (int i = 0; i < rounds; i++) {
                    DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
                    for (FieldDescriptor field : method.getInputType().getFields()) {
                        if (random.nextInt(4) == 0) {
                            continue;
                        }
                        Object value = randomValue(field, random);
                        if (value != null) {
                            Object second = field.isRepeated() ? randomValue(field, random) : null;
                            request.setField(field, !field.isRepeated() ? value : second == null ? List.of(value) : List.of(value, second));
                        }
                    }
                    try {
                        if (streaming) {
                            // a valid stream runs until its deadline; only the way it ends matters here
                            var messages = ClientCalls.blockingServerStreamingCall(clients.channel, grpcMethod,
                                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(300, java.util.concurrent.TimeUnit.MILLISECONDS),
                                    request.build());
                            while (messages.hasNext()) {
                                messages.next();
                            }
                        } else {
                            ClientCalls.blockingUnaryCall(clients.channel, grpcMethod, io.grpc.CallOptions.DEFAULT, request.build());
                        }
                    } catch (StatusRuntimeException e) {
                        assertThat(e.getStatus().getCode()).as(method.getFullName() + " " + request.build())
                                .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.UNAVAILABLE, Status.Code.UNIMPLEMENTED);
                    }
                    calls++;
                }
            }
        }
        assertThat(calls).isEqualTo(expected).isGreaterThan(150 * 12);
    }

    static Object randomValue(FieldDescriptor field, Random random) {
        return switch (field.getJavaType()) {
            case INT -> switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> Integer.MAX_VALUE;
                case 3 -> Integer.MIN_VALUE;
                default -> random.nextInt(2000) - 500;
            };
            case LONG -> switch (random.nextInt(4)) {
                case 0 -> 1L;
                case 1 -> -1L;
                case 2 -> Long.MIN_VALUE;
                default -> random.nextLong();
            };
            case STRING -> random.nextInt(3) == 0 ? (random.nextBoolean() ? GOOD_ADDRESS : "native") : NASTY.get(random.nextInt(NASTY.size()));
            case ENUM -> field.getEnumType().findValueByNumber(random.nextInt(3)) == null ? null
                    : field.getEnumType().findValueByNumber(random.nextInt(3));
            case MESSAGE -> field.getMessageType().getFullName().equals("google.protobuf.Timestamp")
                    ? Timestamp.newBuilder().setSeconds(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(Integer.MAX_VALUE))
                    .setNanos(random.nextInt(3) == 0 ? random.nextInt() : 0).build()
                    : null;
            default -> null;
        };
    }
}
