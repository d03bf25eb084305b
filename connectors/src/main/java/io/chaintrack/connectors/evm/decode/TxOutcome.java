package io.chaintrack.connectors.evm.decode;

import io.chaintrack.core.model.Uint256;
import java.math.BigInteger;

/**
 * Whether a transaction succeeded, decided once here whatever era and node its receipt comes from. Receipts
 * carry a status only since Byzantium (EIP-658, block 4,370,000 on mainnet) and some nodes send it as a JSON
 * number; the decision records how it was reached so every answer that is not a plain 0x0/0x1 is counted.
 *
 * @param success       no value moved when false (the fee is paid either way)
 * @param normalisation null for a 0x0/0x1 status, else the metric kind that says how success was decided
 */
public record TxOutcome(boolean success, String normalisation) {
    /** The status was not "0x0"/"0x1" but a number (1, "1", "0x01"). */
    public static final String NUMERIC_STATUS = "numeric_status";
    /** No status (pre-Byzantium): the top-level trace frame's error decided. */
    public static final String STATUS_FROM_TRACE = "status_from_trace";
    /** No status and no traces: before Byzantium every failure consumed all gas (there was no REVERT). */
    public static final String STATUS_FROM_GAS = "status_from_gas";

    private static final BigInteger PLAIN_TRANSFER_GAS = BigInteger.valueOf(21_000);

    /**
     * @param status         the receipt's status as parsed (null when absent)
     * @param topLevelFailed whether the transaction's top-level trace frame has an error; null without traces
     * @param gasUsed        the receipt's gas used
     * @param gasLimit       the transaction's gas limit
     */
    public static TxOutcome decide(String status, Boolean topLevelFailed, BigInteger gasUsed, BigInteger gasLimit) {
        if (status != null) {
            if ("0x1".equals(status)) {
                return new TxOutcome(true, null);
            }
            if ("0x0".equals(status)) {
                return new TxOutcome(false, null);
            }
            return new TxOutcome(numericStatus(status).signum() != 0, NUMERIC_STATUS);
        }
        if (topLevelFailed != null) {
            return new TxOutcome(!topLevelFailed, STATUS_FROM_TRACE);
        }
        // A successful call can use its whole gas limit too, so this can misjudge a rare success as a failure;
        // a plain 21,000-gas transfer always uses all its gas and cannot fail once included.
        boolean allGasUsed = gasUsed.equals(gasLimit) && gasLimit.compareTo(PLAIN_TRANSFER_GAS) > 0;
        return new TxOutcome(!allGasUsed, STATUS_FROM_GAS);
    }

    private static BigInteger numericStatus(String s) {
        try {
            BigInteger v = s.startsWith("0x") || s.startsWith("0X") ? Uint256.parse(s) : new BigInteger(s.trim());
            if (v.signum() >= 0 && v.compareTo(BigInteger.ONE) <= 0) {
                return v;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("receipt status is neither 0 nor 1: " + s);
    }
}
