package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.model.DayTopTokens;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One key for the whole job: folds every chain's final blocks and the address registry's deltas into the
 * GLOBAL totals and daily rows. Inputs are commutative sums, so the rows converge to the same values in
 * any arrival order. Changed rows are flushed once a second (processing time) and at the end of input;
 * days older than the retention are dropped from state. A day some chain has moved past is closed for
 * forecasting: its values go to {@link #GLOBAL_DAILY_POINTS} then, and again whenever a lagging chain changes them.
 */
public final class GlobalRollup extends KeyedProcessFunction<Integer, GlobalInput, SqlRow> {
    static final long FLUSH_MILLIS = 1000;
    /** Closed GLOBAL days (start = epoch day, chainId 0), re-sent when revised, for {@link GlobalForecaster}. */
    public static final OutputTag<SeriesPoint> GLOBAL_DAILY_POINTS = new OutputTag<>("global-daily-points", SeriesPoint.TYPE);
    private static final int TRANSFERS = 0, SENDERS = 1, RECEIVERS = 2, HOLDERS = 3, FIRST_TIME = 4, LAST_TIME = 5, BLOCKS = 6;
    private static final int D_TRANSFERS = 0, D_ACTIVE = 1, D_NEW = 2, D_BLOCKS = 3, D_LAST_TIME = 4, D_DIRTY = 5, D_POINT_DIRTY = 6;
    private static final int DAY_FIELDS = 7;

    private final AnalyticsConfig config;
    private transient ValueState<long[]> totals;
    private transient MapState<Long, long[]> days;
    private transient MapState<Long, Boolean> chainExact;
    private transient ValueState<Long> flushAt;
    /** Per "day:chain" the chain's newest top tokens of that day. */
    private transient MapState<String, DayTopTokens> dayTops;

    public GlobalRollup(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("global-totals", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        days = getRuntimeContext().getMapState(new MapStateDescriptor<>("global-days", Types.LONG, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        chainExact = getRuntimeContext().getMapState(new MapStateDescriptor<>("chain-exact", Types.LONG, Types.BOOLEAN));
        flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
        dayTops = getRuntimeContext().getMapState(new MapStateDescriptor<>("global-day-top-tokens", Types.STRING, DayTopTokens.TYPE));
    }

    @Override
    public void processElement(GlobalInput in, Context ctx, Collector<SqlRow> out) throws Exception {
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        if (flushAt.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + FLUSH_MILLIS;
            ctx.timerService().registerProcessingTimeTimer(at);
            flushAt.update(at);
        }
        long[] t = totals.value();
        if (t == null) {
            t = new long[] {0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0, 0};
        }
        long[] d = days.get(in.day());
        if (d == null) {
            d = new long[] {0, 0, 0, 0, Long.MIN_VALUE, 0, 0};
        } else if (d.length < DAY_FIELDS) {
            d = Arrays.copyOf(d, DAY_FIELDS); // state written before days carried the point flag
        }
        switch (in.kind()) {
            case BLOCK -> {
                t[TRANSFERS] += in.transfers();
                t[BLOCKS] += 1;
                t[FIRST_TIME] = Math.min(t[FIRST_TIME], in.blockTime());
                t[LAST_TIME] = Math.max(t[LAST_TIME], in.blockTime());
                d[D_TRANSFERS] += in.transfers();
                d[D_BLOCKS] += 1;
                d[D_LAST_TIME] = Math.max(d[D_LAST_TIME], in.blockTime());
                Boolean wasExact = chainExact.get(in.chainId());
                if (wasExact == null || wasExact != in.exact()) {
                    chainExact.put(in.chainId(), wasExact == null ? in.exact() : wasExact && in.exact());
                }
            }
            case NEW_ADDRESS -> d[D_NEW] += in.delta();
            case ACTIVE -> d[D_ACTIVE] += in.delta();
            case SENDER -> t[SENDERS] += in.delta();
            case RECEIVER -> t[RECEIVERS] += in.delta();
            case HOLDER -> t[HOLDERS] += in.delta();
            case TOP_TOKENS -> {
                String key = in.day() + ":" + in.chainId();
                DayTopTokens had = dayTops.get(key);
                if (had != null && had.seq() >= in.top().seq()) {
                    return;
                }
                dayTops.put(key, in.top());
                d[D_DIRTY] = 1;
                days.put(in.day(), d);
                return; // neither the totals nor the forecast series change
            }
        }
        t[7] = 1; // totals changed
        d[D_DIRTY] = 1;
        d[D_POINT_DIRTY] = 1;
        totals.update(t);
        days.put(in.day(), d);
    }

    /**
     * The day's top (chain, token) pairs by transfers, ties by chain then token, as JSON. Each is in its
     * own chain's top list (fewer than TOP_TOKENS pairs beat it overall, so fewer beat it on its chain).
     */
    static String globalTop(List<DayTopTokens> chains) {
        List<Object[]> all = new ArrayList<>();
        for (DayTopTokens c : chains) {
            for (DayTopTokens.Entry e : c.tokens()) {
                all.add(new Object[] {c.chainId(), e});
            }
        }
        all.sort(Comparator.<Object[]>comparingLong(o -> -((DayTopTokens.Entry) o[1]).transfers())
                .thenComparingLong(o -> (Long) o[0])
                .thenComparing(o -> ((DayTopTokens.Entry) o[1]).token()));
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(all.size(), DailyRollup.TOP_TOKENS); i++) {
            DayTopTokens.Entry e = (DayTopTokens.Entry) all.get(i)[1];
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"chain_id\":").append(all.get(i)[0]).append(",\"token\":\"").append(e.token())
                    .append("\",\"transfers\":").append(e.transfers()).append(",\"volume\":\"").append(e.volume()).append("\"}");
        }
        return sb.append(']').toString();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SqlRow> out) throws Exception {
        flushAt.clear();
        long[] t = totals.value();
        if (t == null) {
            return;
        }
        boolean exact = true;
        for (Boolean e : chainExact.values()) {
            exact &= e;
        }
        String accuracy = exact ? "exact" : "partial";
        if (t[7] == 1 && t[BLOCKS] > 0) {
            out.collect(new SqlRow(Tables.TOTALS.name(), "GLOBAL", null, null, t[TRANSFERS], null,
                    t[SENDERS], t[SENDERS], t[SENDERS], "exact", t[RECEIVERS], t[RECEIVERS], t[RECEIVERS], "exact",
                    t[HOLDERS], null, null, t[FIRST_TIME], t[LAST_TIME], null, t[LAST_TIME], t[BLOCKS], accuracy, null, null));
            t[7] = 0;
            totals.update(t);
        }
        TreeMap<Long, long[]> all = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : days.entries()) {
            all.put(e.getKey(), e.getValue());
        }
        if (all.isEmpty()) {
            return;
        }
        long newest = all.lastKey();
        long oldestKept = newest - config.retentionDays() + 1;
        TreeMap<Long, List<DayTopTokens>> tops = new TreeMap<>();
        List<String> expiredTops = new ArrayList<>();
        for (Map.Entry<String, DayTopTokens> e : dayTops.entries()) {
            if (e.getValue().day() < oldestKept) {
                expiredTops.add(e.getKey());
            } else {
                tops.computeIfAbsent(e.getValue().day(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        for (String key : expiredTops) {
            dayTops.remove(key);
        }
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, long[]> e : all.entrySet()) {
            long[] d = e.getValue();
            if (e.getKey() < oldestKept) {
                expired.add(e.getKey());
                continue;
            }
            boolean changed = false;
            if (d[D_DIRTY] == 1 && d[D_BLOCKS] > 0) {
                out.collect(new SqlRow(Tables.DAILY.name(), "GLOBAL", null, LocalDate.ofEpochDay(e.getKey()), d[D_TRANSFERS],
                        d[D_ACTIVE], d[D_NEW], d[D_BLOCKS], globalTop(tops.getOrDefault(e.getKey(), List.of())), null,
                        d[D_LAST_TIME], d[D_BLOCKS], accuracy));
                d[D_DIRTY] = 0;
                changed = true;
            }
            if (e.getKey() < newest && (d.length < DAY_FIELDS || d[D_POINT_DIRTY] == 1)) {
                long day = e.getKey();
                ctx.output(GLOBAL_DAILY_POINTS, new SeriesPoint(0, null, DailyRollup.METRICS[0], day, d[D_TRANSFERS]));
                ctx.output(GLOBAL_DAILY_POINTS, new SeriesPoint(0, null, DailyRollup.METRICS[1], day, d[D_ACTIVE]));
                ctx.output(GLOBAL_DAILY_POINTS, new SeriesPoint(0, null, DailyRollup.METRICS[2], day, d[D_NEW]));
                d = Arrays.copyOf(d, DAY_FIELDS);
                d[D_POINT_DIRTY] = 0;
                changed = true;
            }
            if (changed) {
                days.put(e.getKey(), d);
            }
        }
        for (Long day : expired) {
            days.remove(day);
        }
    }
}
