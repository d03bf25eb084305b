package io.chaintrack.stack;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.proto.v1.ListChainsResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads an in-process API over REST the way a client would: a 200 body, or an AssertionError naming the answer. */
final class ApiProbe {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final QueryApi api;

    ApiProbe(QueryApi api) {
        this.api = api;
    }

    String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + api.httpPort() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " → " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Waits until the API's latest indexed block of {@code chainId} is {@code head} with {@code hash}. */
    void awaitIndexed(long chainId, long head, String hash) throws Exception {
        String[] seen = {"nothing"};
        Await.until(() -> {
            String body = get("/v1/chains");
            ListChainsResponse.Builder chains = ListChainsResponse.newBuilder();
            JsonFormat.parser().merge(body, chains);
            seen[0] = body;
            return chains.getChainsList().stream().anyMatch(c -> c.getChainId() == chainId
                    && c.getLatestBlock() == head && c.getLatestBlockHash().equals(hash));
        }, 90_000, () -> "node head " + head + " " + hash + "; API " + seen[0]);
    }
}
