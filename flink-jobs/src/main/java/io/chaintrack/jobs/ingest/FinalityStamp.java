package io.chaintrack.jobs.ingest;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Stamps each APPLIED event with the highest block the pipeline will never revert: its own number minus the deepest
 * reorg the follower can still follow from it. Under a node-tagged policy (safe, finalized) the follower emits only
 * blocks at or below the node's tag, so the depth is 0; under confirmations it follows reorgs up to its reorg depth
 * below what it emitted (a deeper one fails the job). REVERTED events carry no stamp; the balance job keeps the maximum.
 */
public final class FinalityStamp implements MapFunction<ChainEvent, ChainEvent> {
    private static final long serialVersionUID = 1L;

    private final long revertibleDepth;

    public FinalityStamp(long revertibleDepth) {
        if (revertibleDepth < 0) {
            throw new IllegalArgumentException("revertible depth must be >= 0, was " + revertibleDepth);
        }
        this.revertibleDepth = revertibleDepth;
    }

    /** An EVM follower's stamp: depth 0 under safe / finalized, its reorg depth under confirmations. */
    public static FinalityStamp of(EvmChainConfig config) {
        return new FinalityStamp(config.finality().kind() == FinalityPolicy.Kind.CONFIRMATIONS ? config.reorgDepth() : 0);
    }

    /** The synthetic chain's stamp: it never reorgs deeper than its maxReorgDepth below the highest head it announced. */
    public static FinalityStamp of(SyntheticChainConfig config) {
        return new FinalityStamp(config.reorgProbability() > 0 ? config.maxReorgDepth() + 1L : 0);
    }

    public long revertibleDepth() {
        return revertibleDepth;
    }

    @Override
    public ChainEvent map(ChainEvent event) {
        if (event.getType() != ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
            return event;
        }
        long finalized = event.getBlock().getNumber() - revertibleDepth;
        if (finalized < 0 || event.hasFinalizedNumber() && event.getFinalizedNumber() >= finalized) {
            return event;
        }
        return event.toBuilder().setFinalizedNumber(finalized).build();
    }
}
