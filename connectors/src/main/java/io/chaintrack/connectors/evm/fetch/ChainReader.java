package io.chaintrack.connectors.evm.fetch;

import java.util.List;

/**
 * What the backfill and the head follower need from a chain. Every event a reader returns was checked to be
 * internally consistent (logs, receipts and traces of the block hash it carries); blocks are the node's
 * canonical ones at the time of the call.
 */
public interface ChainReader extends AutoCloseable {

    /** Latest block, emit horizon, and the canonical block at {@code checkNumber} (ignored when negative). */
    HeadPoll poll(long checkNumber);

    /** APPLIED events of canonical blocks {@code from..to}: a prefix of that range, empty when none is there yet. */
    Fetched fetch(long from, long to);

    /** Canonical blocks {@code from..to} in order, null where the node has none. */
    List<BlockRef> headers(long from, long to);

    @Override
    void close();
}
