package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.fetch.HeadPoll;

/**
 * Where parallel backfill stops and the ordered head follower starts, decided once from the node's head at the
 * first start. Backfill covers only blocks that cannot reorg within the configured bound: at most the emit
 * horizon, and at least reorgDepth below the head unless the node's {@code finalized} tag vouches for them.
 *
 * @param backfillEnd last backfilled block ({@code startBlock - 1} when there is nothing to backfill)
 * @param tailStart   first block of the head follower
 * @param tailNeeded  false when a bounded range ends inside the backfill
 */
public record BackfillPlan(long backfillEnd, long tailStart, boolean tailNeeded) {

    public static BackfillPlan of(EvmChainConfig config, HeadPoll head) {
        long finalBound = config.finality().kind() == FinalityPolicy.Kind.FINALIZED
                ? head.horizon()
                : head.latest() - config.reorgDepth();
        long end = Math.min(head.horizon(), finalBound);
        if (config.endBlock() != null) {
            end = Math.min(end, config.endBlock());
        }
        end = Math.max(end, config.startBlock() - 1);
        long tailStart = end + 1;
        boolean tailNeeded = config.endBlock() == null || config.endBlock() >= tailStart;
        return new BackfillPlan(end, tailStart, tailNeeded);
    }
}
