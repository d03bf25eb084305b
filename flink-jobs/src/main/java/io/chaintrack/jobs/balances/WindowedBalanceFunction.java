package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact balance history of one account in tumbling block-time windows at every configured resolution:
 * balance at a window's end = current balance − the deltas of that account's later open windows.
 * A window is emitted when the watermark passes its end; a delta landing in an emitted window (a late
 * REVERTED or a replacement block) re-emits it and every later emitted window, whose balance changed.
 * At end + reorg horizon the window is final: its state is dropped and the current balance keeps its effect.
 * Timers: one per window end, plus one per key for the oldest emitted window's finalisation (each sweep sets the next).
 * A window whose transfers were all reverted is still upserted, with zero counts (the API hides such rows).
 * A delta older than a finalised window (beyond the horizon) still moves the current balance and later
 * windows, but cannot rewrite the finalised windows; it is counted in metric {@value #LATE_BEYOND_HORIZON}.
 * Current balance rows ({@link #CURRENT_BALANCES}) are emitted on every delta; a revert leaves the balance
 * valid at the reverted block's parent number, stamped with the reverted block's time.
 * With provisional windows on, every delta also emits the account's open windows (end not yet passed by the
 * watermark) from the delta's window on, marked provisional, with their running values: the open window is
 * served at head and follows reverts; the row emitted when the watermark passes its end is final.
 */
public final class WindowedBalanceFunction extends KeyedProcessFunction<BalanceKey, BalanceDelta, BalanceWindowRow> {
    public static final OutputTag<CurrentBalanceRow> CURRENT_BALANCES =
            new OutputTag<>("current-balances", BalanceTypes.CURRENT_BALANCE_ROW);
    public static final String LATE_BEYOND_HORIZON = "lateBeyondHorizon";
    public static final String REEMITTED_WINDOWS = "reemittedWindows";
    private static final Logger LOG = LoggerFactory.getLogger(WindowedBalanceFunction.class);

    private final long[] resolutionsMs;
    private final long horizonMs;
    private final boolean provisional;

    private transient ValueState<BigInteger> balance;
    private transient List<MapState<Long, WindowAccumulator>> windows;
    private transient List<ValueState<Long>> finalisedThrough;
    private transient Counter lateBeyondHorizon;
    private transient Counter reemitted;

    /**
     * @param resolutions window sizes, each dividing a day (validated by {@link BalanceJobConfig})
     * @param reorgHorizon how long after its end a window can still change
     */
    public WindowedBalanceFunction(List<Duration> resolutions, Duration reorgHorizon) {
        this(resolutions, reorgHorizon, false);
    }

    /** As above; {@code provisional} also emits the open windows on every delta (see the class comment). */
    public WindowedBalanceFunction(List<Duration> resolutions, Duration reorgHorizon, boolean provisional) {
        this.provisional = provisional;
        this.resolutionsMs = resolutions.stream().mapToLong(Duration::toMillis).sorted().distinct().toArray();
        this.horizonMs = reorgHorizon.toMillis();
        if (resolutionsMs.length == 0 || resolutionsMs[0] <= 0 || horizonMs < 0) {
            throw new IllegalArgumentException("need positive window sizes and a non-negative horizon, got "
                    + resolutions + " and " + reorgHorizon);
        }
    }

    /** Open windows of one resolution: window start (ms) to accumulator. */
    static MapStateDescriptor<Long, WindowAccumulator> windowsDescriptor(long sizeMs) {
        return new MapStateDescriptor<>("windows-" + (sizeMs / 1000) + "s", Types.LONG, BalanceTypes.WINDOW_ACCUMULATOR);
    }

    /** End (exclusive, ms) of the latest finalised window of one resolution. */
    static ValueStateDescriptor<Long> finalisedThroughDescriptor(long sizeMs) {
        return new ValueStateDescriptor<>("finalised-through-" + (sizeMs / 1000) + "s", Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) {
        balance = getRuntimeContext().getState(new ValueStateDescriptor<>("balance", Types.BIG_INT));
        windows = new ArrayList<>();
        finalisedThrough = new ArrayList<>();
        for (long size : resolutionsMs) {
            windows.add(getRuntimeContext().getMapState(windowsDescriptor(size)));
            finalisedThrough.add(getRuntimeContext().getState(finalisedThroughDescriptor(size)));
        }
        lateBeyondHorizon = getRuntimeContext().getMetricGroup().counter(LATE_BEYOND_HORIZON);
        reemitted = getRuntimeContext().getMetricGroup().counter(REEMITTED_WINDOWS);
    }

    @Override
    public void processElement(BalanceDelta d, Context ctx, Collector<BalanceWindowRow> out) throws Exception {
        BalanceKey account = ctx.getCurrentKey();
        BigInteger current = currentBalance().add(d.signedAmount());
        balance.update(current);
        ctx.output(CURRENT_BALANCES, new CurrentBalanceRow(account.chainId(), account.address(), account.token(),
                account.tokenId(), d.standard(), current, d.validAtBlock(), d.blockTimeMs()));

        long watermark = ctx.timerService().currentWatermark();
        for (int i = 0; i < resolutionsMs.length; i++) {
            long size = resolutionsMs[i];
            long start = Math.floorDiv(d.blockTimeMs(), size) * size;
            long end = start + size;
            Long finalised = finalisedThrough.get(i).value();
            if (finalised != null && start < finalised) {
                lateBeyondHorizon.inc();
                LOG.warn("delta of block {} at {} for {} lands in a {} s window already final (final through {});"
                                + " current balance and open windows corrected, final windows not",
                        d.blockNumber(), d.blockTimeMs(), account, size / 1000, finalised);
                emitWindows(i, Long.MIN_VALUE, current, account, out);
                emitOpen(i, Long.MIN_VALUE, watermark, current, account, out);
                continue;
            }
            MapState<Long, WindowAccumulator> open = windows.get(i);
            WindowAccumulator acc = open.get(start);
            if (acc == null) {
                acc = WindowAccumulator.EMPTY;
                // the horizon timer comes later, from onTimer: one pending per key instead of one per window
                ctx.timerService().registerEventTimeTimer(end - 1);
            }
            acc = acc.plus(d);
            boolean ended = end - 1 <= watermark;
            open.put(start, ended ? acc.markEmitted() : acc);
            if (ended) {
                emitWindows(i, start, current, account, out);
            }
            emitOpen(i, start, watermark, current, account, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BalanceWindowRow> out) throws Exception {
        BalanceKey account = ctx.getCurrentKey();
        BigInteger current = currentBalance();
        long nextFinal = Long.MAX_VALUE;
        for (int i = 0; i < resolutionsMs.length; i++) {
            long size = resolutionsMs[i];
            MapState<Long, WindowAccumulator> open = windows.get(i);
            List<Window> sorted = sortedWindows(open);
            BigInteger[] balances = balancesAtEnd(sorted, current);
            Long finalised = finalisedThrough.get(i).value();
            for (int j = 0; j < sorted.size(); j++) {
                Window w = sorted.get(j);
                long end = w.start + size;
                if (!w.acc.emitted() && end - 1 <= timestamp) {
                    open.put(w.start, w.acc.markEmitted());
                    out.collect(row(account, size, w.start, w.acc, balances[j], false));
                }
                if (end - 1 + horizonMs <= timestamp) {
                    open.remove(w.start);
                    finalised = finalised == null ? end : Math.max(finalised, end);
                } else if (end - 1 <= timestamp) {
                    nextFinal = Math.min(nextFinal, end - 1 + horizonMs);
                }
            }
            if (finalised != null) {
                finalisedThrough.get(i).update(finalised);
            }
        }
        // windows not yet emitted keep their end timers; the oldest emitted one's finalisation is the next sweep
        if (nextFinal != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(nextFinal);
        }
    }

    /** Re-emits (outside the window-end timers) the already-emitted windows of resolution i starting at or after fromStart, with fresh balances. */
    private void emitWindows(int i, long fromStart, BigInteger current, BalanceKey account,
                             Collector<BalanceWindowRow> out) throws Exception {
        List<Window> sorted = sortedWindows(windows.get(i));
        BigInteger[] balances = balancesAtEnd(sorted, current);
        for (int j = 0; j < sorted.size(); j++) {
            Window w = sorted.get(j);
            if (w.acc.emitted() && w.start >= fromStart) {
                out.collect(row(account, resolutionsMs[i], w.start, w.acc, balances[j], false));
                reemitted.inc();
            }
        }
    }

    /** With provisional windows on: the open windows of resolution i starting at or after fromStart, provisional. */
    private void emitOpen(int i, long fromStart, long watermark, BigInteger current, BalanceKey account,
                          Collector<BalanceWindowRow> out) throws Exception {
        if (!provisional) {
            return;
        }
        long size = resolutionsMs[i];
        List<Window> sorted = sortedWindows(windows.get(i));
        BigInteger[] balances = balancesAtEnd(sorted, current);
        for (int j = 0; j < sorted.size(); j++) {
            Window w = sorted.get(j);
            if (!w.acc.emitted() && w.start >= fromStart && w.start + size - 1 > watermark) {
                out.collect(row(account, size, w.start, w.acc, balances[j], true));
            }
        }
    }

    /** Balance at each window's end: the current balance minus every later window's delta. */
    private static BigInteger[] balancesAtEnd(List<Window> sorted, BigInteger current) {
        BigInteger[] balances = new BigInteger[sorted.size()];
        BigInteger running = current;
        for (int j = sorted.size() - 1; j >= 0; j--) {
            balances[j] = running;
            running = running.subtract(sorted.get(j).acc.delta());
        }
        return balances;
    }

    private static List<Window> sortedWindows(MapState<Long, WindowAccumulator> state) throws Exception {
        List<Window> list = new ArrayList<>();
        for (Map.Entry<Long, WindowAccumulator> e : state.entries()) {
            list.add(new Window(e.getKey(), e.getValue()));
        }
        list.sort(Comparator.comparingLong(Window::start));
        return list;
    }

    private BigInteger currentBalance() throws Exception {
        BigInteger b = balance.value();
        return b == null ? BigInteger.ZERO : b;
    }

    private static BalanceWindowRow row(BalanceKey a, long sizeMs, long start, WindowAccumulator acc,
                                        BigInteger balanceAtEnd, boolean provisional) {
        return new BalanceWindowRow(a.chainId(), a.address(), a.token(), a.tokenId(), (int) (sizeMs / 1000), start,
                acc.delta(), balanceAtEnd, acc.transfersIn(), acc.transfersOut(), acc.volumeIn(), acc.volumeOut(), provisional);
    }

    private record Window(long start, WindowAccumulator acc) {}
}
