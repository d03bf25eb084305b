package io.chaintrack.jobs.analytics;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Every tunable of the analytics job (documented in docs/analysts.md).
 *
 * @param window                anomaly window: tumbling, on block time
 * @param baselineWindows       N: a window is scored against the N windows before it
 * @param minBaselineWindows    windows needed before a series is scored at all
 * @param zThreshold            |z| at or above which a window is flagged (critical at twice)
 * @param iqrK                  Tukey fence multiplier k (critical beyond 2k)
 * @param p99Factor             a transfer is flagged when its amount is at least p99Factor x the rolling p99
 * @param p99MinSamples         transfers needed in the baseline windows before p99 flags anything
 * @param hllThreshold          distinct counts are exact below this many values, HyperLogLog above
 * @param hllLgK                log2 of the HLL register count (12 gives about 1.6% relative standard error)
 * @param reorgHorizonBlocks    a block is final once this many newer canonical blocks exist (at least 1)
 * @param startBlock            the configured start block of every chain (totals are exact only from it)
 * @param chainStartBlocks      per-chain overrides of startBlock
 * @param retentionDays         days kept in the day-partitioned tables
 * @param forecastDays          days ahead forecast from each closed day
 * @param forecastMinHistory    closed days needed before forecasting
 * @param forecastHistoryDays   closed days a forecast is fitted on
 */
public record AnalyticsConfig(
        Duration window,
        int baselineWindows,
        int minBaselineWindows,
        double zThreshold,
        double iqrK,
        double p99Factor,
        int p99MinSamples,
        int hllThreshold,
        int hllLgK,
        int reorgHorizonBlocks,
        long startBlock,
        Map<Long, Long> chainStartBlocks,
        int retentionDays,
        int forecastDays,
        int forecastMinHistory,
        int forecastHistoryDays) implements Serializable {

    public AnalyticsConfig {
        if (window.toSeconds() < 1) {
            throw new IllegalArgumentException("window must be at least one second, got " + window);
        }
        if (baselineWindows < 2) {
            throw new IllegalArgumentException("baseline-windows must be >= 2, got " + baselineWindows);
        }
        if (minBaselineWindows < 2 || minBaselineWindows > baselineWindows) {
            throw new IllegalArgumentException("min-baseline-windows must be in [2, baseline-windows], got " + minBaselineWindows);
        }
        if (reorgHorizonBlocks < 1) {
            throw new IllegalArgumentException("reorg-horizon-blocks must be >= 1, got " + reorgHorizonBlocks);
        }
        if (hllThreshold < 1 || hllLgK < 4 || hllLgK > 21) {
            throw new IllegalArgumentException("hll-threshold must be >= 1 and hll-lg-k in [4, 21]");
        }
        if (zThreshold <= 0 || iqrK <= 0 || p99Factor <= 0) {
            throw new IllegalArgumentException("z-threshold, iqr-k and p99-factor must be > 0");
        }
        if (retentionDays < 1 || forecastDays < 1 || forecastMinHistory < 3 || forecastHistoryDays < forecastMinHistory) {
            throw new IllegalArgumentException("retention-days, forecast-days >= 1, forecast-min-history >= 3, forecast-history-days >= forecast-min-history");
        }
        chainStartBlocks = Map.copyOf(chainStartBlocks);
    }

    public static AnalyticsConfig defaults() {
        return new AnalyticsConfig(Duration.ofHours(1), 24, 6, 3.0, 1.5, 10.0, 200, 100_000, 12, 64,
                0L, Map.of(), 90, 7, 7, 90);
    }

    /** Floor of the idle-state TTLs: a restore after a shorter downtime, or a shorter halt, expires nothing. */
    public static final Duration MIN_IDLE_TTL = Duration.ofDays(7);

    /**
     * Idle TTL of per-token and per-series baselines (anomaly scorer, p99 sketches): twice the baseline
     * horizon of baselineWindows + 1 windows, at least {@link #MIN_IDLE_TTL}. Longer than the horizon so
     * a key expires only when, at real-time pace, its baseline would have emptied anyway.
     */
    public Duration baselineIdleTtl() {
        Duration twoHorizons = window.multipliedBy(2L * (baselineWindows + 1));
        return twoHorizons.compareTo(MIN_IDLE_TTL) > 0 ? twoHorizons : MIN_IDLE_TTL;
    }

    /**
     * Idle TTL of an address's recent active days in the cross-chain registry: retentionDays + 1 days, so an
     * entry can only expire once every day in it has left the retention of the daily tables.
     */
    public Duration activeDaysIdleTtl() {
        return Duration.ofDays(retentionDays + 1L);
    }

    public long windowSeconds() {
        return window.toSeconds();
    }

    public long startBlock(long chainId) {
        return chainStartBlocks.getOrDefault(chainId, startBlock);
    }

    public AnalyticsConfig withWindow(Duration w) {
        return new AnalyticsConfig(w, baselineWindows, minBaselineWindows, zThreshold, iqrK, p99Factor, p99MinSamples,
                hllThreshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    public AnalyticsConfig withBaseline(int n, int min) {
        return new AnalyticsConfig(window, n, min, zThreshold, iqrK, p99Factor, p99MinSamples,
                hllThreshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    public AnalyticsConfig withHll(int threshold) {
        return new AnalyticsConfig(window, baselineWindows, minBaselineWindows, zThreshold, iqrK, p99Factor, p99MinSamples,
                threshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    public AnalyticsConfig withHorizon(int blocks) {
        return new AnalyticsConfig(window, baselineWindows, minBaselineWindows, zThreshold, iqrK, p99Factor, p99MinSamples,
                hllThreshold, hllLgK, blocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    public AnalyticsConfig withP99(double factor, int minSamples) {
        return new AnalyticsConfig(window, baselineWindows, minBaselineWindows, zThreshold, iqrK, factor, minSamples,
                hllThreshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    public AnalyticsConfig withForecast(int days, int minHistory) {
        return new AnalyticsConfig(window, baselineWindows, minBaselineWindows, zThreshold, iqrK, p99Factor, p99MinSamples,
                hllThreshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, days,
                minHistory, Math.max(minHistory, forecastHistoryDays));
    }
}
