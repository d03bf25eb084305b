package io.chaintrack.api.error;

/** The caller's key used up its request window; it may retry after {@link #retryAfterSeconds()}. */
public final class RateLimitedException extends ApiException {
    private final long retryAfterSeconds;

    public RateLimitedException(String message, long retryAfterSeconds) {
        super(ErrorKind.RESOURCE_EXHAUSTED, null, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
