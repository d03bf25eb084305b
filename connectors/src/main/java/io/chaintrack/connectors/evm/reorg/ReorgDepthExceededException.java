package io.chaintrack.connectors.evm.reorg;

/**
 * A reorganisation reaches below the blocks the follower can revert: deeper than the configured bound, or
 * below the first block the head follower emitted (older blocks came from the parallel backfill, which treats
 * them as final). The source stops rather than emit a history it cannot undo exactly.
 */
public class ReorgDepthExceededException extends RuntimeException {
    private final String chain;
    private final long forkBelow;
    private final int bound;

    public ReorgDepthExceededException(String chain, long head, long lowestChecked, int bound, String detail) {
        super("chain " + chain + ": reorg deeper than the bound of " + bound + " blocks: block " + head
                + " is no longer canonical and none of the held blocks " + lowestChecked + ".." + head
                + " matches the node's chain any more (" + detail + "). The fork point is below block "
                + lowestChecked + "; raise reorgDepth, or restore from a checkpoint taken before the fork");
        this.chain = chain;
        this.forkBelow = lowestChecked;
        this.bound = bound;
    }

    public String chain() {
        return chain;
    }

    /** Every block from here up differs from what was emitted. */
    public long forkBelow() {
        return forkBelow;
    }

    public int bound() {
        return bound;
    }
}
