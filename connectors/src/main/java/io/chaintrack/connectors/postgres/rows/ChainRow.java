package io.chaintrack.connectors.postgres.rows;

/**
 * A row of table chains: a chain chaintrack has seen, with its display name, the highest head the follower reported
 * (0 = not reported) and the highest finalized block stamped on its events (-1 = none); the sink keeps the maxima.
 */
public record ChainRow(long chainId, String name, long headNumber, long finalizedNumber) {
    /** A row without a finalized block. */
    public ChainRow(long chainId, String name, long headNumber) {
        this(chainId, name, headNumber, -1);
    }
}
