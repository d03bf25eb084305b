package io.chaintrack.connectors.postgres.rows;

/**
 * A row of table chains: a chain chaintrack has seen, with its display name and the highest head the
 * follower reported (0 = not reported; the sink keeps the maximum).
 */
public record ChainRow(long chainId, String name, long headNumber) {}
