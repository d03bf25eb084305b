package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Totals of one chain over its canonical blocks: an APPLIED event adds its block and transfers, a REVERTED
 * event subtracts exactly the same, so totals always describe the current canonical chain. Emits the
 * chain_totals row (main), the token_totals rows of the tokens an event touched, and the chains row once.
 */
public final class ChainTotalsFunction extends KeyedProcessFunction<Long, ChainEvent, ChainTotalsRow> {
    public static final OutputTag<TokenTotalsRow> TOKEN_TOTALS = new OutputTag<>("token-totals", BalanceTypes.TOKEN_TOTALS_ROW);
    public static final OutputTag<ChainRow> CHAINS = new OutputTag<>("chains", BalanceTypes.CHAIN_ROW);
    /** Block times kept to restore the head's time after a revert; deeper reorgs fall back to the reverted block's time. */
    public static final int RECENT_BLOCKS = 4096;

    private transient ValueState<ChainTotalsState> totals;
    private transient MapState<String, TokenTotalsState> tokens;
    private transient MapState<Long, Long> recentBlockTimes;

    @Override
    public void open(OpenContext openContext) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("totals", BalanceTypes.CHAIN_TOTALS_STATE));
        tokens = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("tokens", Types.STRING, BalanceTypes.TOKEN_TOTALS_STATE));
        recentBlockTimes = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("recent-block-times", Types.LONG, Types.LONG));
    }

    @Override
    public void processElement(ChainEvent event, Context ctx, Collector<ChainTotalsRow> out) throws Exception {
        long chainId = ctx.getCurrentKey();
        ChainTotalsState s = totals.value();
        if (s == null) {
            s = ChainTotalsState.EMPTY;
        }
        // the follower's head feeds the API's "blocks behind head", the stamped finalized block its finality marks;
        // the sink keeps the maximum of each
        if (!s.chainNamed() || event.getHeadNumber() > 0 || event.hasFinalizedNumber()) {
            ctx.output(CHAINS, new ChainRow(chainId, ChainNames.name(chainId), event.getHeadNumber(),
                    event.hasFinalizedNumber() ? event.getFinalizedNumber() : -1));
        }
        boolean applied = event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
        int sign = applied ? 1 : -1;
        long number = event.getBlock().getNumber();
        long timeMs = BlockTimeWatermarks.blockTimeMs(event);

        long first = s.firstBlock();
        long last;
        long lastTimeMs;
        if (applied) {
            first = s.blocks() <= 0 ? number : Math.min(first, number);
            last = number;
            lastTimeMs = timeMs;
            recentBlockTimes.put(number, timeMs);
            recentBlockTimes.remove(number - RECENT_BLOCKS);
        } else {
            last = number - 1;
            recentBlockTimes.remove(number);
            Long parentTime = recentBlockTimes.get(number - 1);
            lastTimeMs = parentTime != null ? parentTime : timeMs;
        }
        ChainTotalsState next = new ChainTotalsState(s.blocks() + sign,
                s.transfers() + (long) sign * event.getTransfersCount(), first, last, lastTimeMs, true);
        totals.update(next);
        out.collect(new ChainTotalsRow(chainId, next.blocks(), next.transfers(), next.firstBlock(), next.lastBlock(),
                next.lastBlockTimeMs()));

        Map<String, TokenTotalsState> touched = new LinkedHashMap<>();
        for (Transfer t : event.getTransfersList()) {
            TokenTotalsState sum = touched.get(t.getToken());
            BigInteger amount = TransferEffects.amount(t);
            touched.put(t.getToken(), sum == null
                    ? new TokenTotalsState(TokenStandards.name(t.getStandard()), 1, amount)
                    : new TokenTotalsState(sum.standard(), sum.transfers() + 1, sum.volume().add(amount)));
        }
        for (Map.Entry<String, TokenTotalsState> e : touched.entrySet()) {
            TokenTotalsState old = tokens.get(e.getKey());
            TokenTotalsState change = e.getValue();
            TokenTotalsState updated = old == null
                    ? new TokenTotalsState(change.standard(), sign * change.transfers(),
                            applied ? change.volume() : change.volume().negate())
                    : new TokenTotalsState(old.standard(), old.transfers() + sign * change.transfers(),
                            applied ? old.volume().add(change.volume()) : old.volume().subtract(change.volume()));
            tokens.put(e.getKey(), updated);
            ctx.output(TOKEN_TOTALS, new TokenTotalsRow(chainId, e.getKey(), updated.standard(), updated.transfers(),
                    updated.volume()));
        }
    }
}
