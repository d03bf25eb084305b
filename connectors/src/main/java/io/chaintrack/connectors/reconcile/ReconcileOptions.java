package io.chaintrack.connectors.reconcile;

import java.time.Duration;

/**
 * What one reconciliation run checks: every balance touched in the {@code recentBlocks} newest indexed blocks, plus
 * the parties of every transfer in {@code sampleBlocks} older blocks picked by {@code seed} (an account is the likelier
 * to be sampled the more blocks it has transfers in: busy accounts are favoured). A mismatch is confirmed only if
 * chaintrack's row still disagrees after {@code settle} (the tables are written by separate sinks at their own pace).
 *
 * @param maxMismatchesStored mismatches written to reconciliation_mismatches per run; the run's count covers them all
 */
public record ReconcileOptions(long chainId, int recentBlocks, int sampleBlocks, long seed, Duration settle,
                               int maxMismatchesStored) {
    public static final int DEFAULT_RECENT_BLOCKS = 64;
    public static final int DEFAULT_SAMPLE_BLOCKS = 32;
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_MISMATCHES_STORED = 1000;

    public ReconcileOptions {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive, was " + chainId);
        }
        if (recentBlocks < 1) {
            throw new IllegalArgumentException("recent blocks must be at least 1, was " + recentBlocks);
        }
        if (sampleBlocks < 0) {
            throw new IllegalArgumentException("sample blocks must be 0 or more, was " + sampleBlocks);
        }
        if (settle == null || settle.isNegative()) {
            throw new IllegalArgumentException("settle must be zero or positive, was " + settle);
        }
        if (maxMismatchesStored < 1) {
            throw new IllegalArgumentException("max mismatches stored must be at least 1, was " + maxMismatchesStored);
        }
    }

    public static ReconcileOptions defaults(long chainId, long seed) {
        return new ReconcileOptions(chainId, DEFAULT_RECENT_BLOCKS, DEFAULT_SAMPLE_BLOCKS, seed, DEFAULT_SETTLE,
                DEFAULT_MAX_MISMATCHES_STORED);
    }

    public ReconcileOptions withSettle(Duration value) {
        return new ReconcileOptions(chainId, recentBlocks, sampleBlocks, seed, value, maxMismatchesStored);
    }

    public ReconcileOptions withSeed(long value) {
        return new ReconcileOptions(chainId, recentBlocks, sampleBlocks, value, settle, maxMismatchesStored);
    }
}
