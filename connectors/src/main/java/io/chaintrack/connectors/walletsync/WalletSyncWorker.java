package io.chaintrack.connectors.walletsync;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline-side loop of targeted wallet syncs for one chain: every interval it turns new requests into queued
 * syncs, runs them one at a time to the end (a sync left running by a stopped worker is taken up from its persisted
 * cursors once its lease is released or expired), then delivers due webhooks. Any number of workers may share a chain:
 * a sync runs under one worker's lease at a time and a webhook delivery under one worker's claim.
 */
public final class WalletSyncWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalletSyncWorker.class);

    private final long chainId;
    private final WalletSyncStore store;
    private final WalletHistorySync sync;
    private final WebhookSender webhooks;
    private final ScheduledExecutorService executor;
    private volatile boolean stopping;

    private WalletSyncWorker(long chainId, WalletSyncStore store, WalletHistorySync sync, WebhookSender webhooks) {
        this.chainId = chainId;
        this.store = store;
        this.sync = sync;
        this.webhooks = webhooks;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaintrack-wallet-sync-" + chainId);
            t.setDaemon(true);
            return t;
        });
    }

    public static WalletSyncWorker start(long chainId, WalletSyncStore store, WalletHistorySync sync, WebhookSender webhooks,
                                         Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("wallet sync interval must be positive, was " + interval);
        }
        WalletSyncWorker worker = new WalletSyncWorker(chainId, store, sync, webhooks);
        worker.executor.scheduleWithFixedDelay(worker::pass, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return worker;
    }

    /** One pass: requests into jobs, every runnable job to its end, then due webhooks. */
    void pass() {
        try {
            store.heartbeat(chainId, sync.syncsNative());
            store.activateRequests(chainId);
            // before the pipeline indexed a block the history's end is unknown: syncs stay queued
            boolean indexed = store.firstIndexedBlock(chainId).isPresent();
            while (indexed && !stopped()) {
                Optional<WalletSyncStore.Job> next = store.claimNext(chainId);
                if (next.isEmpty()) {
                    break;
                }
                if (!runOne(next.get())) {
                    break;
                }
            }
            if (!stopped()) {
                webhooks.deliverDue();
            }
        } catch (RuntimeException e) {
            if (!stopped()) {
                LOG.warn("wallet sync pass on chain {} failed: {}", chainId, e.toString());
            }
        }
    }

    /** Runs one job; false when the pass should end (stopping, or the chain is not indexed yet). */
    private boolean runOne(WalletSyncStore.Job job) {
        try {
            WalletHistorySync.Outcome outcome = sync.run(job, this::stopped);
            if (outcome == WalletHistorySync.Outcome.DONE) {
                LOG.info("wallet sync of {} on chain {} done", job.address(), chainId);
            }
            return outcome == WalletHistorySync.Outcome.DONE;
        } catch (WalletSyncStore.SupersededException e) {
            LOG.info("wallet sync of {} on chain {}: {}; left to its new owner", job.address(), chainId, e.getMessage());
            return true;
        } catch (Exception e) {
            if (stopped()) {
                return false; // killed mid-call: the job stays running and is resumed from its cursors
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("wallet sync of {} on chain {} failed: {}", job.address(), chainId, reason);
            WalletSyncStore.Job latest = store.find(job.chainId(), job.address()).orElse(job);
            store.fail(latest, reason, WalletHistorySync.webhookBody(latest, "failed", reason));
            return true;
        }
    }

    private boolean stopped() {
        return stopping || Thread.currentThread().isInterrupted();
    }

    /**
     * Stops at once (between chunks or mid-call) and releases this worker's leases: a running sync keeps its state and
     * cursors and any worker resumes it at once, without waiting for the lease to expire.
     */
    @Override
    public void close() {
        kill();
        try {
            store.release(chainId);
        } catch (RuntimeException e) {
            LOG.warn("wallet sync on chain {}: could not release leases ({}); they expire after {}", chainId, e.toString(),
                    store.lease());
        }
    }

    /** Stops like a killed process: its leases are kept until they expire. */
    void kill() {
        stopping = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
