package io.chaintrack.connectors.postgres.rows;

import java.math.BigInteger;

/**
 * A row of table transfers, keyed by (chain id, block hash, tx index, log index, trace address, batch index).
 * amount is what the transfer moves under the balance rule (1 for ERC-721); tokenId and operator may be null; kind
 * is the lower-case TransferKind name without its prefix ("fee", "block_reward"), null when the event has none.
 */
public record TransferRow(
        long chainId,
        String blockHash,
        int txIndex,
        int logIndex,
        String traceAddress,
        int batchIndex,
        long blockNumber,
        long blockTimeMs,
        String txHash,
        String token,
        String standard,
        String fromAddress,
        String toAddress,
        BigInteger amount,
        BigInteger tokenId,
        String operator,
        boolean canonical,
        String kind) {}
