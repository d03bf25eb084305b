package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.ApiConfig.AccessLog;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * chaintrack.api.access-log-slow-after: at the errors level a successful request that took at least that long is
 * logged like a failed one (both transports); 0 singles out no request by its duration.
 */
class AccessLogSlowRequestTest {
    static ApiFixture fixture;
    static AccessLines access;

    @BeforeAll
    static void start() throws Exception {
        // every request takes at least a nanosecond, so every successful one counts as slow here
        fixture = ApiFixture.builder().seed(new SeedData()::seed).property("chaintrack.api.access-log-slow-after", "1ns").start();
        access = AccessLines.attach();
    }

    @AfterAll
    static void stop() throws Exception {
        access.close();
        fixture.close();
    }

    @Test
    void slowSuccessfulRequestsAreLoggedOnBothTransports() throws Exception {
        assertThat(fixture.clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers").status()).isEqualTo(200);
        fixture.clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build());

        Await.until(() -> access.lines().size() >= 2, 10_000, () -> "the slow requests' access-log lines: " + access.lines());
        assertThat(access.lines()).filteredOn(l -> l.contains("status=200"))
                .singleElement().satisfies(l -> assertThat(l).contains("route=/v1/chains/{chain_id}/addresses/{address}/transfers"));
        assertThat(access.lines()).filteredOn(l -> l.contains("status=OK"))
                .singleElement().satisfies(l -> assertThat(l).contains("route=chaintrack.v1.TransferService/ListAddressTransfers"));
    }

    @Test
    void whichRequestsEachLevelLogs() {
        long second = Duration.ofSeconds(1).toNanos();
        assertThat(AccessLog.ERRORS.logs(true, 1, second)).as("failed").isTrue();
        assertThat(AccessLog.ERRORS.logs(false, second - 1, second)).as("fast").isFalse();
        assertThat(AccessLog.ERRORS.logs(false, second, second)).as("slow").isTrue();
        assertThat(AccessLog.ERRORS.logs(false, 10 * second, 0)).as("no slow threshold").isFalse();
        assertThat(AccessLog.ALL.logs(false, 1, second)).as("all").isTrue();
        assertThat(AccessLog.OFF.logs(true, 10 * second, second)).as("off").isFalse();
    }

    @Test
    void aNegativeThresholdIsRejectedByName() {
        assertThatThrownBy(() -> new ApiConfig(3600, List.of(3600), 100, 1000, "", Duration.ofSeconds(10),
                Duration.ofSeconds(15), true, "errors", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chaintrack.api.access-log-slow-after");
    }
}
