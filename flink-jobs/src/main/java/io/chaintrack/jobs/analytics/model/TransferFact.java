package io.chaintrack.jobs.analytics.model;

import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;

/**
 * One transfer decoded once at the edge of the analytics job: the amount it moves (ERC-721 moves one)
 * and the balance token id (ERC-1155 id, zero otherwise), per {@link TransferEffects}.
 */
public record TransferFact(
        String token,
        int standard,
        String from,
        String to,
        BigInteger amount,
        BigInteger tokenId,
        int txIndex,
        int logIndex,
        String traceAddress,
        int batchIndex,
        String txHash) {

    public static TransferFact of(Transfer t) {
        return new TransferFact(
                t.getToken(),
                t.getStandardValue(),
                t.getFromAddress(),
                t.getToAddress(),
                TransferEffects.amount(t),
                TransferEffects.balanceTokenId(t),
                t.getTxIndex(),
                t.getLogIndex(),
                t.getTraceAddress(),
                t.getBatchIndex(),
                t.getTxHash());
    }

    /** The transfer's natural key inside its block, as stored in anomaly rows. */
    public String subject(String blockHash) {
        return blockHash + ":" + txIndex + ":" + logIndex + ":" + traceAddress + ":" + batchIndex;
    }
}
