package io.chaintrack.connectors.evm.rpc;

import java.util.List;

/** One JSON-RPC request; params are plain JSON values (strings, booleans, numbers, maps, lists). */
public record RpcRequest(String method, List<Object> params) {

    public RpcRequest {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("JSON-RPC method is required");
        }
        params = params == null ? List.of() : List.copyOf(params);
    }

    public static RpcRequest of(String method, Object... params) {
        return new RpcRequest(method, List.of(params));
    }

    @Override
    public String toString() {
        return method + params;
    }
}
