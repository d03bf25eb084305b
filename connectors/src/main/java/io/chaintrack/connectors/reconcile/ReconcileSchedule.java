package io.chaintrack.connectors.reconcile;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a reconciliation every interval on one daemon thread, one run at a time (a run longer than the interval delays
 * the next instead of overlapping it). Each run gets a fresh seed from its start time, so the history sample moves.
 */
public final class ReconcileSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileSchedule.class);
    private final ScheduledExecutorService executor;

    private ReconcileSchedule(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** @param reconcilerForSeed builds the run's reconciler for a seed */
    public static ReconcileSchedule start(Duration firstDelay, Duration interval, LongFunction<Reconciler> reconcilerForSeed) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("reconcile interval must be positive, was " + interval);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaintrack-reconcile");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                ReconciliationReport report = reconcilerForSeed.apply(System.currentTimeMillis()).run();
                if (report.ok()) {
                    LOG.info("reconciliation run {}: OK, {} balances and {} owners equal the node's at block {}",
                            report.runId(), report.balancesChecked(), report.ownersChecked(), report.blockNumber());
                } else {
                    LOG.warn("reconciliation run {}: {} ({} mismatches{}); GET /v1/chains/{}/reconciliation lists them",
                            report.runId(), report.status(), report.mismatchCount(),
                            report.error() == null ? "" : ", " + report.error(), report.chainId());
                }
            } catch (RuntimeException e) {
                LOG.warn("reconciliation run failed: {}", e.toString());
            }
        }, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new ReconcileSchedule(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
