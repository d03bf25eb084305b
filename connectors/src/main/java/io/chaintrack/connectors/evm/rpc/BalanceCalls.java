package io.chaintrack.connectors.evm.rpc;

import java.math.BigInteger;
import java.util.Map;

/**
 * The node's balance of an account at a block, as one JSON-RPC request: eth_getBalance for native, balanceOf(account)
 * for ERC-20 and ERC-721 (a count), balanceOf(account, id) for ERC-1155. Shared by the reconciler and the wallet
 * history sync's opening balances, so both ask the node the same question and read its answer the same way.
 */
public final class BalanceCalls {
    public static final String BALANCE_OF = "0x70a08231";
    public static final String BALANCE_OF_1155 = "0x00fdd58e";

    private BalanceCalls() {}

    /** {@code standard} as stored (NATIVE, ERC20, ERC721, ERC1155); {@code tokenId} is read for ERC1155 only. */
    public static RpcRequest request(String address, String token, String standard, BigInteger tokenId, long block) {
        return switch (standard) {
            case "NATIVE" -> RpcRequest.of("eth_getBalance", address, hex(block));
            case "ERC1155" -> RpcRequest.of("eth_call", Map.of("to", token,
                    "data", BALANCE_OF_1155 + word(address) + word(tokenId)), hex(block));
            default -> RpcRequest.of("eth_call", Map.of("to", token, "data", BALANCE_OF + word(address)), hex(block));
        };
    }

    /** A 32-byte quantity answer, or null when the node could not answer it (an error, a revert, no contract, not 32 bytes). */
    public static BigInteger quantity(RpcResult r) {
        if (!r.ok() || r.result() == null || r.result().isNull()) {
            return null;
        }
        String hex = r.result().asText();
        if (!hex.startsWith("0x") || hex.length() < 3 || hex.length() > 66) {
            return null;
        }
        return new BigInteger(hex.substring(2), 16);
    }

    public static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    /** An address as a 32-byte ABI word (hex, no 0x). */
    public static String word(String address) {
        return "0".repeat(24) + address.substring(2);
    }

    /** A uint256 as a 32-byte ABI word (hex, no 0x). */
    public static String word(BigInteger value) {
        String h = value.toString(16);
        return "0".repeat(64 - h.length()) + h;
    }
}
