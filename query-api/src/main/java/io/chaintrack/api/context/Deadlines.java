package io.chaintrack.api.context;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of the request the current thread serves (System.nanoTime based). Transports set it
 * (configured request timeout, shortened by a client deadline); the store bounds every statement by it.
 */
public final class Deadlines {
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private Deadlines() {}

    /** Nanoseconds left, or -1 when no deadline is set. Throws DEADLINE_EXCEEDED when it has passed. */
    public static long remainingNanos() {
        Long deadline = DEADLINE.get();
        if (deadline == null) {
            return -1;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new ApiException(ErrorKind.DEADLINE_EXCEEDED, null, "the request deadline passed before it could be served");
        }
        return left;
    }

    /** The current thread's deadline (System.nanoTime based), or null when none is set. */
    public static Long current() {
        return DEADLINE.get();
    }

    public static Long set(Long deadlineNanos) {
        Long previous = DEADLINE.get();
        if (deadlineNanos == null) {
            DEADLINE.remove();
        } else {
            DEADLINE.set(deadlineNanos);
        }
        return previous;
    }

    /**
     * Parses a gRPC-style timeout ("250m", "5S", "1M": digits and a unit H M S m u n), the format
     * grpc-gateway accepts in the Grpc-Timeout header. Returns nanoseconds; throws on anything else.
     */
    public static long parseGrpcTimeout(String value) {
        if (value == null || !value.matches("[0-9]{1,8}[HMSmun]")) {
            throw new IllegalArgumentException("not a gRPC timeout (1 to 8 digits and a unit H, M, S, m, u or n): " + value);
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            default -> TimeUnit.NANOSECONDS;
        };
        return unit.toNanos(amount);
    }

    /** Carries a deadline to whichever thread Micronaut runs the controller on. */
    public record Propagated(long deadlineNanos) implements ThreadPropagatedContextElement<Long> {
        @Override
        public Long updateThreadContext() {
            return set(deadlineNanos);
        }

        @Override
        public void restoreThreadContext(Long previous) {
            set(previous);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "deadline in %d ms", TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        }
    }
}
