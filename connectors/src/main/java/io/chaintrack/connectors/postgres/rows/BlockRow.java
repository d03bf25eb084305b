package io.chaintrack.connectors.postgres.rows;

/**
 * A row of table blocks, keyed by (chain id, block hash). The APPLIED and REVERTED events of one block
 * produce the same key with canonical true then false; they must reach PostgreSQL in that order.
 */
public record BlockRow(
        long chainId,
        String blockHash,
        long blockNumber,
        String parentHash,
        long blockTimeMs,
        int transferCount,
        boolean canonical) {}
