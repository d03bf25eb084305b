package io.chaintrack.api.error;

/**
 * 401 / UNAUTHENTICATED with the WWW-Authenticate challenge to send (RFC 9110 §11.6.1, RFC 6750 §3 for bearer
 * tokens): the client learns which credential to send, and for a refused token why.
 */
public final class UnauthenticatedException extends ApiException {
    private final String challenge;

    public UnauthenticatedException(String parameter, String message, String challenge) {
        super(ErrorKind.UNAUTHENTICATED, parameter, message);
        this.challenge = challenge;
    }

    public String challenge() {
        return challenge;
    }
}
