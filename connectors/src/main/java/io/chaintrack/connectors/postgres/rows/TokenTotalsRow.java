package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/** A row of table token_totals: transfers and volume of one token over the chain's canonical blocks. */
public record TokenTotalsRow(long chainId, String token, String standard, long transfers, BigInteger volume) {}
