package io.chaintrack.connectors.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** A JSON-RPC error object as the node sent it. */
public record RpcError(int code, String message, JsonNode data) {

    /** Codes nodes use for "this method does not exist here" (standard -32601, Hardhat -32004). */
    public boolean methodUnsupported() {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return code == -32601 || code == -32004
                || m.contains("not supported") || m.contains("does not exist") || m.contains("not available")
                || m.contains("method not found") || m.contains("unsupported method");
    }

    /** How providers refuse an eth_getLogs range or result that is too large (wording differs per provider). */
    public boolean rangeTooLarge() {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return code == -32005
                || m.contains("range") || m.contains("too large") || m.contains("too many")
                || m.contains("more than") || m.contains("limit exceeded") || m.contains("response size")
                || m.contains("exceed");
    }

    @Override
    public String toString() {
        return code + " " + message;
    }
}
