package io.chaintrack.jobs.balances;

import java.math.BigInteger;

/** Transfers and volume of one token over the chain's canonical blocks. */
public record TokenTotalsState(String standard, long transfers, BigInteger volume) {}
