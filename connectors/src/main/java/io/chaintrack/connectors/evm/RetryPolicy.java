package io.chaintrack.connectors.evm;

import io.github.resilience4j.core.IntervalFunction;
import java.io.Serializable;
import java.time.Duration;

/**
 * Retries of one upstream HTTP call on 429, 5xx, timeouts, broken or truncated responses: exponential backoff
 * with jitter, never shorter than a Retry-After the provider sent. Attempts include the first one.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, double jitter,
                          Duration maxBackoff) implements Serializable {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("retry initialBackoff must be positive, got " + initialBackoff);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("retry multiplier must be >= 1, got " + multiplier);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("retry jitter must be in [0, 1), got " + jitter);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry maxBackoff must be >= initialBackoff, got " + maxBackoff);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(30));
    }

    /** The backoff between attempts, jitter included (a Retry-After is applied on top by the caller). */
    public IntervalFunction backoff() {
        return IntervalFunction.ofExponentialRandomBackoff(initialBackoff, multiplier, jitter, maxBackoff);
    }
}
