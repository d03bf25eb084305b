package io.chaintrack.connectors.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exposed names are the ones the alert rules are written against. */
class EvmMetricsTest {

    @Test
    void exposesExactlyTheAgreedNamesAndLabels() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        EvmMetrics m = EvmMetrics.on(registry);
        assertThat(EvmMetrics.on(registry)).isSameAs(m);
        m.rpcCall("mainnet", "alchemy", "eth_getLogs", "429");
        m.rpcRetry("mainnet", "alchemy", "eth_getLogs");
        m.rateLimited("mainnet", "alchemy");
        m.breakerState("mainnet", "alchemy", 2);
        m.head("mainnet", 21_000_000);
        m.emitted("mainnet", 21_000_000, 20_999_990, System.currentTimeMillis() / 1000 - 120);
        m.reorg("mainnet", 2);
        m.skippedLog("mainnet", "topic_count");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("chaintrack_rpc_calls_total{chain=\"mainnet\",endpoint=\"alchemy\",method=\"eth_getLogs\",status=\"429\"} 1.0")
                .contains("chaintrack_rpc_retries_total{chain=\"mainnet\",endpoint=\"alchemy\",method=\"eth_getLogs\"} 1.0")
                .contains("chaintrack_rpc_rate_limited_total{chain=\"mainnet\",endpoint=\"alchemy\"} 1.0")
                .contains("chaintrack_rpc_breaker_state{chain=\"mainnet\",endpoint=\"alchemy\"} 2.0")
                .contains("chaintrack_ingest_head_block{chain=\"mainnet\"} 2.1E7")
                .contains("chaintrack_ingest_blocks_behind_head{chain=\"mainnet\"} 10.0")
                .contains("chaintrack_ingest_seconds_behind_head{chain=\"mainnet\"}")
                .contains("chaintrack_reorgs_total{chain=\"mainnet\"} 1.0")
                .contains("chaintrack_reorg_depth_bucket{chain=\"mainnet\",le=\"2.0\"} 1")
                .contains("chaintrack_reorg_depth_count{chain=\"mainnet\"} 1")
                .contains("chaintrack_skipped_logs_total{chain=\"mainnet\",reason=\"topic_count\"} 1.0");
        double behind = m.secondsBehindHead.labelValues("mainnet").get();
        assertThat(behind).isBetween(119.0, 200.0);
    }
}
