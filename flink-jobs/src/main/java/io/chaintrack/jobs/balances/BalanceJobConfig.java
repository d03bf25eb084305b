package io.chaintrack.jobs.balances;

import io.chaintrack.core.config.Durations;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the balance topology computes: window sizes (each must divide a day, so windows align to UTC days),
 * the reorg horizon (how long after its end a window may still change) and the source idle timeout.
 */
public record BalanceJobConfig(List<Duration> windows, Duration reorgHorizon, Duration sourceIdleTimeout)
        implements Serializable {
    public static final Duration DAY = Duration.ofDays(1);
    public static final List<Duration> DEFAULT_WINDOWS = List.of(Duration.ofHours(1));
    public static final Duration DEFAULT_REORG_HORIZON = Duration.ofDays(1);
    public static final Duration DEFAULT_SOURCE_IDLE_TIMEOUT = Duration.ofMinutes(1);

    public BalanceJobConfig {
        if (windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException("at least one window size is required (e.g. --windows 1h)");
        }
        windows = List.copyOf(windows);
        Set<Duration> seen = new HashSet<>();
        for (Duration w : windows) {
            if (w.isNegative() || w.isZero() || w.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("window size " + w + " must be a positive whole number of seconds");
            }
            if (DAY.toMillis() % w.toMillis() != 0) {
                throw new IllegalArgumentException("window size " + Durations.format(w)
                        + " does not divide a day (86400 s) evenly; use e.g. 1m, 5m, 15m, 1h, 2h, 3h, 4h, 6h, 8h, 12h or 1d");
            }
            if (!seen.add(w)) {
                throw new IllegalArgumentException("window size " + Durations.format(w) + " is listed twice");
            }
        }
        if (reorgHorizon == null || reorgHorizon.isNegative()) {
            throw new IllegalArgumentException("reorg horizon must be zero or positive, not " + reorgHorizon);
        }
        if (sourceIdleTimeout == null || sourceIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("source idle timeout must be zero (off) or positive, not " + sourceIdleTimeout);
        }
    }

    public static BalanceJobConfig defaults() {
        return new BalanceJobConfig(DEFAULT_WINDOWS, DEFAULT_REORG_HORIZON, DEFAULT_SOURCE_IDLE_TIMEOUT);
    }

    public static BalanceJobConfig of(List<Duration> windows, Duration reorgHorizon) {
        return new BalanceJobConfig(windows, reorgHorizon, DEFAULT_SOURCE_IDLE_TIMEOUT);
    }
}
