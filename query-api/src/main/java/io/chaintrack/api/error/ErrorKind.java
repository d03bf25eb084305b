package io.chaintrack.api.error;

import io.grpc.Status;

/**
 * The one table mapping each failure class to its HTTP status and gRPC code, so both transports
 * report the same failure the same way.
 */
public enum ErrorKind {
    INVALID_ARGUMENT(400, "Invalid argument", Status.Code.INVALID_ARGUMENT),
    UNAUTHENTICATED(401, "Unauthenticated", Status.Code.UNAUTHENTICATED),
    PERMISSION_DENIED(403, "Permission denied", Status.Code.PERMISSION_DENIED),
    NOT_FOUND(404, "Not found", Status.Code.NOT_FOUND),
    METHOD_NOT_ALLOWED(405, "Method not allowed", Status.Code.UNIMPLEMENTED),
    URI_TOO_LONG(414, "URI too long", Status.Code.INVALID_ARGUMENT),
    RESOURCE_EXHAUSTED(429, "Too many requests", Status.Code.RESOURCE_EXHAUSTED),
    HEADERS_TOO_LARGE(431, "Request header fields too large", Status.Code.INVALID_ARGUMENT),
    INTERNAL(500, "Internal error", Status.Code.INTERNAL),
    UNAVAILABLE(503, "Service unavailable", Status.Code.UNAVAILABLE),
    DEADLINE_EXCEEDED(504, "Request timed out", Status.Code.DEADLINE_EXCEEDED);

    private final int httpStatus;
    private final String title;
    private final Status.Code grpcCode;

    ErrorKind(int httpStatus, String title, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.title = title;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    /** RFC 9457 problem type: a URN, so it identifies the problem without pretending to be a page. */
    public String type() {
        return "urn:chaintrack:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The kind a bare HTTP status maps to (for failures raised by the HTTP framework itself). */
    public static ErrorKind forHttpStatus(int status) {
        for (ErrorKind kind : values()) {
            if (kind.httpStatus == status) {
                return kind;
            }
        }
        return status >= 500 ? INTERNAL : INVALID_ARGUMENT;
    }
}
