package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import java.math.BigInteger;

/**
 * One side of one transfer as seen by one account: {@code incoming} for the receiver, outgoing for the
 * sender, {@code applied} false when the block was REVERTED. amount is unsigned; the signs are derived here.
 */
public record BalanceDelta(
        BalanceKey account,
        String standard,
        long blockNumber,
        long blockTimeMs,
        boolean applied,
        boolean incoming,
        BigInteger amount) {

    /** What this delta does to the balance: +amount in, −amount out, both negated for a revert. */
    public BigInteger signedAmount() {
        return incoming == applied ? amount : amount.negate();
    }

    /** +1 for an applied transfer, −1 for a reverted one: how transfer counts and volumes move. */
    public int countSign() {
        return applied ? 1 : -1;
    }

    /** The block the account's balance is valid at after this delta: a revert leaves the parent as head. */
    public long validAtBlock() {
        return applied ? blockNumber : blockNumber - 1;
    }
}
