package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/**
 * A row of table balance_windows: activity of one (chain, address, token, token id) within one tumbling
 * window of windowSeconds starting at windowStartMs, and the balance at the window's end. Signed amounts.
 * provisional: the window is still open (its values are the running ones as of the latest block in it).
 */
public record BalanceWindowRow(
        long chainId,
        String address,
        String token,
        BigInteger tokenId,
        int windowSeconds,
        long windowStartMs,
        BigInteger delta,
        BigInteger balance,
        long transfersIn,
        long transfersOut,
        BigInteger volumeIn,
        BigInteger volumeOut,
        boolean provisional) {

    /** A closed (final) window. */
    public BalanceWindowRow(long chainId, String address, String token, BigInteger tokenId, int windowSeconds,
                            long windowStartMs, BigInteger delta, BigInteger balance, long transfersIn,
                            long transfersOut, BigInteger volumeIn, BigInteger volumeOut) {
        this(chainId, address, token, tokenId, windowSeconds, windowStartMs, delta, balance, transfersIn, transfersOut,
                volumeIn, volumeOut, false);
    }
}
