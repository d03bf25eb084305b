package io.chaintrack.connectors.evm.rpc;

/** The node answered a request with a JSON-RPC error object. */
public class JsonRpcErrorException extends RpcException {
    private final RpcRequest request;
    private final RpcError error;

    public JsonRpcErrorException(RpcRequest request, RpcError error) {
        super("JSON-RPC error " + error.code() + " for " + request + ": " + error.message());
        this.request = request;
        this.error = error;
    }

    public RpcRequest request() {
        return request;
    }

    public RpcError error() {
        return error;
    }
}
