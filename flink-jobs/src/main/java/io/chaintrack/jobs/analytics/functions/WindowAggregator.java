package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecSerializer;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.stats.DistinctCounter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by chain: tumbling windows on block time over final blocks. A window closes when the first final
 * block of a later window arrives (final blocks come in order, so nothing can change it any more) and its
 * metrics go out once: per chain transfers, active addresses, gas used and mean block interval; per token
 * transfers, volume and active addresses. Tokens active within the last baseline windows also get zeros
 * for windows they were silent in, so drops to nothing are scored; older silent tokens are forgotten.
 * Windows without any block (a halted chain) close as zeros. The open window stays open at end of input.
 */
public final class WindowAggregator extends KeyedProcessFunction<Long, LedgerBlock, SeriesPoint> {
    public static final String TRANSFERS = "transfers";
    public static final String VOLUME = "volume";
    public static final String ACTIVE = "active_addresses";
    public static final String GAS = "gas_used";
    public static final String INTERVAL = "block_interval";

    private final AnalyticsConfig config;
    private transient ValueState<WindowAcc> current;
    private transient MapState<String, Long> lastActive;

    public WindowAggregator(AnalyticsConfig config) {
        this.config = config;
    }

    /** The open window of a chain. */
    public static final class WindowAcc {
        long index;
        long transfers;
        long active;
        long gas;
        long intervalSum;
        long intervals;
        final Map<String, TokenWindow> tokens = new TreeMap<>();
    }

    /** One token inside the open window. */
    public static final class TokenWindow {
        long transfers;
        double volume;
        DistinctCounter active;
    }

    @Override
    public void open(OpenContext ctx) {
        current = getRuntimeContext().getState(new ValueStateDescriptor<>("open-window",
                new CodecTypeInfo<>(WindowAcc.class, new WindowAccCodec())));
        lastActive = getRuntimeContext().getMapState(new MapStateDescriptor<>("token-last-active-window", Types.STRING, Types.LONG));
    }

    @Override
    public void processElement(LedgerBlock lb, Context ctx, Collector<SeriesPoint> out) throws Exception {
        FinalBlock b = lb.block();
        long index = b.windowIndex(config.windowSeconds());
        WindowAcc acc = current.value();
        if (acc != null && index > acc.index) {
            close(b.chainId(), acc, index, out);
            acc = null;
        }
        if (acc == null) {
            acc = new WindowAcc();
            acc.index = index;
        }
        acc.transfers += b.transfers().size();
        acc.active += lb.newWindowActive();
        acc.gas += b.gasUsed();
        if (b.intervalSeconds() >= 0) {
            acc.intervalSum += b.intervalSeconds();
            acc.intervals++;
        }
        for (TransferFact t : b.transfers()) {
            TokenWindow tw = acc.tokens.get(t.token());
            if (tw == null) {
                tw = new TokenWindow();
                tw.active = new DistinctCounter(config.hllThreshold(), config.hllLgK());
                acc.tokens.put(t.token(), tw);
                lastActive.put(t.token(), index);
            }
            tw.transfers++;
            tw.volume += t.amount().doubleValue();
            tw.active.add(t.from());
            tw.active.add(t.to());
        }
        current.update(acc);
    }

    private void close(long chainId, WindowAcc acc, long nextIndex, Collector<SeriesPoint> out) throws Exception {
        long w = config.windowSeconds();
        long start = acc.index * w;
        out.collect(new SeriesPoint(chainId, null, TRANSFERS, start, acc.transfers));
        out.collect(new SeriesPoint(chainId, null, ACTIVE, start, acc.active));
        out.collect(new SeriesPoint(chainId, null, GAS, start, acc.gas));
        if (acc.intervals > 0) {
            out.collect(new SeriesPoint(chainId, null, INTERVAL, start, (double) acc.intervalSum / acc.intervals));
        }
        TreeMap<String, Long> recent = new TreeMap<>();
        for (Map.Entry<String, Long> e : lastActive.entries()) {
            recent.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : recent.entrySet()) {
            TokenWindow tw = acc.tokens.get(e.getKey());
            if (tw != null) {
                out.collect(new SeriesPoint(chainId, e.getKey(), TRANSFERS, start, tw.transfers));
                out.collect(new SeriesPoint(chainId, e.getKey(), VOLUME, start, tw.volume));
                out.collect(new SeriesPoint(chainId, e.getKey(), ACTIVE, start, tw.active.estimate()));
            } else if (acc.index - e.getValue() <= config.baselineWindows()) {
                zeros(chainId, e.getKey(), start, out);
            }
        }
        // windows without a single block between this one and the next: zeros, up to one baseline's worth
        long lastGap = Math.min(nextIndex - 1, acc.index + config.baselineWindows());
        for (long i = acc.index + 1; i <= lastGap; i++) {
            long s = i * w;
            out.collect(new SeriesPoint(chainId, null, TRANSFERS, s, 0));
            out.collect(new SeriesPoint(chainId, null, ACTIVE, s, 0));
            out.collect(new SeriesPoint(chainId, null, GAS, s, 0));
            for (Map.Entry<String, Long> e : recent.entrySet()) {
                if (i - e.getValue() <= config.baselineWindows()) {
                    zeros(chainId, e.getKey(), s, out);
                }
            }
        }
        List<String> forget = new ArrayList<>();
        for (Map.Entry<String, Long> e : recent.entrySet()) {
            if (nextIndex - e.getValue() > config.baselineWindows()) {
                forget.add(e.getKey());
            }
        }
        for (String token : forget) {
            lastActive.remove(token);
        }
        current.clear();
    }

    private static void zeros(long chainId, String token, long start, Collector<SeriesPoint> out) {
        out.collect(new SeriesPoint(chainId, token, TRANSFERS, start, 0));
        out.collect(new SeriesPoint(chainId, token, VOLUME, start, 0));
        out.collect(new SeriesPoint(chainId, token, ACTIVE, start, 0));
    }

    public static final class WindowAccCodec implements Codec<WindowAcc> {
        private static final long serialVersionUID = 1L;
        private final DistinctCounter.DistinctCounterCodec counters = new DistinctCounter.DistinctCounterCodec();

        @Override
        public void write(WindowAcc a, DataOutputView out) throws IOException {
            out.writeLong(a.index);
            out.writeLong(a.transfers);
            out.writeLong(a.active);
            out.writeLong(a.gas);
            out.writeLong(a.intervalSum);
            out.writeLong(a.intervals);
            out.writeInt(a.tokens.size());
            for (Map.Entry<String, TokenWindow> e : a.tokens.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().transfers);
                out.writeDouble(e.getValue().volume);
                counters.write(e.getValue().active, out);
            }
        }

        @Override
        public WindowAcc read(DataInputView in) throws IOException {
            WindowAcc a = new WindowAcc();
            a.index = in.readLong();
            a.transfers = in.readLong();
            a.active = in.readLong();
            a.gas = in.readLong();
            a.intervalSum = in.readLong();
            a.intervals = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String token = in.readUTF();
                TokenWindow tw = new TokenWindow();
                tw.transfers = in.readLong();
                tw.volume = in.readDouble();
                tw.active = counters.read(in);
                a.tokens.put(token, tw);
            }
            return a;
        }

        @Override
        public boolean immutable() {
            return false;
        }

        @Override
        public WindowAcc copy(WindowAcc a) {
            return CodecSerializer.roundTrip(this, a);
        }
    }
}
