package io.chaintrack.jobs.balances;

import java.math.BigInteger;

/**
 * Activity of one account in one window: net delta, transfers and volume each way. A revert subtracts
 * what its block added, so counts and volumes can go back to zero. {@code emitted}: its row was written.
 */
public record WindowAccumulator(
        BigInteger delta,
        long transfersIn,
        long transfersOut,
        BigInteger volumeIn,
        BigInteger volumeOut,
        boolean emitted) {

    public static final WindowAccumulator EMPTY =
            new WindowAccumulator(BigInteger.ZERO, 0, 0, BigInteger.ZERO, BigInteger.ZERO, false);

    public WindowAccumulator plus(BalanceDelta d) {
        BigInteger signedVolume = d.countSign() > 0 ? d.amount() : d.amount().negate();
        if (d.incoming()) {
            return new WindowAccumulator(delta.add(d.signedAmount()), transfersIn + d.countSign(), transfersOut,
                    volumeIn.add(signedVolume), volumeOut, emitted);
        }
        return new WindowAccumulator(delta.add(d.signedAmount()), transfersIn, transfersOut + d.countSign(),
                volumeIn, volumeOut.add(signedVolume), emitted);
    }

    public WindowAccumulator markEmitted() {
        return emitted ? this : new WindowAccumulator(delta, transfersIn, transfersOut, volumeIn, volumeOut, true);
    }
}
