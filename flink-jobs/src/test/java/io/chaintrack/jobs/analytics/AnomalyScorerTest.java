package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.AnomalyScorer;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Injected spikes and drops are flagged by both methods; flat, noisy-flat and slowly trending series flag nothing. */
class AnomalyScorerTest {
    static final long W = 3600;
    static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults().withWindow(Duration.ofSeconds(W)).withBaseline(24, 6);

    private static List<SqlRow> score(double[] series) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, SqlRow> h =
                Harnesses.open(new AnomalyScorer(CONFIG), SeriesPoint::seriesKey, Types.STRING);
        for (int i = 0; i < series.length; i++) {
            h.processElement(new SeriesPoint(1, "0xt", "transfers", i * W, series[i]), i * W);
        }
        return Harnesses.drain(h);
    }

    private static List<SqlRow> flagged(List<SqlRow> rows, String method) {
        int m = Tables.ANOMALIES.index("method"), s = Tables.ANOMALIES.index("severity");
        return rows.stream().filter(r -> r.get(m).equals(method) && !r.get(s).equals("none")).toList();
    }

    private static long start(SqlRow r) {
        return (Long) r.get(Tables.ANOMALIES.index("window_start"));
    }

    private static double[] noisy(int n, double level, double slope, long seed) {
        Random r = new Random(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = level + slope * i + r.nextGaussian() * level * 0.02;
        }
        return s;
    }

    @Test
    void aSpikeAndADropAreFlaggedByZScoreAndIqr() throws Exception {
        // more than a baseline apart, so neither hides in the other's baseline (z-scores mask each other)
        double[] s = noisy(80, 1000, 0, 1);
        s[40] = 3000; // spike
        s[70] = 200; // drop
        List<SqlRow> rows = score(s);
        for (String method : List.of("ZSCORE", "IQR")) {
            List<SqlRow> f = flagged(rows, method);
            assertThat(f).extracting(AnomalyScorerTest::start).as(method).contains(40 * W, 70 * W);
            assertThat(f).filteredOn(r -> start(r) == 40 * W).allMatch(r -> (Double) r.get(Tables.ANOMALIES.index("score")) > 0);
            assertThat(f).filteredOn(r -> start(r) == 70 * W).allMatch(r -> (Double) r.get(Tables.ANOMALIES.index("score")) < 0);
            assertThat(f).filteredOn(r -> start(r) == 40 * W).extracting(r -> r.get(Tables.ANOMALIES.index("severity"))).containsOnly("critical");
        }
    }

    @Test
    void flatNoisyAndSlowlyTrendingSeriesFlagNothing() throws Exception {
        double[] flat = new double[60];
        java.util.Arrays.fill(flat, 500);
        assertThat(flagged(score(flat), "ZSCORE")).isEmpty();
        assertThat(flagged(score(flat), "IQR")).isEmpty();
        double[] trending = new double[60];
        for (int i = 0; i < 60; i++) {
            trending[i] = 1000 + 15 * i; // a steady 1.5% per window
        }
        assertThat(flagged(score(trending), "ZSCORE")).isEmpty();
        assertThat(flagged(score(trending), "IQR")).isEmpty();
        double[] noisyTrend = noisy(60, 1000, 10, 5);
        assertThat(flagged(score(noisyTrend), "ZSCORE")).isEmpty();
    }

    @Test
    void aSeriesIsScoredOnlyWithEnoughBaselineAndAFlatSpikeIsStillFlagged() throws Exception {
        double[] s = {10, 10, 10, 10, 10, 10, 10, 50};
        List<SqlRow> rows = score(s);
        assertThat(rows).extracting(AnomalyScorerTest::start).doesNotContain(0L, 5 * W).contains(6 * W, 7 * W);
        assertThat(flagged(rows, "ZSCORE")).extracting(AnomalyScorerTest::start).containsExactly(7 * W);
        assertThat(flagged(rows, "IQR")).extracting(AnomalyScorerTest::start).containsExactly(7 * W);
    }
}
