package io.chaintrack.jobs.balances;

import io.chaintrack.connectors.model.BalanceKey;
import io.chaintrack.connectors.model.TransferEffects;
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
        long timeMs = event.getBlock().getTimestamp() * 1000L;
        for (Transfer t : event.getTransfersList()) {
            BigInteger amount = TransferEffects.amount(t);
            String standard = ChainEventRows.standardName(t.getStandard());
            out.collect(new BalanceDelta(account(chainId, TransferEffects.senderKey(t)), standard, number, timeMs,
                    applied, false, amount));
            out.collect(new BalanceDelta(account(chainId, TransferEffects.receiverKey(t)), standard, number, timeMs,
                    applied, true, amount));
        }
    }

    private static BalanceAccount account(long chainId, BalanceKey key) {
        return new BalanceAccount(chainId, key.token(), key.tokenId(), key.address());
    }
}
