package io.chaintrack.connectors.price;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP server answering in CoinGecko's documented {@code /simple/token_price} shape
 * ({@code {"<contract>": {"usd": <number>, "last_updated_at": <unix>}}}), switched between answering, failing and
 * garbage; the oracle is what it was told to answer and how many requests it saw.
 */
class HttpPriceSourceTest {
    private static final String USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
    private static final String WETH = "0xc02aaa39b223fe8d0a0e5c3756cc2ca33d4c2a39";

    private HttpServer server;
    private final AtomicReference<String> mode = new AtomicReference<>("ok");
    private final List<Instant> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> lastKey = new AtomicReference<>();
    private final AtomicReference<String> lastQuery = new AtomicReference<>();
    private final AtomicInteger served = new AtomicInteger();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpPriceSource.Metrics metrics = new HttpPriceSource.Metrics(registry);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v3/simple/token_price/ethereum", exchange -> {
            requests.add(Instant.now());
            lastKey.set(exchange.getRequestHeaders().getFirst("x-cg-pro-api-key"));
            lastQuery.set(exchange.getRequestURI().getQuery());
            String body = switch (mode.get()) {
                case "ok" -> "{\"" + USDC + "\":{\"usd\":0.999812,\"last_updated_at\":1765065600},"
                        + "\"" + WETH + "\":{\"usd\":3450.123456789012345678,\"last_updated_at\":1765065601}}";
                case "garbage" -> "<html>rate limited</html>";
                default -> null;
            };
            int status = body == null ? 503 : 200;
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            served.incrementAndGet();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpPriceSource source(RateLimit limit) {
        return new HttpPriceSource(new HttpPriceSource.Config("coingecko", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3/",
                "ethereum", "usd", "x-cg-pro-api-key", "secret-1", limit,
                new RetryPolicy(2, Duration.ofMillis(10), 2.0, 0.1, Duration.ofMillis(50)),
                new BreakerPolicy(50f, 4, 4, Duration.ofMinutes(5), 1), Duration.ofSeconds(5)),
                metrics);
    }

    @Test
    void pricesAreExactDecimalsWithTheProvidersTime() {
        Map<String, HttpPriceSource.Price> p = source(RateLimit.perSecond(10)).prices(List.of(WETH, USDC.toUpperCase().replace("0X", "0x"), "0x" + "00".repeat(20)));
        assertThat(p.get(WETH).price()).isEqualByComparingTo("3450.123456789012345678");
        assertThat(p.get(WETH).price().toPlainString()).isEqualTo("3450.123456789012345678");
        assertThat(p.get(USDC).price().toPlainString()).isEqualTo("0.999812");
        assertThat(p.get(USDC).asOf()).isEqualTo(Instant.ofEpochSecond(1765065600));
        assertThat(p.get(USDC).stale()).isFalse();
        assertThat(p).doesNotContainKey("0x" + "00".repeat(20));
        assertThat(lastKey.get()).isEqualTo("secret-1");
        assertThat(lastQuery.get()).contains("contract_addresses=0x0000000000000000000000000000000000000000,"
                + USDC + "," + WETH).contains("vs_currencies=usd");
    }

    @Test
    void anOutageAnswersTheLastKnownGoodMarkedStaleAndOpensTheBreaker() {
        HttpPriceSource source = source(RateLimit.perSecond(50));
        assertThat(source.prices(List.of(WETH)).get(WETH).stale()).isFalse();

        mode.set("down");
        for (int i = 0; i < 4; i++) {
            HttpPriceSource.Price p = source.prices(List.of(WETH)).get(WETH);
            assertThat(p.stale()).isTrue();
            assertThat(p.price()).isEqualByComparingTo("3450.123456789012345678");
        }
        assertThat(source.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        int seen = served.get();
        assertThat(source.prices(List.of(WETH)).get(WETH).stale()).isTrue();
        assertThat(served.get()).as("an open breaker sends nothing").isEqualTo(seen);
        assertThat(gauge("chaintrack_price_source_breaker_state")).isEqualTo(1);
        // the window of 4 calls was [ok, failed, failed, failed] (75 % >= 50 %): open after the third outage call,
        // so the fourth and the extra call were refused without a request
        assertThat(counter("breaker_open")).isEqualTo(2);
        // each failed call was tried twice (RetryPolicy maxAttempts 2)
        assertThat(counter("http_503")).isEqualTo(3 * 2);
        assertThat(source(RateLimit.perSecond(50)).prices(List.of(WETH))).as("nothing known yet: absent, never null").isEmpty();
    }

    @Test
    void garbageIsAnErrorNotAPrice() {
        HttpPriceSource source = source(RateLimit.perSecond(50));
        mode.set("garbage");
        assertThat(source.prices(List.of(WETH))).isEmpty();
        assertThat(counter("error")).isEqualTo(2);
    }

    @Test
    void theRateLimitHoldsAtTheServer() {
        HttpPriceSource source = source(RateLimit.perSecond(3));
        for (int i = 0; i < 8; i++) {
            source.prices(List.of(WETH));
        }
        for (Instant start : requests) {
            long inWindow = requests.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plusSeconds(1))).count();
            assertThat(inWindow).as("requests in the second from %s", start).isLessThanOrEqualTo(3);
        }
        assertThat(requests).hasSize(8);
    }

    private double gauge(String name) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals(name.replace("_total", "")))
                .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
    }

    private double counter(String outcome) {
        return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals("chaintrack_price_source_calls"))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
                .filter(d -> d.getLabels().get("outcome").equals(outcome)).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }
}
