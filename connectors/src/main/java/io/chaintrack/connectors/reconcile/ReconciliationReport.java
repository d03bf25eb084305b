package io.chaintrack.connectors.reconcile;

import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one run, as stored in reconciliation_runs: status OK exactly when the run finished without a
 * mismatch, MISMATCH when it found any, FAILED when it could not finish (error says why; nothing was proven).
 */
public record ReconciliationReport(long runId, long chainId, Instant startedAt, Instant finishedAt, Long blockNumber,
                                   String blockHash, String status, String error, long accountsChecked,
                                   long balancesChecked, long balancesWithoutHistory, long ownersChecked, long blocksChecked, long mismatchCount,
                                   BigInteger largestDifference, long seed, List<Mismatch> mismatches) {
    public static final String OK = "OK";
    public static final String MISMATCH = "MISMATCH";
    public static final String FAILED = "FAILED";

    public boolean ok() {
        return OK.equals(status);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** Balances and owners compared per second of the run (its RPC calls dominate it). */
    public double checksPerSecond() {
        double seconds = Math.max(1e-3, duration().toNanos() / 1e9);
        return (balancesChecked + ownersChecked) / seconds;
    }

    public void print(PrintStream out) {
        out.printf("reconciliation run %d of chain %d: %s%n", runId, chainId, status);
        if (error != null) {
            out.println("  error: " + error);
        }
        if (blockNumber != null) {
            out.printf("  at block %d %s%n", blockNumber, blockHash);
        }
        out.printf("  checked %d accounts, %d balances, %d NFT owners, %d blocks in %d ms (%.1f balances+owners/s), sample seed %d%n",
                accountsChecked, balancesChecked, ownersChecked, blocksChecked, duration().toMillis(), checksPerSecond(), seed);
        if (balancesWithoutHistory > 0) {
            out.printf("  %d balance(s) not checked: their history below the chain's first indexed block is not synced%n",
                    balancesWithoutHistory);
        }
        out.printf("  %d mismatch(es), largest balance difference %s%n", mismatchCount, largestDifference);
        for (Mismatch m : mismatches) {
            out.println("  - " + m);
        }
        if (mismatches.size() < mismatchCount) {
            out.printf("  … and %d more (reconciliation_mismatches keeps the first %d)%n", mismatchCount - mismatches.size(),
                    mismatches.size());
        }
    }
}
