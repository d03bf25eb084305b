package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecSerializer;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import io.chaintrack.jobs.common.IdleTtl;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.analytics.stats.Baseline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.tdigest.TDigestDouble;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by chain: flags single transfers whose amount is at least p99Factor times their token's p99 over
 * the N windows before the transfer's window (DataSketches t-digest per token and window). Sketches are
 * compressed at the end of every block so their state, and every flag, is the same whatever the
 * checkpoint timing. Per-token sketches older than the baseline are dropped. A token silent for longer than
 * the baseline has an empty baseline when it returns, so its entry expires when idle (state TTL) with no effect.
 */
public final class LargeTransferDetector extends KeyedProcessFunction<Long, LedgerBlock, SqlRow> {
    public static final String METRIC = "transfer_amount";

    private final AnalyticsConfig config;
    private transient MapState<String, TokenQuantiles> tokens;

    public LargeTransferDetector(AnalyticsConfig config) {
        this.config = config;
    }

    /** The current window's digest of one token, the closed windows' digests, and the cached baseline p99. */
    public static final class TokenQuantiles {
        long window;
        TDigestDouble current = new TDigestDouble();
        List<Long> closedWindows = new ArrayList<>();
        List<TDigestDouble> closed = new ArrayList<>();
        double p99 = Double.NaN;
    }

    @Override
    public void open(OpenContext ctx) {
        tokens = getRuntimeContext().getMapState(IdleTtl.expireIdle(new MapStateDescriptor<>("token-quantiles", Types.STRING,
                new CodecTypeInfo<>(TokenQuantiles.class, new TokenQuantilesCodec())), config.baselineIdleTtl()));
    }

    @Override
    public void processElement(LedgerBlock lb, Context ctx, Collector<SqlRow> out) throws Exception {
        FinalBlock b = lb.block();
        long window = b.windowIndex(config.windowSeconds());
        Map<String, TokenQuantiles> touched = new HashMap<>();
        for (TransferFact t : b.transfers()) {
            TokenQuantiles q = touched.get(t.token());
            if (q == null) {
                q = tokens.get(t.token());
                if (q == null) {
                    q = new TokenQuantiles();
                    q.window = window;
                }
                roll(q, window);
                touched.put(t.token(), q);
            }
            double amount = t.amount().doubleValue();
            if (!Double.isNaN(q.p99) && q.p99 > 0 && amount >= config.p99Factor() * q.p99) {
                double score = amount / q.p99;
                out.collect(new SqlRow(Tables.ANOMALIES.name(), b.chainId(), t.token(), METRIC,
                        window * config.windowSeconds(), (int) config.windowSeconds(), "P99", t.subject(b.hash()),
                        amount, q.p99, q.p99, null, config.p99Factor() * q.p99, score, config.p99Factor(),
                        Baseline.severity(score, config.p99Factor()), q.closedWindows.size(), b.number()));
            }
            q.current.update(amount);
        }
        for (Map.Entry<String, TokenQuantiles> e : touched.entrySet()) {
            e.getValue().current.compress();
            tokens.put(e.getKey(), e.getValue());
        }
    }

    /** Moves the token to {@code window}: closes its current digest and rebuilds the baseline p99. */
    private void roll(TokenQuantiles q, long window) {
        if (window == q.window) {
            return;
        }
        if (!q.current.isEmpty()) {
            q.closedWindows.add(q.window);
            q.closed.add(q.current);
        }
        q.current = new TDigestDouble();
        q.window = window;
        for (int i = q.closedWindows.size() - 1; i >= 0; i--) {
            if (window - q.closedWindows.get(i) > config.baselineWindows()) {
                q.closedWindows.remove(i);
                q.closed.remove(i);
            }
        }
        TDigestDouble merged = new TDigestDouble();
        for (TDigestDouble d : q.closed) {
            merged.merge(d);
        }
        q.p99 = merged.getTotalWeight() >= config.p99MinSamples() ? merged.getQuantile(0.99) : Double.NaN;
    }

    public static final class TokenQuantilesCodec implements Codec<TokenQuantiles> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(TokenQuantiles q, DataOutputView out) throws IOException {
            out.writeLong(q.window);
            writeDigest(q.current, out);
            out.writeInt(q.closed.size());
            for (int i = 0; i < q.closed.size(); i++) {
                out.writeLong(q.closedWindows.get(i));
                writeDigest(q.closed.get(i), out);
            }
            out.writeDouble(q.p99);
        }

        @Override
        public TokenQuantiles read(DataInputView in) throws IOException {
            TokenQuantiles q = new TokenQuantiles();
            q.window = in.readLong();
            q.current = readDigest(in);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                q.closedWindows.add(in.readLong());
                q.closed.add(readDigest(in));
            }
            q.p99 = in.readDouble();
            return q;
        }

        private static void writeDigest(TDigestDouble d, DataOutputView out) throws IOException {
            byte[] image = d.toByteArray();
            out.writeInt(image.length);
            out.write(image);
        }

        private static TDigestDouble readDigest(DataInputView in) throws IOException {
            byte[] image = new byte[in.readInt()];
            in.readFully(image);
            return TDigestDouble.heapify(Memory.wrap(image));
        }

        @Override
        public boolean immutable() {
            return false;
        }

        @Override
        public TokenQuantiles copy(TokenQuantiles q) {
            return CodecSerializer.roundTrip(this, q);
        }
    }
}
