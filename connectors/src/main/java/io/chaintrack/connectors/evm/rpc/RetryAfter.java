package io.chaintrack.connectors.evm.rpc;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses an HTTP Retry-After header: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
public final class RetryAfter {
    private RetryAfter() {}

    /** Milliseconds to wait from {@code now}; 0 when the header is absent or unreadable. */
    public static long millis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return Math.max(0, seconds) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(now, at).toMillis());
            } catch (DateTimeParseException notDate) {
                return 0;
            }
        }
    }
}
