package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.TransferFact;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by chain: the chain's address book over final blocks. Per address it keeps the first day seen,
 * whether it ever sent or received, the tokens it holds and its last active day and window; per
 * (address, token, token id) the non-zero balance. A holder is an address with a positive balance of at
 * least one id of the token. Emits each block with the counts it changed, and cross-chain changes to
 * {@link #ADDRESS_EVENTS}. Entries of zero balances are removed, so balance state is bounded by holdings.
 */
public final class AddressLedger extends KeyedProcessFunction<Long, FinalBlock, LedgerBlock> {
    public static final OutputTag<AddressEvent> ADDRESS_EVENTS = new OutputTag<>("address-events", AddressEvent.TYPE);

    private static final int FIRST_DAY = 0;
    private static final int FLAGS = 1;
    private static final int TOKENS_HELD = 2;
    private static final int LAST_DAY = 3;
    private static final int LAST_WINDOW = 4;
    private static final long SENT = 1;
    private static final long RECEIVED = 2;

    private final AnalyticsConfig config;
    private transient MapState<String, long[]> addresses;
    private transient MapState<String, BigInteger> balances;
    private transient MapState<String, Integer> heldIds;

    public AddressLedger(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        addresses = getRuntimeContext().getMapState(new MapStateDescriptor<>("addresses", Types.STRING,
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        balances = getRuntimeContext().getMapState(new MapStateDescriptor<>("balances", Types.STRING, Types.BIG_INT));
        heldIds = getRuntimeContext().getMapState(new MapStateDescriptor<>("held-ids", Types.STRING, Types.INT));
    }

    /** Counters of one block, and the address entries it touched (written back once at the end). */
    private final class BlockWork {
        final FinalBlock block;
        final long day;
        final long window;
        final Context ctx;
        final Map<String, long[]> touched = new HashMap<>();
        final Map<String, Integer> tokenHolders = new TreeMap<>();
        int newAddresses, newSenders, newReceivers, holders, dayActive, windowActive;

        BlockWork(FinalBlock block, Context ctx) {
            this.block = block;
            this.ctx = ctx;
            this.day = block.day();
            this.window = block.windowIndex(config.windowSeconds());
        }

        void emit(String address, AddressEvent.Kind kind) {
            ctx.output(ADDRESS_EVENTS, new AddressEvent(address, block.chainId(), kind, day));
        }

        long[] entry(String address) throws Exception {
            long[] st = touched.get(address);
            if (st == null) {
                st = addresses.get(address);
                if (st == null) {
                    st = new long[] {day, 0, 0, day, window};
                    newAddresses++;
                    dayActive++;
                    windowActive++;
                    emit(address, AddressEvent.Kind.SEEN);
                    emit(address, AddressEvent.Kind.ACTIVE);
                } else {
                    st = st.clone();
                }
                touched.put(address, st);
            }
            if (st[LAST_DAY] != day) {
                st[LAST_DAY] = day;
                dayActive++;
                emit(address, AddressEvent.Kind.ACTIVE);
            }
            if (st[LAST_WINDOW] != window) {
                st[LAST_WINDOW] = window;
                windowActive++;
            }
            return st;
        }

        void flag(String address, long flag) throws Exception {
            long[] st = entry(address);
            if ((st[FLAGS] & flag) == 0) {
                st[FLAGS] |= flag;
                if (flag == SENT) {
                    newSenders++;
                    emit(address, AddressEvent.Kind.SENT);
                } else {
                    newReceivers++;
                    emit(address, AddressEvent.Kind.RECEIVED);
                }
            }
        }

        void move(String address, TransferFact t, BigInteger delta) throws Exception {
            String key = address + "|" + t.token() + "|" + t.tokenId();
            BigInteger before = balances.get(key);
            if (before == null) {
                before = BigInteger.ZERO;
            }
            BigInteger after = before.add(delta);
            if (after.signum() == 0) {
                balances.remove(key);
            } else {
                balances.put(key, after);
            }
            boolean was = before.signum() > 0;
            boolean is = after.signum() > 0;
            if (was == is) {
                return;
            }
            String heldKey = address + "|" + t.token();
            Integer ids = heldIds.get(heldKey);
            int idsBefore = ids == null ? 0 : ids;
            int idsAfter = idsBefore + (is ? 1 : -1);
            if (idsAfter == 0) {
                heldIds.remove(heldKey);
            } else {
                heldIds.put(heldKey, idsAfter);
            }
            if ((idsBefore == 0) == (idsAfter == 0)) {
                return;
            }
            int d = idsAfter > 0 ? 1 : -1;
            tokenHolders.merge(t.token(), d, Integer::sum);
            long[] st = entry(address);
            long heldBefore = st[TOKENS_HELD];
            st[TOKENS_HELD] += d;
            if (heldBefore == 0 && st[TOKENS_HELD] == 1) {
                holders++;
                emit(address, AddressEvent.Kind.HOLDER_ON);
            } else if (heldBefore == 1 && st[TOKENS_HELD] == 0) {
                holders--;
                emit(address, AddressEvent.Kind.HOLDER_OFF);
            }
        }
    }

    @Override
    public void processElement(FinalBlock block, Context ctx, Collector<LedgerBlock> out) throws Exception {
        BlockWork w = new BlockWork(block, ctx);
        for (TransferFact t : block.transfers()) {
            w.flag(t.from(), SENT);
            w.flag(t.to(), RECEIVED);
            if (t.amount().signum() != 0 && !t.from().equals(t.to())) {
                w.move(t.from(), t, t.amount().negate());
                w.move(t.to(), t, t.amount());
            }
        }
        for (Map.Entry<String, long[]> e : w.touched.entrySet()) {
            addresses.put(e.getKey(), e.getValue());
        }
        w.tokenHolders.values().removeIf(v -> v == 0);
        out.collect(new LedgerBlock(block, w.newAddresses, w.newSenders, w.newReceivers, w.holders, w.dayActive,
                w.windowActive, w.tokenHolders));
    }
}
