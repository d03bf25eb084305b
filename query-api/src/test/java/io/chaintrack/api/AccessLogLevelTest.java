package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.connectors.evm.testkit.Await;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * chaintrack.api.access-log=errors, the default: a failed request still gets its access-log line (both transports),
 * a successful one faster than access-log-slow-after does not, and the metrics count every request either way.
 */
class AccessLogLevelTest {
    static ApiFixture fixture;
    static Clients clients;
    static AccessLines access;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).start();
        clients = fixture.clients;
        access = AccessLines.attach();
    }

    @AfterAll
    static void stop() throws Exception {
        access.close();
        fixture.close();
    }

    @Test
    void onlyFailedRequestsAreLoggedButAllAreCounted() throws Exception {
        String path = "/v1/chains/1/addresses/" + SeedData.A + "/transfers";
        assertThat(clients.get(path).status()).isEqualTo(200);
        assertThat(clients.get("/v1/chains/1/addresses/0xnot-an-address/transfers").status()).isEqualTo(400);
        assertThat(clients.get(path, Map.of("Grpc-Timeout", "soon")).status()).isEqualTo(400);
        clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build());
        assertThatThrownBy(() -> clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                .setChainId(1).setAddress("0xabc").build())).isInstanceOf(StatusRuntimeException.class);

        Await.until(() -> access.lines().size() >= 3, 10_000, () -> "the failed requests' access-log lines: " + access.lines());
        assertThat(access.lines()).hasSize(3);
        assertThat(access.lines()).filteredOn(l -> l.contains("status=400")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("route=/v1/chains/{chain_id}/addresses/{address}/transfers"));
        assertThat(access.lines()).filteredOn(l -> l.contains("status=INVALID_ARGUMENT")).hasSize(1);
        assertThat(access.lines()).noneMatch(l -> l.contains("status=200") || l.contains("status=OK"));

        String metrics = clients.get("/metrics").body();
        assertThat(MetricsText.parse(metrics).value("chaintrack_api_request_duration_seconds_count",
                Map.of("route", "/v1/chains/{chain_id}/addresses/{address}/transfers", "method", "GET", "status", "200"))).isEqualTo(1.0);
        assertThat(MetricsText.parse(metrics).value("chaintrack_api_request_duration_seconds_count",
                Map.of("route", "/v1/chains/{chain_id}/addresses/{address}/transfers", "method", "GET", "status", "400"))).isEqualTo(2.0);
    }
}
