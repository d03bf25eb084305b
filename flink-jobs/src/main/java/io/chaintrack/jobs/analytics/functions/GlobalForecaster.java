package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by GLOBAL daily metric: forecasts of the cross-chain daily series with the per-chain method
 * (Holt, 95% intervals). Global days close when any chain passes them but a lagging chain can still add to
 * them, so a point may revise a day: every base day from the earliest revised one on is re-forecast (at most
 * once a second and at the end of input), and the rows converge to the forecasts of the final series in any
 * arrival order. Days are kept for retention + history so any base day inside the retention can be redone.
 */
public final class GlobalForecaster extends KeyedProcessFunction<String, SeriesPoint, SqlRow> {
    static final long FLUSH_MILLIS = 1000;

    private final AnalyticsConfig config;
    /** Day of values[0]. */
    private transient ValueState<Long> firstDay;
    /** The series from firstDay on, one value per day; days no point arrived for are zero. */
    private transient ValueState<double[]> values;
    /** Earliest day changed since the last forecast; absent when nothing is pending. */
    private transient ValueState<Long> dirtyFrom;

    public GlobalForecaster(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        firstDay = getRuntimeContext().getState(new ValueStateDescriptor<>("global-first-day", Types.LONG));
        values = getRuntimeContext().getState(new ValueStateDescriptor<>("global-daily-values", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        dirtyFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("global-dirty-from", Types.LONG));
    }

    /** Days of series kept: enough history for every base day inside the retention. */
    int keptDays() {
        return config.retentionDays() + config.forecastHistoryDays();
    }

    @Override
    public void processElement(SeriesPoint p, Context ctx, Collector<SqlRow> out) throws Exception {
        double[] v = values.value();
        Long first = firstDay.value();
        long day = p.start();
        if (v == null) {
            v = new double[] {p.value()};
            first = day;
        } else {
            long last = first + v.length - 1;
            if (day >= first && day <= last && v[(int) (day - first)] == p.value()) {
                return; // re-sent unchanged (another of the day's counters moved): nothing to redo
            }
            long newFirst = Math.min(first, day);
            long newLast = Math.max(last, day);
            long keepFrom = newLast - keptDays() + 1;
            if (day < keepFrom) {
                return; // older than any base day that can still be forecast
            }
            newFirst = Math.max(newFirst, keepFrom);
            double[] next = new double[(int) (newLast - newFirst + 1)];
            long copyFrom = Math.max(first, newFirst);
            if (copyFrom <= last) {
                System.arraycopy(v, (int) (copyFrom - first), next, (int) (copyFrom - newFirst), (int) (last - copyFrom + 1));
            }
            next[(int) (day - newFirst)] = p.value();
            v = next;
            first = newFirst;
        }
        values.update(v);
        firstDay.update(first);
        Long dirty = dirtyFrom.value();
        if (dirty == null || day < dirty) {
            dirtyFrom.update(day);
        }
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer((now / FLUSH_MILLIS + 1) * FLUSH_MILLIS);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SqlRow> out) throws Exception {
        Long dirty = dirtyFrom.value();
        if (dirty == null) {
            return;
        }
        dirtyFrom.clear();
        double[] v = values.value();
        long first = firstDay.value();
        long last = first + v.length - 1;
        long from = Math.max(Math.max(dirty, first + config.forecastMinHistory() - 1), last - config.retentionDays() + 1);
        for (long base = from; base <= last; base++) {
            int end = (int) (base - first) + 1;
            double[] history = Arrays.copyOfRange(v, Math.max(0, end - config.forecastHistoryDays()), end);
            DailyForecaster.forecastRows("GLOBAL", null, ctx.getCurrentKey(), base, history, config.forecastDays(), out);
        }
    }
}
