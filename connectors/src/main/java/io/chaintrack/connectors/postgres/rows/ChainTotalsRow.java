package io.chaintrack.connectors.postgres.rows;

/** A row of table chain_totals: counts over the chain's canonical blocks. */
public record ChainTotalsRow(
        long chainId,
        long blocks,
        long transfers,
        long firstBlock,
        long lastBlock,
        long lastBlockTimeMs) {}
