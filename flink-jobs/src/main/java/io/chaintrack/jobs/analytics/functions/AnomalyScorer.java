package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.common.IdleTtl;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.analytics.stats.Baseline;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by series (chain, token, metric): scores each closed window against the N windows before it,
 * by z-score (mean, sample std) and by Tukey's IQR fences, and emits both scores every window once the
 * series has minBaselineWindows of history. Windows are final when they arrive (closed over final
 * blocks), so a score is never revised: reverts cannot reach a scored window. Windows missing from the
 * series enter the baseline as zeros; after a gap of a whole baseline or more the series starts over, so
 * expiring an idle series (state TTL, {@link AnalyticsConfig#baselineIdleTtl()}) changes no result.
 */
public final class AnomalyScorer extends KeyedProcessFunction<String, SeriesPoint, SqlRow> {
    private final AnalyticsConfig config;
    private transient ValueState<double[]> history;
    private transient ValueState<Long> lastStart;

    public AnomalyScorer(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        history = getRuntimeContext().getState(IdleTtl.expireIdle(
                new ValueStateDescriptor<>("baseline", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO), config.baselineIdleTtl()));
        lastStart = getRuntimeContext().getState(IdleTtl.expireIdle(
                new ValueStateDescriptor<>("last-window-start", Types.LONG), config.baselineIdleTtl()));
    }

    @Override
    public void processElement(SeriesPoint p, Context ctx, Collector<SqlRow> out) throws Exception {
        long w = config.windowSeconds();
        double[] h = history.value();
        if (h == null) {
            h = new double[0];
        }
        Long last = lastStart.value();
        if (last != null) {
            if (p.start() <= last) {
                return; // replayed window: already scored
            }
            long missing = (p.start() - last) / w - 1;
            if (missing >= config.baselineWindows()) {
                h = new double[0]; // the baseline would be nothing but zeros: start over, as an expired series does
            }
            for (long i = 0; i < missing && h.length > 0; i++) {
                h = append(h, 0.0);
            }
        }
        if (h.length >= config.minBaselineWindows()) {
            Baseline b = Baseline.of(h);
            double z = b.zScore(p.value());
            out.collect(row(p, "ZSCORE", b.mean(), b.std(), b.mean() - config.zThreshold() * b.std(),
                    b.mean() + config.zThreshold() * b.std(), z, config.zThreshold(), h.length));
            double iqr = b.iqr();
            double s = b.iqrScore(p.value());
            out.collect(row(p, "IQR", b.median(), iqr, b.q1() - config.iqrK() * iqr, b.q3() + config.iqrK() * iqr,
                    s, config.iqrK(), h.length));
        }
        history.update(append(h, p.value()));
        lastStart.update(p.start());
    }

    private double[] append(double[] h, double v) {
        int n = config.baselineWindows();
        double[] next = h.length < n ? Arrays.copyOf(h, h.length + 1) : Arrays.copyOfRange(h, 1, n + 1);
        next[next.length - 1] = v;
        return next;
    }

    private SqlRow row(SeriesPoint p, String method, double baseline, double spread, double lower, double upper,
                       double score, double threshold, int n) {
        return new SqlRow(Tables.ANOMALIES.name(), p.chainId(), p.token(), p.metric(), p.start(),
                (int) config.windowSeconds(), method, "", p.value(), baseline, spread, lower, upper, score, threshold,
                Baseline.severity(score, threshold), n, null);
    }
}
