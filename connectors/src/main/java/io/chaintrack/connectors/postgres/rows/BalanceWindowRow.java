package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/**
 * A row of table balance_windows: activity of one (chain, address, token, token id) within one tumbling
 * window of windowSeconds starting at windowStartMs, and the balance at the window's end. Signed amounts.
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
        BigInteger volumeOut) {}
