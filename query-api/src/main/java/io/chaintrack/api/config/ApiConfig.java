package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * Typed settings under {@code chaintrack.api}. The window sizes must be the ones the pipeline writes:
 * a size not listed is rejected rather than answered with a silently empty history.
 *
 * @param defaultWindowSeconds window size used when a request gives 0
 * @param windowSeconds every window size present in balance_windows
 * @param defaultLimit page size when a request gives 0
 * @param maxLimit largest page size (and largest number of history windows in one answer)
 * @param cursorSecret HMAC key for pagination cursors; must be the same on every replica
 * @param queryTimeout upper bound of one SQL statement
 * @param requestTimeout upper bound of one request (a client deadline can only shorten it)
 * @param validateSchema check at start-up that the core tables exist (the API never migrates)
 * @param accessLog which requests get a JSON access-log line: all, errors (failed or slow requests) or off; failures
 *        are logged with their request id by the error handlers whatever this says
 * @param accessLogSlowAfter with {@code errors}, a successful request that took at least this long is logged too
 *        (0 = only failures)
 */
@ConfigurationProperties("chaintrack.api")
public record ApiConfig(
        @Bindable(defaultValue = "3600") int defaultWindowSeconds,
        @Bindable(defaultValue = "3600,86400") List<Integer> windowSeconds,
        @Bindable(defaultValue = "100") int defaultLimit,
        @Bindable(defaultValue = "1000") int maxLimit,
        @Bindable(defaultValue = "") String cursorSecret,
        @Bindable(defaultValue = "10s") Duration queryTimeout,
        @Bindable(defaultValue = "15s") Duration requestTimeout,
        @Bindable(defaultValue = "true") boolean validateSchema,
        @Bindable(defaultValue = "errors") String accessLog,
        @Bindable(defaultValue = "1s") Duration accessLogSlowAfter) {

    /**
     * Values of {@code chaintrack.api.access-log}. Every request is counted and timed in /metrics whatever the
     * level, so the log only has to carry the requests someone will look up one by one.
     */
    public enum AccessLog {
        ALL, ERRORS, OFF;

        /** Whether a request that ended so gets an access-log line ({@code slowAfterNanos} 0: none is slow). */
        public boolean logs(boolean failed, long nanos, long slowAfterNanos) {
            return this == ALL || (this == ERRORS && (failed || (slowAfterNanos > 0 && nanos >= slowAfterNanos)));
        }
    }

    public ApiConfig {
        windowSeconds = List.copyOf(windowSeconds);
        if (!windowSeconds.contains(defaultWindowSeconds)) {
            throw new IllegalArgumentException("chaintrack.api.default-window-seconds " + defaultWindowSeconds
                    + " is not in chaintrack.api.window-seconds " + windowSeconds);
        }
        parseAccessLog(accessLog);
        if (accessLogSlowAfter.isNegative()) {
            throw new IllegalArgumentException("chaintrack.api.access-log-slow-after must not be negative, not " + accessLogSlowAfter);
        }
        if (defaultLimit < 1 || defaultLimit > maxLimit) {
            throw new IllegalArgumentException("chaintrack.api.default-limit must be in 1.." + maxLimit);
        }
    }

    public AccessLog accessLogLevel() {
        return parseAccessLog(accessLog);
    }

    private static AccessLog parseAccessLog(String value) {
        try {
            return AccessLog.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chaintrack.api.access-log must be all, errors or off, not '" + value + "'");
        }
    }

    /** Seconds for JDBC's Statement.setQueryTimeout (at least 1). */
    public int queryTimeoutSeconds() {
        return (int) Math.max(1, queryTimeout.toSeconds());
    }
}
