package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.analytics.stats.HoltForecast;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by daily series (chain, metric): after each closed day, forecasts the next forecastDays days with
 * Holt's linear trend over the last forecastHistoryDays closed days, with 95% prediction intervals.
 * Counts cannot be negative, so values and bounds are clamped at zero. Closed days never change, so each
 * forecast is made once per base day.
 */
public final class DailyForecaster extends KeyedProcessFunction<String, SeriesPoint, SqlRow> {
    /** Coverage of the stored prediction intervals (HoltForecast.Z95). */
    static final double CONFIDENCE = 0.95;

    private final AnalyticsConfig config;
    private transient ValueState<double[]> history;
    private transient ValueState<Long> lastDay;

    public DailyForecaster(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        history = getRuntimeContext().getState(new ValueStateDescriptor<>("daily-history", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        lastDay = getRuntimeContext().getState(new ValueStateDescriptor<>("last-day", Types.LONG));
    }

    @Override
    public void processElement(SeriesPoint p, Context ctx, Collector<SqlRow> out) throws Exception {
        double[] h = history.value();
        if (h == null) {
            h = new double[0];
        }
        Long last = lastDay.value();
        if (last != null) {
            if (p.start() <= last) {
                return;
            }
            for (long d = last + 1; d < p.start(); d++) {
                h = append(h, 0.0);
            }
        }
        h = append(h, p.value());
        history.update(h);
        lastDay.update(p.start());
        if (h.length < config.forecastMinHistory()) {
            return;
        }
        forecastRows("CHAIN", p.chainId(), p.metric(), p.start(), h, config.forecastDays(), out);
    }

    /**
     * The forecast rows of one series made at {@code baseDay} from {@code history} (closed days ending at
     * baseDay). Counts cannot be negative, so values and bounds are clamped at zero.
     */
    static void forecastRows(String scope, Long chainId, String metric, long baseDay, double[] history, int days,
                             Collector<SqlRow> out) {
        HoltForecast.Result r = HoltForecast.forecast(history, days);
        LocalDate base = LocalDate.ofEpochDay(baseDay);
        for (HoltForecast.Point pt : r.points()) {
            out.collect(new SqlRow(Tables.FORECASTS.name(), scope, chainId, metric, base,
                    base.plusDays(pt.horizon()), pt.horizon(), Math.max(0, pt.value()), Math.max(0, pt.lower()),
                    Math.max(0, pt.upper()), CONFIDENCE, r.alpha(), r.beta(), r.sigma(), history.length));
        }
    }

    private double[] append(double[] h, double v) {
        int n = config.forecastHistoryDays();
        double[] next = h.length < n ? Arrays.copyOf(h, h.length + 1) : Arrays.copyOfRange(h, 1, n + 1);
        next[next.length - 1] = v;
        return next;
    }
}
