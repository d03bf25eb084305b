package io.chaintrack.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ingest job's reporter writes this process's endpoint metrics to ingest_endpoint_status, newest wins. */
class IngestStatusReporterTest {
    static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @Test
    void reportsRateLimitHitsAndBreakerStatesAndUpdatesThem() throws Exception {
        EvmMetrics metrics = EvmMetrics.on(REGISTRY);
        metrics.rateLimited("mainnet", "alchemy");
        metrics.rateLimited("mainnet", "alchemy");
        metrics.breakerState("mainnet", "alchemy", 2);
        metrics.breakerState("mainnet", "infura", 0);
        var pg = PG.server();
        IngestStatusReporter reporter = new IngestStatusReporter(pg.jdbcUrl(), pg.user(), pg.password(), Duration.ofSeconds(1),
                () -> REGISTRY);
        reporter.report();
        assertThat(rows()).containsExactly("mainnet/alchemy/2/HALF_OPEN", "mainnet/infura/0/CLOSED");

        metrics.rateLimited("mainnet", "infura");
        metrics.breakerState("mainnet", "alchemy", 0);
        reporter.report();
        assertThat(rows()).containsExactly("mainnet/alchemy/2/CLOSED", "mainnet/infura/1/CLOSED");
    }

    private static List<String> rows() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = PG.connection();
             ResultSet rs = c.createStatement().executeQuery("SELECT chain, endpoint, rate_limited_total, breaker_state"
                     + " FROM ingest_endpoint_status ORDER BY chain, endpoint")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getLong(3) + "/" + rs.getString(4));
            }
        }
        return out;
    }
}
