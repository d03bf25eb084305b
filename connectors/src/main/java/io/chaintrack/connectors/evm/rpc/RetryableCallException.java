package io.chaintrack.connectors.evm.rpc;

/**
 * One attempt of an upstream call failed in a way another attempt may fix (429, 5xx, timeout, connection
 * error, truncated or malformed body, every breaker open). Carries the endpoint for metrics and the
 * provider's Retry-After, if any.
 */
public class RetryableCallException extends RpcException {
    private final String endpoint;
    private final long retryAfterMillis;

    public RetryableCallException(String endpoint, String message, long retryAfterMillis, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** Endpoint name, or null when no endpoint could be tried. */
    public String endpoint() {
        return endpoint;
    }

    /** Milliseconds the provider asked to wait, 0 when it did not say. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
