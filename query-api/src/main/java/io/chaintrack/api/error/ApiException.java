package io.chaintrack.api.error;

import java.util.Optional;

/**
 * A failure the API reports to its client: a kind (HTTP status + gRPC code), a message safe to show,
 * and optionally the request parameter at fault. Nothing else about the server leaks through it.
 */
public class ApiException extends RuntimeException {
    private final ErrorKind kind;
    private final String parameter;

    public ApiException(ErrorKind kind, String parameter, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.parameter = parameter;
    }

    public ApiException(ErrorKind kind, String parameter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.parameter = parameter;
    }

    public ErrorKind kind() {
        return kind;
    }

    public Optional<String> parameter() {
        return Optional.ofNullable(parameter);
    }

    /** The detail shown to clients: the message, prefixed by the parameter when there is one. */
    public String detail() {
        return parameter == null ? getMessage() : parameter + ": " + getMessage();
    }
}
