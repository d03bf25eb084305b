package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.HttpPriceSource;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.prices.HttpPricePoller;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.GetTokenPriceRequest;
import io.chaintrack.proto.v1.GetTokenPriceResponse;
import io.chaintrack.proto.v1.PriceServiceGrpc;
import io.chaintrack.proto.v1.PriceSourceStatus;
import io.chaintrack.proto.v1.PriceSourceView;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * HTTP prices end to end: four local CoinGecko-shaped stubs (three right, one wrong by 50 %) polled by the real
 * HttpPricePoller into embedded PostgreSQL, read back through the real API (REST and gRPC price route, health,
 * /metrics). The stubs are driven through 429s, an outage of one provider and an outage of all; the oracles are the
 * values the stubs were told to answer (the best is their median, worked by hand from BestPrice's rule) and which
 * stubs were told to fail. Nothing is timed: every step waits for its condition with a deadline.
 */
class HttpPriceEndToEndTest {
    private static final String TOKEN = "0x" + "c0".repeat(20);
    /** Polled by every poller, answered by none: it never gets a price. */
    private static final String NEVER = "0x" + "c1".repeat(20);
    private static final Duration BREAKER_OPEN = Duration.ofMillis(700);
    private static final long DEADLINE_MS = 60_000;

    /** One provider stub: its answer for TOKEN, or the HTTP status it fails with (0: answers). */
    private static final class Stub implements AutoCloseable {
        final String name;
        final HttpServer server;
        volatile String price;
        volatile int failWith;
        final AtomicInteger requests = new AtomicInteger();

        Stub(String name, String price) throws Exception {
            this.name = name;
            this.price = price;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v3/simple/token_price/ethereum", exchange -> {
                requests.incrementAndGet();
                int status = failWith == 0 ? 200 : failWith;
                // a live provider: last_updated_at is the moment it answers
                byte[] body = ("{\"" + TOKEN + "\":{\"usd\":" + this.price + ",\"last_updated_at\":"
                        + System.currentTimeMillis() / 1000 + "}}").getBytes(StandardCharsets.UTF_8);
                if (status == 200) {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } else {
                    exchange.sendResponseHeaders(status, -1);
                }
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private QueryApi api;
    private PriceServiceGrpc.PriceServiceBlockingStub grpc;
    private PrometheusRegistry pollerRegistry;

    @Test
    void breakersOutliersAndOutagesAreSeenThroughTheApi() throws Exception {
        Map<String, Stub> stubs = new LinkedHashMap<>();
        List<HttpPricePoller> pollers = new ArrayList<>();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO chains (chain_id, name) VALUES (1, 'mainnet')");
            }
            stubs.put("alpha", new Stub("alpha", "2000.5"));
            stubs.put("beta", new Stub("beta", "2004.25"));
            stubs.put("gamma", new Stub("gamma", "2010"));
            stubs.put("wrong", new Stub("wrong", "3100"));
            pollerRegistry = new PrometheusRegistry();
            HttpPriceSource.Metrics metrics = new HttpPriceSource.Metrics(pollerRegistry);
            PostgresSinkOptions target = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            for (Stub s : stubs.values()) {
                // the breaker opens when half of the last 6 polls failed (at least 4 polls), as HttpPriceOptions sets it;
                // short retries and open time keep the test quick
                HttpPriceSource source = new HttpPriceSource(new HttpPriceSource.Config(s.name, s.url(), "ethereum", "usd",
                        "x-cg-pro-api-key", "", RateLimit.perSecond(100),
                        new RetryPolicy(2, Duration.ofMillis(10), 2.0, 0.1, Duration.ofMillis(50)),
                        new BreakerPolicy(50f, 6, 4, BREAKER_OPEN, 1), Duration.ofSeconds(5)), metrics);
                pollers.add(new HttpPricePoller(source, s.name, "usd", 1, List.of(TOKEN, NEVER), pollerRegistry, target)
                        .start(Duration.ofMillis(100)));
            }
            api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", api.grpcPort()).usePlaintext().build();
            grpc = PriceServiceGrpc.newBlockingStub(channel);
            try {
                // 1. all four answer. Median of all four = (2004.25 + 2010) / 2 = 2007.125; agreement 1 - |p - m| / m / 0.10:
                // alpha 0.967, beta 0.986, gamma 0.986, wrong (54 % off) 0. Same freshness (all answer within a poll):
                // the weighted median passes half the weight (≈ 1.47 of 2.94) at beta, 2004.25 = the median of the
                // three right providers; wrong gets no vote.
                GetTokenPriceResponse all = awaitPrice(r -> states(r).equals(Map.of("http:alpha", "ok", "http:beta", "ok",
                        "http:gamma", "ok", "http:wrong", "ok")) && r.getBest().equals("2004.25"));
                assertThat(all.getStale()).isFalse();
                assertThat(source(all, "http:wrong").getPrice()).isEqualTo("3100");
                assertThat(source(all, "http:wrong").getConfidence()).as("the outlier gets no vote").isEqualTo("0.000000");
                assertThat(new java.math.BigDecimal(source(all, "http:beta").getConfidence())).isPositive();
                assertThat(health()).containsEntry("http:alpha", "closed").containsEntry("http:gamma", "closed");

                // a token no provider ever priced: 200 with an empty best and the reason, on both protocols
                GetTokenPriceResponse never = rest(NEVER);
                assertThat(never.getBest()).isEmpty();
                assertThat(never.getSourcesList()).isEmpty();
                assertThat(grpc(NEVER).getBest()).isEmpty();

                // 2. gamma answers 429 on every call: its breaker opens, visible in health, in the API's gauges and in
                // the poller's own; gamma has no vote while it is open (failed), the others still pick
                stubs.get("gamma").failWith = 429;
                awaitHealth(h -> "open".equals(h.get("http:gamma")));
                awaitMetric("chaintrack_price_source_status_breaker_state{source=\"http:gamma\"} 1.0");
                awaitPollerBreaker("gamma", 1.0);
                GetTokenPriceResponse withoutGamma = awaitPrice(r -> states(r).get("http:gamma").equals("failed"));
                assertThat(source(withoutGamma, "http:gamma").getDetail()).contains("circuit breaker open");
                // voters alpha 2000.5, beta 2004.25, wrong 3100: median 2004.25, alpha's agreement 0.981 < beta's 1, so the
                // weighted median is beta's price; wrong again has no vote
                assertThat(withoutGamma.getBest()).isEqualTo("2004.25");
                assertThat(withoutGamma.getStale()).isFalse();
                assertThat(source(withoutGamma, "http:wrong").getConfidence()).isEqualTo("0.000000");
                assertThat(health()).containsEntry("http:alpha", "closed");
                int seen = stubs.get("gamma").requests.get();

                // 3. gamma answers again, at new prices for all: after its open time one trial call closes the breaker
                stubs.get("alpha").price = "1990";
                stubs.get("beta").price = "1996.5";
                stubs.get("gamma").price = "2003";
                stubs.get("gamma").failWith = 0;
                awaitHealth(h -> "closed".equals(h.get("http:gamma")));
                assertThat(stubs.get("gamma").requests.get()).isGreaterThan(seen);
                awaitMetric("chaintrack_price_source_status_breaker_state{source=\"http:gamma\"} 0.0");
                awaitPollerBreaker("gamma", 0.0);
                // median of all four (1996.5 + 2003) / 2 = 1999.75: the weighted median is 1996.5, the right three's median
                GetTokenPriceResponse back = awaitPrice(r -> r.getBest().equals("1996.5") && states(r).values().stream()
                        .allMatch("ok"::equals) && source(r, "http:gamma").getPrice().equals("2003")
                        && source(r, "http:alpha").getPrice().equals("1990"));
                assertThat(back.getStale()).isFalse();

                // 4. every provider down: every breaker opens; the route still answers the last known good pick, stale
                for (Stub s : stubs.values()) {
                    s.failWith = 503;
                }
                awaitHealth(h -> h.values().stream().allMatch("open"::equals) && h.size() == 4);
                for (String name : stubs.keySet()) {
                    awaitMetric("chaintrack_price_source_status_breaker_state{source=\"http:" + name + "\"} 1.0");
                }
                GetTokenPriceResponse outage = awaitPrice(r -> r.getStale());
                assertThat(outage.getBest()).as("last known good, never null").isEqualTo("1996.5");
                assertThat(states(outage).values()).containsOnly("failed");
                assertThat(rest(NEVER).getBest()).as("still nothing for a token never priced").isEmpty();
                Map<String, String> status = new TreeMap<>();
                for (PriceSourceStatus s : healthStatus()) {
                    status.put(s.getSource(), s.getLastError());
                }
                assertThat(status.get("http:wrong")).matches("(http_503 x\\d+|breaker_open x\\d+)(, .*)?");
                channel.shutdownNow();
            } finally {
                for (HttpPricePoller p : pollers) {
                    p.close();
                }
                stubs.values().forEach(Stub::close);
                api.close();
            }
        }
    }

    // ---------------------------------------------------------------- reading the API

    private GetTokenPriceResponse awaitPrice(java.util.function.Predicate<GetTokenPriceResponse> condition) throws Exception {
        GetTokenPriceResponse[] last = {null};
        Await.until(() -> {
            GetTokenPriceResponse r = rest(TOKEN);
            last[0] = r;
            if (!condition.test(r)) {
                return false;
            }
            // the gRPC twin answers the same (confidences aside: freshness moves with the moment each was read at)
            GetTokenPriceResponse g = grpc(TOKEN);
            return timeless(g).equals(timeless(r)) && condition.test(g);
        }, DEADLINE_MS, () -> "last answer " + last[0]);
        return last[0];
    }

    /** An answer without the parts that depend on the instant it was read at. */
    private static GetTokenPriceResponse timeless(GetTokenPriceResponse r) {
        GetTokenPriceResponse.Builder b = r.toBuilder().clearAt().clearConfidence();
        b.getSourcesBuilderList().forEach(s -> s.clearConfidence());
        return b.build();
    }

    private GetTokenPriceResponse rest(String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort()
                + "/v1/chains/1/tokens/" + token + "/price")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        GetTokenPriceResponse.Builder b = GetTokenPriceResponse.newBuilder();
        JsonFormat.parser().merge(r.body(), b);
        return b.build();
    }

    private GetTokenPriceResponse grpc(String token) {
        return grpc.getTokenPrice(GetTokenPriceRequest.newBuilder().setChainId(1).setToken(token).build());
    }

    private static Map<String, String> states(GetTokenPriceResponse r) {
        Map<String, String> out = new TreeMap<>();
        r.getSourcesList().forEach(s -> out.put(s.getSource(), s.getState()));
        return out;
    }

    private static PriceSourceView source(GetTokenPriceResponse r, String name) {
        return r.getSourcesList().stream().filter(s -> s.getSource().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no source " + name + " in " + r));
    }

    private List<PriceSourceStatus> healthStatus() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort()
                + "/v1/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        CheckResponse.Builder b = CheckResponse.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(r.body(), b);
        return b.getPriceSourcesList();
    }

    /** Each price source's breaker state as /v1/health reports it. */
    private Map<String, String> health() throws Exception {
        Map<String, String> out = new TreeMap<>();
        healthStatus().forEach(s -> out.put(s.getSource(), s.getBreakerState()));
        return out;
    }

    private void awaitHealth(java.util.function.Predicate<Map<String, String>> condition) throws Exception {
        Map<String, String>[] last = new Map[] {Map.of()};
        Await.until(() -> condition.test(last[0] = health()), DEADLINE_MS, () -> "health price sources " + last[0]);
    }

    private void awaitMetric(String line) throws Exception {
        String[] last = {""};
        Await.until(() -> {
            last[0] = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort() + "/metrics")).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return last[0].lines().anyMatch(l -> l.equals(line));
        }, DEADLINE_MS, () -> "no line " + line + " in /metrics:\n" + last[0].lines()
                .filter(l -> l.startsWith("chaintrack_price_source")).reduce("", (a, b) -> a + b + "\n"));
    }

    /** Waits for the poller's own breaker gauge (0 closed, 1 open, 2 half-open) of a provider to read {@code value}. */
    private void awaitPollerBreaker(String name, double value) throws Exception {
        Await.until(() -> pollerBreaker(name) == value, DEADLINE_MS, () -> name + "'s breaker gauge " + pollerBreaker(name));
    }

    private double pollerBreaker(String name) {
        GaugeSnapshot g = (GaugeSnapshot) pollerRegistry.scrape(n -> n.equals("chaintrack_price_source_breaker_state")).get(0);
        return g.getDataPoints().stream().filter(d -> name.equals(d.getLabels().get("source"))).findFirst()
                .orElseThrow().getValue();
    }
}
