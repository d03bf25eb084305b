package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecSerializer;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.analytics.stats.DistinctCounter;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by chain: totals since the configured start over final blocks, per chain and per (chain, token).
 * Chain senders/receivers/holders are exact (from the address ledger); token senders/receivers are
 * exact below the HLL threshold and HLL estimates with 2-sigma bounds above it; token holders are exact.
 * After every block it emits the chain row and the rows of the tokens the block touched.
 */
public final class TotalsAggregator extends KeyedProcessFunction<Long, LedgerBlock, SqlRow> {
    private static final int TRANSFERS = 0, SENDERS = 1, RECEIVERS = 2, HOLDERS = 3, FIRST_BLOCK = 4, FIRST_TIME = 5;

    private final AnalyticsConfig config;
    private transient ValueState<long[]> chain;
    private transient MapState<String, TokenTotals> tokens;

    public TotalsAggregator(AnalyticsConfig config) {
        this.config = config;
    }

    /** Running totals of one token. */
    public static final class TokenTotals {
        long transfers;
        BigInteger volume = BigInteger.ZERO;
        long firstBlock;
        long firstTime;
        long lastBlock;
        long lastTime;
        long holders;
        DistinctCounter senders;
        DistinctCounter receivers;
    }

    @Override
    public void open(OpenContext ctx) {
        chain = getRuntimeContext().getState(new ValueStateDescriptor<>("chain-totals", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        tokens = getRuntimeContext().getMapState(new MapStateDescriptor<>("token-totals", Types.STRING,
                new CodecTypeInfo<>(TokenTotals.class, new TokenTotalsCodec())));
    }

    @Override
    public void processElement(LedgerBlock lb, Context ctx, Collector<SqlRow> out) throws Exception {
        FinalBlock b = lb.block();
        long[] c = chain.value();
        if (c == null) {
            c = new long[] {0, 0, 0, 0, b.number(), b.time()};
        }
        c[TRANSFERS] += b.transfers().size();
        c[SENDERS] += lb.newSenders();
        c[RECEIVERS] += lb.newReceivers();
        c[HOLDERS] += lb.holdersDelta();
        chain.update(c);

        Map<String, TokenTotals> touched = new TreeMap<>();
        for (TransferFact t : b.transfers()) {
            TokenTotals tt = touched.get(t.token());
            if (tt == null) {
                tt = tokens.get(t.token());
                if (tt == null) {
                    tt = new TokenTotals();
                    tt.firstBlock = b.number();
                    tt.firstTime = b.time();
                    tt.senders = new DistinctCounter(config.hllThreshold(), config.hllLgK());
                    tt.receivers = new DistinctCounter(config.hllThreshold(), config.hllLgK());
                }
                touched.put(t.token(), tt);
            }
            tt.transfers++;
            tt.volume = tt.volume.add(t.amount());
            tt.senders.add(t.from());
            tt.receivers.add(t.to());
            tt.lastBlock = b.number();
            tt.lastTime = b.time();
        }
        for (Map.Entry<String, Integer> e : lb.tokenHolderDeltas().entrySet()) {
            // holders only change with a transfer of the token, so the token is in touched
            touched.get(e.getKey()).holders += e.getValue();
        }
        String accuracy = b.exact() ? "exact" : "partial";
        out.collect(new SqlRow(Tables.TOTALS.name(), "CHAIN", b.chainId(), null,
                c[TRANSFERS], null,
                c[SENDERS], c[SENDERS], c[SENDERS], "exact",
                c[RECEIVERS], c[RECEIVERS], c[RECEIVERS], "exact",
                c[HOLDERS], c[FIRST_BLOCK], b.number(), c[FIRST_TIME], b.time(),
                b.number(), b.time(), b.seq(), accuracy, b.coveredFrom(), b.number()));
        for (Map.Entry<String, TokenTotals> e : touched.entrySet()) {
            TokenTotals tt = e.getValue();
            tokens.put(e.getKey(), tt);
            out.collect(new SqlRow(Tables.TOTALS.name(), "TOKEN", b.chainId(), e.getKey(),
                    tt.transfers, tt.volume,
                    tt.senders.estimate(), tt.senders.lowerBound(), tt.senders.upperBound(), tt.senders.method(),
                    tt.receivers.estimate(), tt.receivers.lowerBound(), tt.receivers.upperBound(), tt.receivers.method(),
                    tt.holders, tt.firstBlock, tt.lastBlock, tt.firstTime, tt.lastTime,
                    b.number(), b.time(), b.seq(), accuracy, b.coveredFrom(), b.number()));
        }
    }

    public static final class TokenTotalsCodec implements Codec<TokenTotals> {
        private static final long serialVersionUID = 1L;
        private final DistinctCounter.DistinctCounterCodec counters = new DistinctCounter.DistinctCounterCodec();

        @Override
        public void write(TokenTotals t, DataOutputView out) throws IOException {
            out.writeLong(t.transfers);
            Codec.writeBigInteger(t.volume, out);
            out.writeLong(t.firstBlock);
            out.writeLong(t.firstTime);
            out.writeLong(t.lastBlock);
            out.writeLong(t.lastTime);
            out.writeLong(t.holders);
            counters.write(t.senders, out);
            counters.write(t.receivers, out);
        }

        @Override
        public TokenTotals read(DataInputView in) throws IOException {
            TokenTotals t = new TokenTotals();
            t.transfers = in.readLong();
            t.volume = Codec.readBigInteger(in);
            t.firstBlock = in.readLong();
            t.firstTime = in.readLong();
            t.lastBlock = in.readLong();
            t.lastTime = in.readLong();
            t.holders = in.readLong();
            t.senders = counters.read(in);
            t.receivers = counters.read(in);
            return t;
        }

        @Override
        public boolean immutable() {
            return false;
        }

        @Override
        public TokenTotals copy(TokenTotals t) {
            return CodecSerializer.roundTrip(this, t);
        }
    }
}
