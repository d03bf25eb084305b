package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.reorg.CanonicalWindow;
import io.chaintrack.connectors.evm.reorg.TailFollower;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;

/**
 * The checkpointed progress of one split, advanced only as events are emitted downstream (never as they are
 * fetched): APPLIED moves {@code next} past the block and, for the tail, pushes it into the window; REVERTED
 * pops the window and moves {@code next} back to the reverted block.
 */
public final class EvmSplitState {
    private final EvmSplit split;
    private final CanonicalWindow window;
    private long next;

    public EvmSplitState(EvmSplit split, int reorgDepth) {
        this.split = split;
        this.next = split.next();
        this.window = split.kind() == EvmSplit.Kind.TAIL
                ? new CanonicalWindow(TailFollower.windowCapacity(reorgDepth), split.window())
                : null;
    }

    public boolean isTail() {
        return split.kind() == EvmSplit.Kind.TAIL;
    }

    public long next() {
        return next;
    }

    public void onEmitted(ChainEvent e) {
        long n = e.getBlock().getNumber();
        if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED) {
            if (window == null) {
                throw new IllegalStateException("a backfill split emitted a REVERTED event for block " + n);
            }
            ChainEvent popped = window.popLast();
            if (popped.getBlock().getNumber() != n || !popped.getBlock().getHash().equals(e.getBlock().getHash())) {
                throw new IllegalStateException("REVERTED " + n + " " + e.getBlock().getHash()
                        + " is not the newest held block " + popped.getBlock().getNumber());
            }
            next = n;
            return;
        }
        if (n != next) {
            throw new IllegalStateException("split " + split.splitId() + " expected block " + next + " but emitted " + n);
        }
        if (window != null) {
            window.push(e);
        }
        next = n + 1;
    }

    public EvmSplit toSplit() {
        return new EvmSplit(split.kind(), split.from(), split.to(), next,
                window == null ? java.util.List.of() : window.snapshot());
    }
}
