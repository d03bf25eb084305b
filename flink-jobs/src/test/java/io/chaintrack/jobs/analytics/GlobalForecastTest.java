package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.GlobalForecaster;
import io.chaintrack.jobs.analytics.functions.GlobalRollup;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/** GLOBAL daily series: closed days leave the rollup as points, and the forecaster turns them into forecasts. */
class GlobalForecastTest {
    static final long D0 = 19_700;

    static Object col(SqlRow r, String column) {
        return r.get(Tables.FORECASTS.index(column));
    }

    static double num(SqlRow r, String column) {
        return (Double) col(r, column);
    }

    @Test
    void aLinearGlobalSeriesForecastsItsContinuationInsideWideningIntervals() throws Exception {
        var h = Harnesses.open(new GlobalForecaster(AnalyticsConfig.defaults().withForecast(7, 5)), SeriesPoint::metric, Types.STRING);
        for (int d = 0; d < 20; d++) {
            h.processElement(new SeriesPoint(0, null, "transfers", D0 + d, 1000 + 40 * d + (d % 2 == 0 ? 6 : -6)), D0 + d);
        }
        assertThat(Harnesses.drain(h)).as("nothing before the flush timer").isEmpty();
        h.setProcessingTime(1_000);
        List<SqlRow> rows = Harnesses.drain(h);
        assertThat(rows).hasSize((20 - 4) * 7); // base days D0+4 .. D0+19, 7 horizons each
        assertThat(rows).allSatisfy(r -> {
            assertThat(col(r, "scope")).isEqualTo("GLOBAL");
            assertThat(col(r, "chain_id")).isNull();
            assertThat(col(r, "metric")).isEqualTo("transfers");
            assertThat(num(r, "confidence")).isEqualTo(0.95);
        });
        List<SqlRow> last = rows.stream().filter(r -> col(r, "base_day").equals(LocalDate.ofEpochDay(D0 + 19))).toList();
        assertThat(last).hasSize(7);
        for (int i = 0; i < 7; i++) {
            SqlRow r = last.get(i);
            int horizon = (Integer) col(r, "horizon_days");
            assertThat(horizon).isEqualTo(i + 1);
            assertThat(col(r, "target_day")).isEqualTo(LocalDate.ofEpochDay(D0 + 19 + horizon));
            double truth = 1000 + 40 * (19 + horizon);
            assertThat(truth).as("continuation at horizon " + horizon).isBetween(num(r, "lower"), num(r, "upper"));
            assertThat(num(r, "value")).isCloseTo(truth, org.assertj.core.data.Offset.offset(15.0));
            if (i > 0) {
                SqlRow prev = last.get(i - 1);
                assertThat(num(r, "upper") - num(r, "lower")).as("interval widens with horizon")
                        .isGreaterThan(num(prev, "upper") - num(prev, "lower"));
            }
        }
        assertThat((Integer) col(last.get(0), "history_days")).isEqualTo(20);
        h.setProcessingTime(5_000);
        assertThat(Harnesses.drain(h)).as("nothing changed, nothing re-sent").isEmpty();
    }

    @Test
    void aRevisedDayReforecastsEveryLaterBaseDayAndGapsCountAsZero() throws Exception {
        var h = Harnesses.open(new GlobalForecaster(AnalyticsConfig.defaults().withForecast(3, 5)), SeriesPoint::metric, Types.STRING);
        for (int d = 0; d < 8; d++) {
            if (d != 5) { // day 5: no block on any chain
                h.processElement(new SeriesPoint(0, null, "active_addresses", D0 + d, 100), D0 + d);
            }
        }
        h.setProcessingTime(1_000);
        List<SqlRow> first = Harnesses.drain(h);
        assertThat(first).extracting(r -> col(r, "base_day")).containsOnly(LocalDate.ofEpochDay(D0 + 4),
                LocalDate.ofEpochDay(D0 + 5), LocalDate.ofEpochDay(D0 + 6), LocalDate.ofEpochDay(D0 + 7));
        SqlRow dayFive = first.stream().filter(r -> col(r, "base_day").equals(LocalDate.ofEpochDay(D0 + 5))).findFirst().orElseThrow();
        assertThat(num(dayFive, "value")).as("the empty day 5 pulled the level down").isLessThan(100.0);

        h.processElement(new SeriesPoint(0, null, "active_addresses", D0 + 3, 100), D0 + 3);
        h.setProcessingTime(2_000);
        assertThat(Harnesses.drain(h)).as("a day re-sent unchanged redoes nothing").isEmpty();

        // a lagging chain adds to day 6: base days 6 and 7 are redone, the earlier ones stand
        h.processElement(new SeriesPoint(0, null, "active_addresses", D0 + 6, 400), D0 + 6);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<SqlRow> redone = Harnesses.drain(h);
        assertThat(redone).extracting(r -> col(r, "base_day"))
                .containsOnly(LocalDate.ofEpochDay(D0 + 6), LocalDate.ofEpochDay(D0 + 7));
        SqlRow before = first.stream().filter(r -> col(r, "base_day").equals(LocalDate.ofEpochDay(D0 + 7))).findFirst().orElseThrow();
        SqlRow after = redone.stream().filter(r -> col(r, "base_day").equals(LocalDate.ofEpochDay(D0 + 7))).findFirst().orElseThrow();
        assertThat(num(after, "value")).isNotEqualTo(num(before, "value"));
    }

    @Test
    void stateKeepsOnlyRetentionPlusHistoryDaysAndOlderPointsAreIgnored() throws Exception {
        AnalyticsConfig config = new AnalyticsConfig(Duration.ofHours(1), 24, 6, 3, 1.5, 10, 200, 100, 12, 64, 0,
                Map.of(), 10, 7, 5, 20); // retention 10 days, 20 days of history: 30 days kept
        var h = Harnesses.open(new GlobalForecaster(config), SeriesPoint::metric, Types.STRING);
        for (int d = 0; d < 100; d++) {
            h.processElement(new SeriesPoint(0, null, "transfers", D0 + d, 50 + d), D0 + d);
        }
        h.setProcessingTime(1_000);
        List<SqlRow> rows = Harnesses.drain(h);
        assertThat(rows).extracting(r -> col(r, "base_day")).as("only base days inside the retention are forecast")
                .containsOnly(java.util.stream.LongStream.range(90, 100).mapToObj(d -> LocalDate.ofEpochDay(D0 + d)).toArray());
        assertThat(rows).allSatisfy(r -> assertThat((Integer) col(r, "history_days")).isEqualTo(20));
        assertThat(kept(h)).as("days kept").isEqualTo(30);
        assertThat(h.numProcessingTimeTimers()).isZero();

        h.processElement(new SeriesPoint(0, null, "transfers", D0 + 3, 1e9), D0 + 3);
        h.setProcessingTime(2_000);
        assertThat(Harnesses.drain(h)).as("a day older than anything forecastable changes nothing").isEmpty();
        assertThat(kept(h)).isEqualTo(30);
    }

    @SuppressWarnings("unchecked")
    private static int kept(org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, SqlRow> h) throws Exception {
        var backend = ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey("transfers");
        var state = backend.getPartitionedState(
                org.apache.flink.runtime.state.VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                new org.apache.flink.api.common.state.ValueStateDescriptor<>("global-daily-values",
                        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        return ((org.apache.flink.api.common.state.ValueState<double[]>) state).value().length;
    }

    @Test
    void theRollupSendsClosedDaysOnceAndAgainWhenALaggingChainRevisesThem() throws Exception {
        var h = Harnesses.open(new GlobalRollup(AnalyticsConfig.defaults()), (GlobalInput g) -> 0, Types.INT);
        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, D0, 1, 5, D0 * 86_400L, 1, true), 0);
        h.processElement(GlobalInput.delta(GlobalInput.Kind.ACTIVE, D0, 2), 0);
        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, D0 + 1, 1, 3, (D0 + 1) * 86_400L, 2, true), 0);
        h.setProcessingTime(1_000);
        assertThat(points(h)).as("day D0 closed, D0+1 still open").containsExactly(
                new SeriesPoint(0, null, "transfers", D0, 5), new SeriesPoint(0, null, "active_addresses", D0, 2),
                new SeriesPoint(0, null, "new_addresses", D0, 0));

        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 10, D0 + 1, 1, 1, (D0 + 1) * 86_400L, 1, true), 0);
        h.setProcessingTime(2_000);
        assertThat(points(h)).as("only the open day changed").isEmpty();

        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 10, D0, 1, 4, D0 * 86_400L + 9, 1, true), 0);
        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, D0 + 2, 1, 0, (D0 + 2) * 86_400L, 3, true), 0);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(points(h)).containsExactly(
                new SeriesPoint(0, null, "transfers", D0, 9), new SeriesPoint(0, null, "active_addresses", D0, 2),
                new SeriesPoint(0, null, "new_addresses", D0, 0),
                new SeriesPoint(0, null, "transfers", D0 + 1, 4), new SeriesPoint(0, null, "active_addresses", D0 + 1, 0),
                new SeriesPoint(0, null, "new_addresses", D0 + 1, 0));
    }

    private static List<SeriesPoint> points(org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<Integer, GlobalInput, SqlRow> h) {
        var q = h.getSideOutput(GlobalRollup.GLOBAL_DAILY_POINTS);
        if (q == null) {
            return List.of();
        }
        List<SeriesPoint> out = q.stream().map(StreamRecord::getValue).toList();
        q.clear();
        return out;
    }
}
