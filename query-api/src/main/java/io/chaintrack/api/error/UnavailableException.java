package io.chaintrack.api.error;

/** The store did not answer; the request may succeed when retried later. */
public final class UnavailableException extends ApiException {
    public UnavailableException(String message, Throwable cause) {
        super(ErrorKind.UNAVAILABLE, null, message, cause);
    }
}
