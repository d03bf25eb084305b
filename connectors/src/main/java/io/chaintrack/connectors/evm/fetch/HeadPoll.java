package io.chaintrack.connectors.evm.fetch;

/**
 * One look at the node: its latest block, the highest block the finality policy lets the follower emit
 * (-1 when none), and the node's canonical block at the number the caller asked to check (null when the node
 * has no block there or no check was asked).
 */
public record HeadPoll(long latest, long horizon, BlockRef check) {}
