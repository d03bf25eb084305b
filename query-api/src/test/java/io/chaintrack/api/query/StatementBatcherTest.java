package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.BatchConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Natural batching against a real PostgreSQL: reads queued behind a running statement share the next one (at most
 * max-batch each), every caller gets its own answer, a failed statement fails only the reads it carried, a read
 * whose deadline passes while queued is dropped from later batches, and no read is ever stranded in the queue.
 */
class StatementBatcherTest {
    static EmbeddedPostgresServer postgres;
    static Store store;
    static ApiMetrics metrics;

    @BeforeAll
    static void start() {
        postgres = EmbeddedPostgresServer.start();
        ApiConfig config = new ApiConfig(3600, List.of(3600), 100, 1000, "", Duration.ofSeconds(10), Duration.ofSeconds(15),
                true, "all", Duration.ZERO);
        store = new Store(postgres.dataSource(), config);
        metrics = new ApiMetrics(postgres.dataSource());
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    /** Doubles each key in PostgreSQL (one statement per batch) and records the batches it was given. */
    static final class Doubler implements StatementBatcher.BatchRead<Integer, Integer> {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public List<Integer> read(Connection c, List<Integer> keys) throws SQLException {
            batches.add(List.copyOf(keys));
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted");
            }
            if (keys.contains(-1)) {
                throw new SQLException("relation \"missing\" does not exist", "42P01");
            }
            List<Integer> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT k * 2 FROM unnest(?::int[]) WITH ORDINALITY AS u(k, i) ORDER BY i")) {
                st.setArray(1, c.createArrayOf("int4", keys.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getInt(1));
                    }
                }
            }
            return out;
        }
    }

    static StatementBatcher<Integer, Integer> batcher(Doubler read, int maxBatch, int maxConcurrent) {
        return new StatementBatcher<>("test", store, metrics, new BatchConfig(maxBatch, maxConcurrent), read);
    }

    @Test
    void readsQueuedBehindARunningStatementShareTheNextOneAndGetTheirOwnAnswers() throws Exception {
        Doubler read = new Doubler();
        read.release = new CountDownLatch(1);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 32, 1)) {
            CompletableFuture<Integer> first = batcher.submit(1000, null);
            assertThat(read.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                queued.add(batcher.submit(k, null));
            }
            read.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2000);
            for (int k = 0; k < 10; k++) {
                assertThat(queued.get(k).get(10, TimeUnit.SECONDS)).isEqualTo(2 * k);
            }
            assertThat(read.batches).containsExactly(List.of(1000), List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        }
    }

    @Test
    void aStatementTakesAtMostMaxBatchReads() throws Exception {
        Doubler read = new Doubler();
        read.release = new CountDownLatch(1);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 4, 1)) {
            CompletableFuture<Integer> first = batcher.submit(100, null);
            assertThat(read.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                queued.add(batcher.submit(k, null));
            }
            read.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> f : queued) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(read.batches).containsExactly(List.of(100), List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9));
        }
    }

    @Test
    void aStatementGivesItsSlotBackBeforeItsAnswersAreCompletedAndIsTimed() throws Exception {
        Doubler read = new Doubler();
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch built = new CountDownLatch(1);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 32, 1)) {
            long statements = count("chaintrack_api_batch_statement_seconds");
            long waits = count("chaintrack_api_batch_wait_seconds");
            // the first answer's dependent (response building, in the API) blocks the thread that completes it
            CompletableFuture<Integer> first = batcher.submit(1, null).thenApply(v -> {
                building.countDown();
                try {
                    built.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            });
            assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
            // with max-concurrent 1, this read's statement can run only if the first gave its slot back
            assertThat(batcher.submit(2, null).get(10, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(first).isNotDone();
            built.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(count("chaintrack_api_batch_statement_seconds") - statements).isEqualTo(2);
            assertThat(count("chaintrack_api_batch_wait_seconds") - waits).isEqualTo(2);
        }
    }

    /** Observations of a histogram with label batch="test". */
    static long count(String histogram) {
        return metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(histogram))
                .flatMap(m -> ((io.prometheus.metrics.model.snapshots.HistogramSnapshot) m).getDataPoints().stream())
                .filter(d -> "test".equals(d.getLabels().get("batch")))
                .mapToLong(io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot::getCount)
                .sum();
    }

    @Test
    void aFailedStatementFailsOnlyTheReadsItCarried() throws Exception {
        Doubler read = new Doubler();
        read.release = new CountDownLatch(1);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 2, 1)) {
            CompletableFuture<Integer> first = batcher.submit(1, null);
            assertThat(read.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> failing = batcher.submit(-1, null);
            CompletableFuture<Integer> sameBatch = batcher.submit(2, null);
            CompletableFuture<Integer> nextBatch = batcher.submit(3, null);
            read.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            for (CompletableFuture<Integer> f : List.of(failing, sameBatch)) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
            }
            assertThat(nextBatch.get(10, TimeUnit.SECONDS)).isEqualTo(6);
            assertThat(read.batches).containsExactly(List.of(1), List.of(-1, 2), List.of(3));
        }
    }

    @Test
    void aReadWhoseDeadlinePassesWhileQueuedFailsAndIsNotRun() throws Exception {
        Doubler read = new Doubler();
        read.release = new CountDownLatch(1);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 32, 1)) {
            CompletableFuture<Integer> first = batcher.submit(1, null);
            assertThat(read.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> late = batcher.submit(7, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
            CompletableFuture<Integer> patient = batcher.submit(8, null);
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED));
            read.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo(16);
            assertThat(read.batches).containsExactly(List.of(1), List.of(8));
        }
    }

    @Test
    void noReadIsStrandedWhenManyThreadsSubmitAtOnce() throws Exception {
        Doubler read = new Doubler();
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (StatementBatcher<Integer, Integer> batcher = batcher(read, 8, 2)) {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                results.add(pool.submit(() -> {
                    List<Integer> answers = new ArrayList<>();
                    for (int k = base; k < base + perThread; k++) {
                        answers.add(batcher.submit(k, null).get(30, TimeUnit.SECONDS));
                    }
                    return answers;
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<Integer> answers = results.get(t).get(60, TimeUnit.SECONDS);
                for (int i = 0; i < perThread; i++) {
                    assertThat(answers.get(i)).isEqualTo(2 * (t * perThread + i));
                }
            }
            assertThat(read.batches.stream().mapToInt(List::size).sum()).isEqualTo(threads * perThread);
            assertThat(read.batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 8));
        } finally {
            pool.shutdownNow();
        }
    }
}
