package io.chaintrack.connectors.evm.fetch;

/** The endpoint serves another chain than the configuration says. */
public class ChainIdMismatchException extends RuntimeException {
    public ChainIdMismatchException(String message) {
        super(message);
    }
}
