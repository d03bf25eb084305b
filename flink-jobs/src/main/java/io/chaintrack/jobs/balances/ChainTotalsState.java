package io.chaintrack.jobs.balances;

/**
 * Running totals of one chain over its canonical blocks; blocks == 0 means nothing canonical yet.
 * chainNamed: the chains row was written by this job instance.
 */
public record ChainTotalsState(long blocks, long transfers, long firstBlock, long lastBlock, long lastBlockTimeMs,
                               boolean chainNamed) {
    public static final ChainTotalsState EMPTY = new ChainTotalsState(0, 0, 0, 0, 0, false);
}
