package io.chaintrack.api;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.HealthServiceGrpc;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real clients of a running API: java.net.http for REST, blocking stubs on a real channel for gRPC. */
final class Clients implements AutoCloseable {
    record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        <B extends Message.Builder> B parse(B builder) {
            try {
                JsonFormat.parser().merge(body, builder);
                return builder;
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("not proto JSON: " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    final ManagedChannel channel;
    final TransferServiceGrpc.TransferServiceBlockingStub transfers;
    final BalanceServiceGrpc.BalanceServiceBlockingStub balances;
    final ChainServiceGrpc.ChainServiceBlockingStub chains;
    final HealthServiceGrpc.HealthServiceBlockingStub health;

    Clients(QueryApi api) {
        this(api.httpPort(), api.grpcPort());
    }

    Clients(int httpPort, int grpcPort) {
        base = "http://localhost:" + httpPort;
        channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        transfers = TransferServiceGrpc.newBlockingStub(channel);
        balances = BalanceServiceGrpc.newBlockingStub(channel);
        chains = ChainServiceGrpc.newBlockingStub(channel);
        health = HealthServiceGrpc.newBlockingStub(channel);
    }

    Response get(String pathAndQuery) {
        return get(pathAndQuery, Map.of());
    }

    Response get(String pathAndQuery, Map<String, String> headers) {
        return send("GET", pathAndQuery, headers);
    }

    Response send(String method, String pathAndQuery, Map<String, String> headers) {
        return send(method, pathAndQuery, headers, null);
    }

    /** A request with a body (null: none); the caller sets Content-Type in {@code headers}. */
    Response send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                    response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
