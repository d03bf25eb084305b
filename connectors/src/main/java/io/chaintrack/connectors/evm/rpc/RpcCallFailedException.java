package io.chaintrack.connectors.evm.rpc;

/** An upstream call failed for good: retries exhausted, or a failure that retrying cannot fix. */
public class RpcCallFailedException extends RpcException {
    public RpcCallFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
