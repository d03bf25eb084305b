package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chaintrack.api.query.DatabaseGate;
import io.chaintrack.api.query.Store;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping PostgreSQL under a running API: health turns 503/NOT_SERVING, queries 503/UNAVAILABLE, never 500. */
class HealthWhenDatabaseDownTest {
    @Test
    void healthIsNotServingWhenTheDatabaseStops() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try (Connection c = postgres.dataSource().getConnection()) {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'devnet')");
        }
        // the production pool settings (3 s connection timeout): answers after the outage is noticed must not wait it
        try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0);
             Clients clients = new Clients(api)) {
            assertThat(clients.get("/v1/health").status()).isEqualTo(200);
            String address = SeedData.A;
            assertThat(clients.get("/v1/chains/1/addresses/" + address + "/balances").status()).isEqualTo(200);
            assertThat(MetricsText.parse(clients.get("/metrics").body()).value("chaintrack_api_db_up", Map.of())).isEqualTo(1);

            postgres.close();
            // no request until the gate's own watcher has seen the server go: then even the first one fails at once
            DatabaseGate gate = DatabaseGate.of(api.context().getBean(Store.class).dataSource());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!gate.isDown()) {
                assertThat(System.nanoTime()).as("the database gate never noticed the outage").isLessThan(deadline);
                Thread.sleep(10);
            }

            long first = System.nanoTime();
            Clients.Response rest = clients.get("/v1/health");
            assertFast("the first request after the outage", first);
            assertThat(rest.status()).isEqualTo(503);
            CheckResponse restBody = rest.parse(CheckResponse.newBuilder()).build();
            assertThat(restBody.getStatus()).isEqualTo("NOT_SERVING");
            assertThat(restBody.getDatabaseUp()).isFalse();
            CheckResponse grpc = clients.health.check(CheckRequest.getDefaultInstance());
            assertThat(grpc.toBuilder().clearUptimeSeconds().build()).isEqualTo(restBody.toBuilder().clearUptimeSeconds().build());
            assertThat(restBody.getUptimeSeconds()).isGreaterThanOrEqualTo(0);
            long started = System.nanoTime();
            assertThat(clients.get("/v1/health/readiness").status()).isEqualTo(503);
            assertThat(clients.get("/v1/health/readiness").json().get("reason").getAsString()).isEqualTo("database not answering");
            assertFast("two readiness calls", started);

            // chain 1 is remembered, so this reaches the database and must report it unavailable
            started = System.nanoTime();
            Clients.Response query = clients.get("/v1/chains/1/addresses/" + address + "/balances");
            assertFast("a balance query", started);
            assertThat(query.status()).isEqualTo(503);
            assertThat(query.contentType()).startsWith("application/problem+json");
            assertThat(query.json().get("grpcCode").getAsString()).isEqualTo("UNAVAILABLE");
            assertThat(query.body()).doesNotContain("Exception");
            started = System.nanoTime();
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () ->
                    clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(1).setAddress(address).build()));
            assertFast("a gRPC balance query", started);
            started = System.nanoTime();
            assertThat(clients.get("/v1/health").status()).isEqualTo(503);
            assertFast("health", started);
            assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

            MetricsText metrics = MetricsText.parse(clients.get("/metrics").body());
            assertThat(metrics.value("chaintrack_api_db_up", Map.of())).isZero();
            assertThat(metrics.value("chaintrack_api_request_duration_seconds_count",
                    Map.of("route", "/v1/health", "status", "503"))).isEqualTo(2);
        }
    }

    /**
     * Not a speed goal: it tells "failed at once" (milliseconds) from "waited the pool's 3 s connection timeout",
     * with half of that timeout as slack for a loaded machine.
     */
    private static void assertFast(String what, long startedNanos) {
        assertThat(Duration.ofNanos(System.nanoTime() - startedNanos)).as(what + " with the database known down")
                .isLessThan(Duration.ofMillis(1500));
    }
}
