package io.chaintrack.api.context;

import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One access-log line per request, the same on both transports: its fields are structured arguments (the
 * message has no placeholders, so it is never formatted from them), written under the request's id.
 */
final class AccessLogLine {
    private static final Logger ACCESS = LoggerFactory.getLogger("io.chaintrack.api.access");

    private AccessLogLine() {}

    static void write(String requestId, String method, String path, Object status, String route, long nanos, String transport) {
        String previous = MDC.get(RequestIds.MDC_KEY);
        MDC.put(RequestIds.MDC_KEY, requestId);
        try {
            ACCESS.info(method + " " + path + " " + status, kv("method", method), kv("path", path), kv("status", status),
                    kv("route", route), kv("durationMs", nanos / 1_000_000.0), kv("transport", transport));
        } finally {
            if (previous == null) {
                MDC.remove(RequestIds.MDC_KEY);
            } else {
                MDC.put(RequestIds.MDC_KEY, previous);
            }
        }
    }
}
