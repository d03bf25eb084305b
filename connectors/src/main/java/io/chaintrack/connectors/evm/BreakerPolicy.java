package io.chaintrack.connectors.evm;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * When an endpoint is taken out of rotation: once {@code failureRatePercent} of the last {@code windowSize}
 * calls (at least {@code minimumCalls}) failed; it is tried again after {@code openDuration}.
 */
public record BreakerPolicy(float failureRatePercent, int windowSize, int minimumCalls, Duration openDuration,
                            int halfOpenCalls) implements Serializable {

    public BreakerPolicy {
        if (failureRatePercent <= 0 || failureRatePercent > 100) {
            throw new IllegalArgumentException("breaker failureRatePercent must be in (0, 100], got " + failureRatePercent);
        }
        if (windowSize < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("breaker windowSize, minimumCalls and halfOpenCalls must be >= 1");
        }
        if (openDuration == null || openDuration.isNegative() || openDuration.isZero()) {
            throw new IllegalArgumentException("breaker openDuration must be positive, got " + openDuration);
        }
    }

    public static BreakerPolicy defaults() {
        return new BreakerPolicy(50f, 20, 10, Duration.ofSeconds(10), 2);
    }

    /** This policy as a resilience4j breaker configuration (count-based window). */
    public CircuitBreakerConfig toConfig() {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(windowSize)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(openDuration)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .build();
    }

    /** A breaker state as the breaker-state gauges show it: 0 closed, 1 open, 2 half-open. */
    public static int gaugeValue(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 0;
        };
    }
}
