package io.chaintrack.api.query;

import io.chaintrack.api.config.BatchConfig;
import io.chaintrack.api.context.Deadlines;
import io.chaintrack.api.error.UnavailableException;
import io.chaintrack.api.metrics.ApiMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Natural batching of reads of one shape: at most max-concurrent statements run at once, and each takes every
 * read queued while the others ran (up to max-batch), so a lone read runs at once and, under load, PostgreSQL's
 * per-statement cost (round trip, executor start, context switches) is paid once per batch instead of per read.
 * Every read still reads the store; a statement's failure fails exactly the reads it carried.
 */
public final class StatementBatcher<K, V> implements AutoCloseable {
    /** Answers a batch of keys with one statement: one answer per key, in the keys' order. */
    @FunctionalInterface
    public interface BatchRead<K, V> {
        List<V> read(Connection connection, List<K> keys) throws SQLException;
    }

    /** A queued read: its key, its request's deadline (System.nanoTime based, null = none), when it was queued, and its answer. */
    private record Pending<K, V>(K key, Long deadline, long queuedAt, CompletableFuture<V> answer) {}

    private final String name;
    private final Store store;
    private final ApiMetrics metrics;
    private final BatchRead<K, V> read;
    private final int maxBatch;
    private final int maxConcurrent;
    private final ConcurrentLinkedQueue<Pending<K, V>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final ExecutorService runners;

    public StatementBatcher(String name, Store store, ApiMetrics metrics, BatchConfig config, BatchRead<K, V> read) {
        this.name = name;
        this.store = store;
        this.metrics = metrics;
        this.read = read;
        this.maxBatch = config.maxBatch();
        this.maxConcurrent = config.maxConcurrent();
        AtomicInteger threads = new AtomicInteger();
        // max-concurrent threads in statements, as many again completing answers of statements that returned
        this.runners = Executors.newFixedThreadPool(2 * maxConcurrent, r -> {
            Thread t = new Thread(r, "chaintrack-batch-" + name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The answer for one key; fails with DEADLINE_EXCEEDED when the deadline passes first (a batch not yet
     * started then skips the read; one already running finishes for the others). The statement that answers it
     * is bounded by the latest deadline of the reads it carries.
     */
    public CompletableFuture<V> submit(K key, Long deadline) {
        Pending<K, V> pending = new Pending<>(key, deadline, System.nanoTime(), new CompletableFuture<>());
        if (deadline != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return CompletableFuture.failedFuture(Async.cause(new TimeoutException()));
            }
            pending.answer().orTimeout(left, TimeUnit.NANOSECONDS);
        }
        queue.add(pending);
        startRunner();
        return Async.unwrapped(pending.answer());
    }

    private void startRunner() {
        if (tryAcquire()) {
            try {
                runners.execute(this::drain);
            } catch (RejectedExecutionException e) {
                running.decrementAndGet();
                failQueued(new UnavailableException("the API is shutting down", e));
            }
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int n = running.get();
            if (n >= maxConcurrent) {
                return false;
            }
            if (running.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Runs while holding a statement slot. The slot is given back as soon as a statement returns, before its
     * answers complete: completing runs the readers' response building on this thread, and the reads queued
     * meanwhile should not wait for that to get their own statement going.
     */
    private void drain() {
        while (true) {
            List<Pending<K, V>> batch = new ArrayList<>(Math.min(maxBatch, 64));
            Pending<K, V> next;
            while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                if (!next.answer().isDone()) {
                    batch.add(next);
                }
            }
            if (batch.isEmpty()) {
                running.decrementAndGet();
            } else {
                Outcome<V> outcome;
                try {
                    outcome = execute(batch);
                } catch (RuntimeException | Error e) { // a failing metric, say: still fail the reads, never leak the slot
                    outcome = new Outcome<>(null, e);
                } finally {
                    running.decrementAndGet();
                }
                if (!queue.isEmpty()) {
                    startRunner();
                }
                outcome.complete(batch);
            }
            // a read queued after the poll above saw every slot taken; whoever sees it first takes it
            if (queue.isEmpty() || !tryAcquire()) {
                return;
            }
        }
    }

    /** A statement's answers (one per read, in order) or the failure of all its reads. */
    private record Outcome<V>(List<V> answers, Throwable failure) {
        <K> void complete(List<Pending<K, V>> batch) {
            for (int i = 0; i < batch.size(); i++) {
                if (failure == null) {
                    batch.get(i).answer().complete(answers.get(i));
                } else {
                    batch.get(i).answer().completeExceptionally(failure);
                }
            }
        }
    }

    private Outcome<V> execute(List<Pending<K, V>> batch) {
        List<K> keys = new ArrayList<>(batch.size());
        long start = System.nanoTime();
        Long latest = batch.get(0).deadline();
        for (Pending<K, V> p : batch) {
            keys.add(p.key());
            metrics.observeBatchWait(name, start - p.queuedAt());
            // nanoTime values are compared by difference; one read without a deadline leaves the statement unbounded
            latest = latest == null || p.deadline() == null ? null : p.deadline() - latest > 0 ? p.deadline() : latest;
        }
        Long previous = Deadlines.set(latest);
        try {
            metrics.observeBatch(name, batch.size());
            List<V> answers = store.read(c -> read.read(c, keys));
            if (answers.size() != keys.size()) {
                throw new IllegalStateException(name + ": " + answers.size() + " answers for " + keys.size() + " reads");
            }
            return new Outcome<>(answers, null);
        } catch (RuntimeException | Error e) {
            return new Outcome<>(null, e);
        } finally {
            Deadlines.set(previous);
            metrics.observeBatchStatement(name, System.nanoTime() - start);
        }
    }

    private void failQueued(RuntimeException e) {
        Pending<K, V> next;
        while ((next = queue.poll()) != null) {
            next.answer().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        runners.shutdownNow();
        failQueued(new UnavailableException("the API is shutting down", null));
    }
}
