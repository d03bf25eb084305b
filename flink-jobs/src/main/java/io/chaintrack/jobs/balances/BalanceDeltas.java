package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Each transfer as two deltas under {@link TransferEffects}, the balance rule ground truth shares:
 * the sender's (out) and the receiver's (in). A REVERTED event yields the same deltas marked not applied.
 */
public final class BalanceDeltas implements FlatMapFunction<ChainEvent, BalanceDelta> {
    @Override
    public void flatMap(ChainEvent event, Collector<BalanceDelta> out) {
        boolean applied = event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
        long chainId = event.getBlock().getChainId();
        long number = event.getBlock().getNumber();
        long timeMs = BlockTimes.millis(event);
        for (Transfer t : event.getTransfersList()) {
            BigInteger amount = TransferEffects.amount(t);
            String standard = TokenStandards.name(t.getStandard());
            out.collect(new BalanceDelta(TransferEffects.senderKey(chainId, t), standard, number, timeMs,
                    applied, false, amount));
            out.collect(new BalanceDelta(TransferEffects.receiverKey(chainId, t), standard, number, timeMs,
                    applied, true, amount));
        }
    }
}
