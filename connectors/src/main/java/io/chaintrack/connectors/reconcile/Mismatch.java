package io.chaintrack.connectors.reconcile;

import java.math.BigInteger;

/**
 * One disagreement found by a run. expected is the node's value (or, for transfer_count, the count chaintrack's block
 * row promises), actual is chaintrack's; difference = actual - expected for numeric checks, else null.
 */
public record Mismatch(String check, String address, String token, BigInteger tokenId, String expected, String actual,
                       BigInteger difference, Long blockNumber, String detail) {
    public static final String BALANCE = "balance";
    public static final String NFT_OWNER = "nft_owner";
    public static final String NEGATIVE_BALANCE = "negative_balance";
    public static final String BLOCK_GAP = "block_gap";
    public static final String BLOCK_LINK = "block_link";
    public static final String BLOCK_HASH = "block_hash";
    public static final String TRANSFER_COUNT = "transfer_count";

    public static Mismatch numeric(String check, String address, String token, BigInteger tokenId, BigInteger expected,
                            BigInteger actual, Long block, String detail) {
        return new Mismatch(check, address, token, tokenId, expected.toString(), actual.toString(),
                actual.subtract(expected), block, detail);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(check);
        if (blockNumber != null) {
            s.append(" @").append(blockNumber);
        }
        if (address != null) {
            s.append(' ').append(address);
        }
        if (token != null) {
            s.append(' ').append(token);
        }
        if (tokenId != null) {
            s.append(" #").append(tokenId);
        }
        // transfer_count compares chaintrack with itself: its block row's count against its transfer rows
        s.append(TRANSFER_COUNT.equals(check) ? ": block row " : ": node ").append(expected)
                .append(TRANSFER_COUNT.equals(check) ? ", transfer rows " : ", chaintrack ").append(actual);
        if (difference != null) {
            s.append(" (difference ").append(difference).append(')');
        }
        if (detail != null) {
            s.append(" — ").append(detail);
        }
        return s.toString();
    }
}
