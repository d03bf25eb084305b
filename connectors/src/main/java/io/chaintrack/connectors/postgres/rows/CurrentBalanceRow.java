package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/** A row of table current_balances: the latest balance of (chain, address, token, token id) and the block it is valid at. */
public record CurrentBalanceRow(
        long chainId,
        String address,
        String token,
        BigInteger tokenId,
        String standard,
        BigInteger balance,
        long blockNumber,
        long blockTimeMs) {}
