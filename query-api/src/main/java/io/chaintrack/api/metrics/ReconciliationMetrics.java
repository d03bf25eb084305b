package io.chaintrack.api.metrics;

import io.chaintrack.api.query.ReconciliationQueryService;
import io.chaintrack.proto.v1.ReconciliationSummary;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.List;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * The latest finished reconciliation run of every chain as gauges, read from reconciliation_runs at scrape time (one
 * statement per scrape, shared by every gauge): the API is where the reconciler's results are served, so wherever it
 * is scraped the alert rules see them. No samples when the database does not answer (ChaintrackApiDatabaseDown covers it).
 */
final class ReconciliationMetrics {
    private static final long REUSE_NANOS = 1_000_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReconciliationMetrics.class);

    private final DataSource dataSource;
    private volatile List<ReconciliationSummary> last = List.of();
    private volatile boolean read;
    private volatile long readAt;

    private ReconciliationMetrics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static void register(PrometheusRegistry registry, DataSource dataSource) {
        ReconciliationMetrics m = new ReconciliationMetrics(dataSource);
        m.gauge(registry, "chaintrack_reconciliation_last_run_timestamp_seconds",
                "When the latest finished reconciliation run of the chain ended (Unix seconds)",
                (s, out) -> out.accept(new String[] {chain(s)},
                        (double) s.getFinishedAt().getSeconds() + s.getFinishedAt().getNanos() / 1e9));
        m.gauge(registry, "chaintrack_reconciliation_mismatches",
                "Mismatches found by the latest reconciliation run (balances, NFT owners, block gaps and counts)",
                (s, out) -> out.accept(new String[] {chain(s)}, (double) s.getMismatches()));
        m.gauge(registry, "chaintrack_reconciliation_largest_difference",
                "Largest absolute balance difference of the latest run, in the token's smallest unit (approximate as a float)",
                (s, out) -> out.accept(new String[] {chain(s)}, new BigDecimal(s.getLargestDifference()).doubleValue()));
        m.gauge(registry, "chaintrack_reconciliation_failed",
                "1 when the latest reconciliation run could not finish (node or database unreachable), else 0",
                (s, out) -> out.accept(new String[] {chain(s)}, "FAILED".equals(s.getStatus()) ? 1.0 : 0.0));
        m.gauge(registry, "chaintrack_reconciliation_balances_without_history",
                "Balances the latest run could not prove: on a chain followed from a start block, history not yet synced",
                (s, out) -> out.accept(new String[] {chain(s)}, s.getBalancesWithoutHistory()));
        GaugeWithCallback.builder().name("chaintrack_reconciliation_checked")
                .help("What the latest reconciliation run compared with the node: accounts, balances, NFT owners, blocks")
                .labelNames("chain_id", "what")
                .callback(callback -> {
                    for (ReconciliationSummary s : m.latest()) {
                        callback.call(s.getAccountsChecked(), chain(s), "accounts");
                        callback.call(s.getBalancesChecked(), chain(s), "balances");
                        callback.call(s.getOwnersChecked(), chain(s), "owners");
                        callback.call(s.getBlocksChecked(), chain(s), "blocks");
                    }
                })
                .register(registry);
    }

    private interface Sample {
        void accept(String[] labels, double value);
    }

    private void gauge(PrometheusRegistry registry, String name, String help, BiConsumer<ReconciliationSummary, Sample> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("chain_id")
                .callback(callback -> {
                    for (ReconciliationSummary s : latest()) {
                        value.accept(s, (labels, v) -> callback.call(v, labels));
                    }
                })
                .register(registry);
    }

    private static String chain(ReconciliationSummary s) {
        return Long.toString(s.getChainId());
    }

    /** The runs read by this scrape: the first gauge reads them, the others reuse that read. */
    private List<ReconciliationSummary> latest() {
        long now = System.nanoTime();
        if (read && now - readAt < REUSE_NANOS) {
            return last;
        }
        // the same gated connection as chaintrack_api_db_up: a down database fails fast instead of stalling the scrape
        try (Connection c = io.chaintrack.api.query.DatabaseGate.of(dataSource).dataSource().getConnection()) {
            last = ReconciliationQueryService.latest(null, c, null);
        } catch (Exception e) {
            LOG.debug("reconciliation gauges not read: {}", e.toString());
            last = List.of();
        }
        readAt = now;
        read = true;
        return last;
    }
}
