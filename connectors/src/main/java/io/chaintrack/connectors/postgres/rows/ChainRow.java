package io.chaintrack.connectors.postgres.rows;

/** A row of table chains: a chain chaintrack has seen, with its display name. */
public record ChainRow(long chainId, String name) {}
