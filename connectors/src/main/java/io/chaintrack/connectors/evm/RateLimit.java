package io.chaintrack.connectors.evm;

import java.io.Serializable;
import java.time.Duration;

/**
 * At most {@code calls} upstream HTTP calls in any window of length {@code per} (a JSON-RPC batch is one call).
 * Calls are spaced evenly by {@code (per + guard) / calls}, so N+1 calls never fit in one window even when
 * delivery to the provider jitters by less than {@code guard}.
 */
public record RateLimit(int calls, Duration per, Duration guard) implements Serializable {

    public static final Duration DEFAULT_GUARD = Duration.ofMillis(100);

    public RateLimit {
        if (calls < 1) {
            throw new IllegalArgumentException("rate limit calls must be >= 1, got " + calls);
        }
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("rate limit period must be positive, got " + per);
        }
        if (guard == null || guard.isNegative()) {
            throw new IllegalArgumentException("rate limit guard must be >= 0, got " + guard);
        }
    }

    public static RateLimit perSecond(int calls) {
        return new RateLimit(calls, Duration.ofSeconds(1), DEFAULT_GUARD);
    }

    public static RateLimit of(int calls, Duration per) {
        return new RateLimit(calls, per, DEFAULT_GUARD);
    }

    /** Minimum distance between the starts of two consecutive calls. */
    public Duration spacing() {
        return per.plus(guard).dividedBy(calls);
    }

    @Override
    public String toString() {
        return calls + " per " + per.toMillis() + " ms";
    }
}
