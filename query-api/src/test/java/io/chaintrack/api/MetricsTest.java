package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.ListChainsRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /metrics exposes request durations by route template (both transports), database and pool state. */
class MetricsTest {
    static ApiFixture fixture;
    static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void requestDurationsAreLabelledByRouteTemplateMethodAndStatus() {
        for (int i = 0; i < 3; i++) {
            assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?limit=2").status()).isEqualTo(200);
        }
        assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.B + "/transfers").status()).isEqualTo(200);
        assertThat(clients.get("/v1/chains/1/addresses/0x12/transfers").status()).isEqualTo(400);
        assertThat(clients.get("/v1/chains/1/totals").status()).isEqualTo(200);
        assertThat(clients.get("/no/such/route/1234").status()).isEqualTo(404);
        clients.chains.listChains(ListChainsRequest.getDefaultInstance());
        clients.chains.listChains(ListChainsRequest.getDefaultInstance());
        assertThat(catchThrowable(() -> clients.chains.getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(99).build()))).isNotNull();

        Clients.Response scrape = clients.get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain");
        MetricsText metrics = MetricsText.parse(scrape.body());
        String count = "chaintrack_api_request_duration_seconds_count";
        String transfers = "/v1/chains/{chain_id}/addresses/{address}/transfers";
        assertThat(metrics.value(count, Map.of("route", transfers, "method", "GET", "status", "200"))).isEqualTo(4);
        assertThat(metrics.value(count, Map.of("route", transfers, "method", "GET", "status", "400"))).isEqualTo(1);
        assertThat(metrics.value(count, Map.of("route", "/v1/chains/{chain_id}/totals", "method", "GET", "status", "200"))).isEqualTo(1);
        assertThat(metrics.value(count, Map.of("route", "unmatched", "method", "GET", "status", "404"))).isEqualTo(1);
        assertThat(metrics.value(count, Map.of("route", "chaintrack.v1.ChainService/ListChains", "method", "GRPC", "status", "OK"))).isEqualTo(2);
        assertThat(metrics.value(count, Map.of("route", "chaintrack.v1.ChainService/GetChainTotals", "method", "GRPC", "status", "INVALID_ARGUMENT"))).isEqualTo(1);
        assertThat(metrics.value("chaintrack_api_request_duration_seconds_bucket",
                Map.of("route", transfers, "status", "200", "le", "+Inf"))).isEqualTo(4);
        // raw paths never become label values
        assertThat(metrics.named(count)).noneMatch(s -> s.labels().get("route").contains(SeedData.A) || s.labels().get("route").contains("1234"));

        assertThat(metrics.value("chaintrack_api_db_up", Map.of())).isEqualTo(1);
        assertThat(metrics.value("chaintrack_api_db_pool_active", Map.of())).isGreaterThanOrEqualTo(0);
        assertThat(metrics.value("chaintrack_api_db_pool_idle", Map.of())).isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("chaintrack_api_db_pool_pending", Map.of())).isZero();
    }

    @Test
    void madeUpHttpMethodsShareOneLabel() {
        for (int i = 0; i < 5; i++) {
            clients.send("FOO" + i, "/v1/chains", Map.of());
        }
        MetricsText metrics = MetricsText.parse(clients.get("/metrics").body());
        assertThat(metrics.named("chaintrack_api_request_duration_seconds_count"))
                .allMatch(s -> java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "GRPC", "OTHER")
                        .contains(s.labels().get("method")));
        assertThat(metrics.named("chaintrack_api_request_duration_seconds_count").stream()
                .filter(s -> "OTHER".equals(s.labels().get("method"))).mapToDouble(MetricsText.Sample::value).sum()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void openMetricsIsNegotiated() {
        Clients.Response scrape = clients.get("/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0"));
        assertThat(scrape.contentType()).startsWith("application/openmetrics-text");
        assertThat(scrape.body()).contains("# EOF");
    }
}
