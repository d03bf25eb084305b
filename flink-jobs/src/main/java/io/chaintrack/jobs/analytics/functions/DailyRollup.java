package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecSerializer;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import io.chaintrack.jobs.analytics.model.DayTopTokens;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.io.IOException;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by chain: daily analytics over final blocks (UTC day of block time): transfers, active and new
 * addresses, blocks, top tokens by transfers, and per token transfers and volume. The day's rows are
 * re-emitted after every block (the sink keeps the newest per key); when a later day begins the day is
 * closed and its values go to {@link #DAILY_POINTS} for forecasting. Days without blocks close as zeros.
 * The day's top tokens also go to {@link #TOP_TOKENS_OUT} for the GLOBAL top tokens.
 */
public final class DailyRollup extends KeyedProcessFunction<Long, LedgerBlock, SqlRow> {
    public static final OutputTag<SeriesPoint> DAILY_POINTS = new OutputTag<>("daily-points", SeriesPoint.TYPE);
    /** The chain's top tokens of the open day after every block with transfers, for the GLOBAL top tokens. */
    public static final OutputTag<DayTopTokens> TOP_TOKENS_OUT = new OutputTag<>("day-top-tokens", DayTopTokens.TYPE);
    public static final String[] METRICS = {"transfers", "active_addresses", "new_addresses"};
    public static final int TOP_TOKENS = 5;

    private final AnalyticsConfig config;
    private transient ValueState<DayAcc> current;

    public DailyRollup(AnalyticsConfig config) {
        this.config = config;
    }

    /** The open day of a chain. */
    public static final class DayAcc {
        long day;
        long transfers;
        long active;
        long newAddresses;
        long blocks;
        final Map<String, TokenDay> tokens = new TreeMap<>();
    }

    /** One token's day. */
    public static final class TokenDay {
        long transfers;
        BigInteger volume = BigInteger.ZERO;
    }

    @Override
    public void open(OpenContext ctx) {
        current = getRuntimeContext().getState(new ValueStateDescriptor<>("open-day", new CodecTypeInfo<>(DayAcc.class, new DayAccCodec())));
    }

    @Override
    public void processElement(LedgerBlock lb, Context ctx, Collector<SqlRow> out) throws Exception {
        FinalBlock b = lb.block();
        DayAcc acc = current.value();
        if (acc != null && b.day() > acc.day) {
            close(b, acc, ctx, out);
            acc = null;
        }
        if (acc == null) {
            acc = new DayAcc();
            acc.day = b.day();
        }
        acc.transfers += b.transfers().size();
        acc.active += lb.newDayActive();
        acc.newAddresses += lb.newAddresses();
        acc.blocks++;
        TreeSet<String> touched = new TreeSet<>();
        for (TransferFact t : b.transfers()) {
            TokenDay td = acc.tokens.computeIfAbsent(t.token(), k -> new TokenDay());
            td.transfers++;
            td.volume = td.volume.add(t.amount());
            touched.add(t.token());
        }
        current.update(acc);
        String accuracy = b.exact() ? "exact" : "partial";
        LocalDate day = LocalDate.ofEpochDay(acc.day);
        List<DayTopTokens.Entry> top = top(acc);
        out.collect(new SqlRow(Tables.DAILY.name(), "CHAIN", b.chainId(), day, acc.transfers, acc.active, acc.newAddresses,
                acc.blocks, json(top), b.number(), b.time(), b.seq(), accuracy));
        if (!b.transfers().isEmpty()) {
            ctx.output(TOP_TOKENS_OUT, new DayTopTokens(b.chainId(), acc.day, b.seq(), top));
        }
        for (String token : touched) {
            TokenDay td = acc.tokens.get(token);
            out.collect(new SqlRow(Tables.DAILY_TOKENS.name(), b.chainId(), token, day, td.transfers, td.volume, b.seq()));
        }
    }

    private void close(FinalBlock next, DayAcc acc, Context ctx, Collector<SqlRow> out) {
        points(next.chainId(), acc.day, acc.transfers, acc.active, acc.newAddresses, ctx);
        long lastGap = Math.min(next.day() - 1, acc.day + config.forecastHistoryDays());
        String accuracy = next.exact() ? "exact" : "partial";
        for (long d = acc.day + 1; d <= lastGap; d++) {
            out.collect(new SqlRow(Tables.DAILY.name(), "CHAIN", next.chainId(), LocalDate.ofEpochDay(d), 0L, 0L, 0L, 0L,
                    "[]", null, d * 86_400L, next.seq() - 1, accuracy));
            points(next.chainId(), d, 0, 0, 0, ctx);
        }
    }

    private static void points(long chainId, long day, long transfers, long active, long newAddresses, Context ctx) {
        ctx.output(DAILY_POINTS, new SeriesPoint(chainId, null, METRICS[0], day, transfers));
        ctx.output(DAILY_POINTS, new SeriesPoint(chainId, null, METRICS[1], day, active));
        ctx.output(DAILY_POINTS, new SeriesPoint(chainId, null, METRICS[2], day, newAddresses));
    }

    /** JSON array of top-token entries, in the order given (already ranked by the caller), as analysts read it. */
    static String json(List<DayTopTokens.Entry> top) {
        StringBuilder sb = new StringBuilder("[");
        for (DayTopTokens.Entry e : top) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"token\":\"").append(e.token()).append("\",\"transfers\":").append(e.transfers())
                    .append(",\"volume\":\"").append(e.volume()).append("\"}");
        }
        return sb.append(']').toString();
    }

    /** The day's top tokens by transfers, ties by token. */
    static List<DayTopTokens.Entry> top(DayAcc acc) {
        String[] names = new String[TOP_TOKENS];
        long[] counts = new long[TOP_TOKENS];
        int n = 0;
        for (Map.Entry<String, TokenDay> e : acc.tokens.entrySet()) {
            long c = e.getValue().transfers;
            // tokens iterate in ascending order, so a tie never displaces an earlier token
            int pos = n;
            while (pos > 0 && counts[pos - 1] < c) {
                pos--;
            }
            if (pos >= TOP_TOKENS) {
                continue;
            }
            int last = Math.min(n, TOP_TOKENS - 1);
            for (int i = last; i > pos; i--) {
                names[i] = names[i - 1];
                counts[i] = counts[i - 1];
            }
            names[pos] = e.getKey();
            counts[pos] = c;
            n = Math.min(n + 1, TOP_TOKENS);
        }
        List<DayTopTokens.Entry> top = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            top.add(new DayTopTokens.Entry(names[i], counts[i], acc.tokens.get(names[i]).volume));
        }
        return top;
    }

    public static final class DayAccCodec implements Codec<DayAcc> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(DayAcc a, DataOutputView out) throws IOException {
            out.writeLong(a.day);
            out.writeLong(a.transfers);
            out.writeLong(a.active);
            out.writeLong(a.newAddresses);
            out.writeLong(a.blocks);
            out.writeInt(a.tokens.size());
            for (Map.Entry<String, TokenDay> e : a.tokens.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().transfers);
                Codec.writeBigInteger(e.getValue().volume, out);
            }
        }

        @Override
        public DayAcc read(DataInputView in) throws IOException {
            DayAcc a = new DayAcc();
            a.day = in.readLong();
            a.transfers = in.readLong();
            a.active = in.readLong();
            a.newAddresses = in.readLong();
            a.blocks = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String token = in.readUTF();
                TokenDay td = new TokenDay();
                td.transfers = in.readLong();
                td.volume = Codec.readBigInteger(in);
                a.tokens.put(token, td);
            }
            return a;
        }

        @Override
        public boolean immutable() {
            return false;
        }

        @Override
        public DayAcc copy(DayAcc a) {
            return CodecSerializer.roundTrip(this, a);
        }
    }
}
