package io.chaintrack.jobs.prices;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.HttpPriceSource;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The HTTP price poller against a local CoinGecko-shaped stub that answers, then sends 429s, then is down: the rows
 * and price_source_status are what the stub was told to answer and how many requests it saw; the breaker opens
 * (no request reaches the stub while it is open) and closes again on the first good answer after its open time.
 */
class HttpPricePollerTest {
    private static final String USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
    private static final String WETH = "0xc02aaa39b223fe8d0a0e5c3756cc2ca33d4c2a39";
    private static final Instant M0 = Instant.parse("2026-12-07T10:00:30Z");
    private static final Duration OPEN = Duration.ofMillis(300);

    private final AtomicReference<String> mode = new AtomicReference<>("ok");
    private final AtomicReference<String> wethPrice = new AtomicReference<>("3450.123456789012345678");
    private final AtomicInteger requests = new AtomicInteger();

    @Test
    void rowsAndStatusFollowAnswersOutagesAnd429s() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v3/simple/token_price/ethereum", exchange -> {
            requests.incrementAndGet();
            String body = "{\"" + USDC + "\":{\"usd\":0.999812,\"last_updated_at\":1796637600},"
                    + "\"" + WETH + "\":{\"usd\":" + wethPrice.get() + ",\"last_updated_at\":1796637601}}";
            int status = switch (mode.get()) {
                case "429" -> 429;
                case "down" -> 503;
                default -> 200;
            };
            byte[] bytes = status == 200 ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        PrometheusRegistry registry = new PrometheusRegistry();
        HttpPriceSource source = new HttpPriceSource(new HttpPriceSource.Config("coingecko",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3", "ethereum", "usd", "x-cg-pro-api-key", "",
                RateLimit.perSecond(50), new RetryPolicy(2, Duration.ofMillis(10), 2.0, 0.1, Duration.ofMillis(50)),
                // opens when 2 of the last 3 polls failed
                new BreakerPolicy(60f, 3, 3, OPEN, 1), Duration.ofSeconds(5)), new HttpPriceSource.Metrics(registry));
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             HttpPricePoller poller = new HttpPricePoller(source, "coingecko", "usd", 1, List.of(WETH, USDC), registry,
                     PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()))) {
            assertThat(poller.pollOnce(M0)).hasSize(2);
            assertThat(status(postgres)).isEqualTo("closed calls=1 errors=0 success=10:00:30 error=null");

            mode.set("429");
            assertThat(poller.pollOnce(M0.plusSeconds(60))).as("a 429 is no observation").isEmpty();
            assertThat(requests.get()).as("the 429 was retried once").isEqualTo(3);
            assertThat(status(postgres)).isEqualTo("closed calls=3 errors=2 success=10:00:30 error=http_429 x2");

            mode.set("down");
            assertThat(poller.pollOnce(M0.plusSeconds(120))).isEmpty();
            assertThat(status(postgres)).isEqualTo("open calls=5 errors=4 success=10:00:30 error=http_503 x2");
            assertThat(poller.pollOnce(M0.plusSeconds(180))).isEmpty();
            assertThat(requests.get()).as("an open breaker sends nothing").isEqualTo(5);
            assertThat(status(postgres)).isEqualTo("open calls=5 errors=4 success=10:00:30 error=breaker_open x1");

            Thread.sleep(OPEN.toMillis() + 100); // the breaker's own open time, not a timing assertion
            mode.set("ok");
            wethPrice.set("3501.5");
            assertThat(poller.pollOnce(M0.plusSeconds(240))).hasSize(2);
            assertThat(status(postgres)).isEqualTo("closed calls=6 errors=4 success=10:04:30 error=null");

            assertThat(rows(postgres)).containsExactly(
                    "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 10:00 0.999812 USD whole 1796637600",
                    "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 10:04 0.999812 USD whole 1796637600",
                    "0xc02aaa39b223fe8d0a0e5c3756cc2ca33d4c2a39 10:00 3450.123456789012345678 USD whole 1796637601",
                    "0xc02aaa39b223fe8d0a0e5c3756cc2ca33d4c2a39 10:04 3501.5 USD whole 1796637601");

            assertThat(calls(registry, "http_429")).isEqualTo(2.0);
            assertThat(calls(registry, "http_503")).isEqualTo(2.0);
            assertThat(calls(registry, "breaker_open")).isEqualTo(1.0);
            assertThat(calls(registry, "ok")).isEqualTo(2.0);
            try (var exporter = io.chaintrack.jobs.common.MetricsEndpoint.serve(registry, 0)) {
                String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + exporter.getPort() + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(text).contains("chaintrack_price_source_calls_total{outcome=\"http_429\",source=\"coingecko\"} 2.0")
                        .contains("chaintrack_price_source_breaker_state{source=\"coingecko\"} 0.0");
                // what the Kubernetes liveness probe of the price-poller Deployment asks (k8s/base/workers)
                assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + exporter.getPort() + "/-/healthy")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            GaugeSnapshot breaker = (GaugeSnapshot) registry.scrape(n -> n.equals("chaintrack_price_source_breaker_state")).get(0);
            assertThat(breaker.getDataPoints().get(0).getValue()).as("breaker gauge closed again").isEqualTo(0.0);
        } finally {
            server.stop(0);
        }
    }

    private static double calls(PrometheusRegistry registry, String outcome) {
        CounterSnapshot c = (CounterSnapshot) registry.scrape(n -> n.startsWith("chaintrack_price_source_calls")).get(0);
        return c.getDataPoints().stream().filter(d -> outcome.equals(d.getLabels().get("outcome")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }

    private static String status(EmbeddedPostgresServer postgres) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT breaker_state, calls, errors, to_char(last_success AT TIME ZONE 'UTC',"
                     + " 'HH24:MI:SS'), last_error FROM price_source_status WHERE source = 'http:coingecko'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1) + " calls=" + rs.getLong(2) + " errors=" + rs.getLong(3) + " success=" + rs.getString(4)
                    + " error=" + rs.getString(5);
        }
    }

    private static List<String> rows(EmbeddedPostgresServer postgres) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, to_char(minute AT TIME ZONE 'UTC', 'HH24:MI'), price, quote, unit,"
                     + " extract(epoch FROM as_of)::bigint FROM token_prices WHERE chain_id = 1 AND source = 'http:coingecko'"
                     + " ORDER BY token, minute")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3).toPlainString() + " "
                        + rs.getString(4) + " " + rs.getString(5) + " " + rs.getLong(6));
            }
        }
        return out;
    }
}
