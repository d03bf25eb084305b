package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.ApiConfig.AccessLog;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * chaintrack.api.access-log-slow-after: at the errors level a successful request that took at least that long is
 * logged like a failed one (both transports); 0 singles out no request by its duration.
 */
class AccessLogSlowRequestTest {
    static ApiFixture fixture;
    static ListAppender<ILoggingEvent> access;

    @BeforeAll
    static void start() throws Exception {
        // every request takes at least a nanosecond, so every successful one counts as slow here
        fixture = ApiFixture.builder().seed(new SeedData()::seed).property("chaintrack.api.access-log-slow-after", "1ns").start();
        access = new ListAppender<>();
        access.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        access.start();
        ((Logger) LoggerFactory.getLogger("io.chaintrack.api.access")).addAppender(access);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("io.chaintrack.api.access")).detachAppender(access);
        fixture.close();
    }

    static List<String> lines() {
        synchronized (access.list) {
            return access.list.stream().map(e -> Arrays.stream(e.getArgumentArray()).map(String::valueOf)
                    .collect(Collectors.joining(" "))).toList();
        }
    }

    @Test
    void slowSuccessfulRequestsAreLoggedOnBothTransports() throws Exception {
        assertThat(fixture.clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers").status()).isEqualTo(200);
        fixture.clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build());

        Await.until(() -> lines().size() >= 2, 10_000, () -> "the slow requests' access-log lines: " + lines());
        assertThat(lines()).filteredOn(l -> l.contains("status=200"))
                .singleElement().satisfies(l -> assertThat(l).contains("route=/v1/chains/{chain_id}/addresses/{address}/transfers"));
        assertThat(lines()).filteredOn(l -> l.contains("status=OK"))
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
