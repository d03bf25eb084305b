package io.chaintrack.connectors.evm.rpc;

/** Base of every failure the RPC layer reports; messages name the chain, endpoint and method involved. */
public class RpcException extends RuntimeException {
    public RpcException(String message) {
        super(message);
    }

    public RpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
