package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.common.IdleTtl;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.GlobalInput.Kind;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by address: what the address is across all chains — first day seen anywhere, ever sent, ever
 * received, how many chains it holds something on, recent active days — turned into signed deltas of the
 * global counts. Chains arrive in any interleaving, so a first-seen day can move earlier (the old day is
 * retracted); every delta is commutative, so the folded totals do not depend on arrival order. The recent
 * active days expire once idle past the retention (state TTL); what the address is never expires.
 */
public final class GlobalAddressRegistry extends KeyedProcessFunction<String, AddressEvent, GlobalInput> {
    /** Active days remembered per address to count an address once per day across chains. */
    static final int ACTIVE_DAYS_KEPT = 16;
    private static final int FIRST_DAY = 0, FLAGS = 1, CHAINS_HELD = 2;

    private final AnalyticsConfig config;
    private transient ValueState<long[]> state;
    private transient ValueState<long[]> activeDays;

    public GlobalAddressRegistry(AnalyticsConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("address", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        activeDays = getRuntimeContext().getState(IdleTtl.expireIdle(
                new ValueStateDescriptor<>("active-days", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO), config.activeDaysIdleTtl()));
    }

    @Override
    public void processElement(AddressEvent e, Context ctx, Collector<GlobalInput> out) throws Exception {
        if (e.kind() == AddressEvent.Kind.ACTIVE) {
            long[] days = activeDays.value();
            if (days == null) {
                days = new long[0];
            }
            if (Arrays.binarySearch(days, e.day()) < 0) {
                long[] next = Arrays.copyOf(days, days.length + 1);
                next[days.length] = e.day();
                Arrays.sort(next);
                if (next.length > ACTIVE_DAYS_KEPT) {
                    next = Arrays.copyOfRange(next, 1, next.length);
                }
                activeDays.update(next);
                out.collect(GlobalInput.delta(Kind.ACTIVE, e.day(), 1));
            }
            return;
        }
        long[] st = state.value();
        if (st == null) {
            st = new long[] {Long.MAX_VALUE, 0, 0};
        }
        switch (e.kind()) {
            case SEEN -> {
                if (e.day() < st[FIRST_DAY]) {
                    if (st[FIRST_DAY] != Long.MAX_VALUE) {
                        out.collect(GlobalInput.delta(Kind.NEW_ADDRESS, st[FIRST_DAY], -1));
                    }
                    out.collect(GlobalInput.delta(Kind.NEW_ADDRESS, e.day(), 1));
                    st[FIRST_DAY] = e.day();
                }
            }
            case SENT -> {
                if ((st[FLAGS] & 1) == 0) {
                    st[FLAGS] |= 1;
                    out.collect(GlobalInput.delta(Kind.SENDER, e.day(), 1));
                }
            }
            case RECEIVED -> {
                if ((st[FLAGS] & 2) == 0) {
                    st[FLAGS] |= 2;
                    out.collect(GlobalInput.delta(Kind.RECEIVER, e.day(), 1));
                }
            }
            case HOLDER_ON -> {
                if (++st[CHAINS_HELD] == 1) {
                    out.collect(GlobalInput.delta(Kind.HOLDER, e.day(), 1));
                }
            }
            case HOLDER_OFF -> {
                if (--st[CHAINS_HELD] == 0) {
                    out.collect(GlobalInput.delta(Kind.HOLDER, e.day(), -1));
                }
            }
            default -> throw new IllegalStateException("unexpected address event " + e);
        }
        state.update(st);
    }
}
