package io.chaintrack.api.error;

/** A request value the API cannot serve; always names the parameter so the client knows what to fix. */
public final class InvalidArgumentException extends ApiException {
    public InvalidArgumentException(String parameter, String message) {
        super(ErrorKind.INVALID_ARGUMENT, parameter, message);
    }
}
