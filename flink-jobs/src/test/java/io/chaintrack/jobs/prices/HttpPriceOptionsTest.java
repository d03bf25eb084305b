package io.chaintrack.jobs.prices;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.price.HttpPriceSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The provider client the poller options build, against a local stub that is down (503): one poll makes exactly 3
 * HTTP calls (the first and two retries), and the breaker opens on the 4th failed poll, the 6-poll window's minimum.
 */
class HttpPriceOptionsTest {
    @Test
    void aPollAgainstADownProviderRetriesTwiceAndTheBreakerOpensAfterFourPolls() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpPriceOptions options = new HttpPriceOptions();
            options.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3";
            options.callsPerMinute = 600;
            HttpPriceSource source = options.source(new HttpPriceSource.Metrics(new PrometheusRegistry()));
            List<String> tokens = List.of("0x" + "c0".repeat(20));
            assertThat(source.prices(tokens)).isEmpty();
            assertThat(requests.get()).as("HTTP calls of one poll").isEqualTo(3);
            for (int poll = 2; poll <= 4; poll++) {
                assertThat(source.breakerState()).as("breaker before poll " + poll).isEqualTo(CircuitBreaker.State.CLOSED);
                source.prices(tokens);
            }
            assertThat(requests.get()).isEqualTo(12);
            assertThat(source.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            source.prices(tokens);
            assertThat(requests.get()).as("an open breaker calls nobody").isEqualTo(12);
        } finally {
            server.stop(0);
        }
    }
}
