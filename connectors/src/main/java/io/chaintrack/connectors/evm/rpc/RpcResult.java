package io.chaintrack.connectors.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** The answer to one request of a batch: a result (possibly JSON null) or an error. */
public record RpcResult(RpcRequest request, JsonNode result, RpcError error) {

    public boolean ok() {
        return error == null;
    }

    /** The result, or a {@link JsonRpcErrorException} naming the request when the node answered an error. */
    public JsonNode orThrow() {
        if (error != null) {
            throw new JsonRpcErrorException(request, error);
        }
        return result;
    }
}
