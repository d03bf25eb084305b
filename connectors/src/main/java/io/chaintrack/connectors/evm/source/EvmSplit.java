package io.chaintrack.connectors.evm.source;

import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A unit of EVM reading. BACKFILL: blocks {@code from..to}, emitted in any order relative to other splits,
 * treated as final. TAIL: the single head follower from {@code from} on (to {@code to}, or forever when
 * {@code to == UNBOUNDED}), carrying the recent canonical window it needs to revert blocks. {@code next} is
 * the first block not yet emitted: a restored split resumes there, so nothing is lost or repeated.
 */
public final class EvmSplit implements SourceSplit {
    public static final long UNBOUNDED = Long.MAX_VALUE;
    public static final String TAIL_ID = "tail";

    public enum Kind { BACKFILL, TAIL }

    private final Kind kind;
    private final long from;
    private final long to;
    private final long next;
    private final List<ChainEvent> window;

    public EvmSplit(Kind kind, long from, long to, long next, List<ChainEvent> window) {
        if (from < 0 || to < from || next < from || (to != UNBOUNDED && next > to + 1)) {
            throw new IllegalArgumentException("bad " + kind + " split range " + from + ".." + to + " next " + next);
        }
        if (kind == Kind.BACKFILL && !window.isEmpty()) {
            throw new IllegalArgumentException("a backfill split holds no canonical window");
        }
        this.kind = kind;
        this.from = from;
        this.to = to;
        this.next = next;
        this.window = List.copyOf(window);
    }

    public static EvmSplit backfill(long from, long to) {
        return new EvmSplit(Kind.BACKFILL, from, to, from, List.of());
    }

    public static EvmSplit tail(long from, Long endBlock) {
        return new EvmSplit(Kind.TAIL, from, endBlock == null ? UNBOUNDED : endBlock, from, List.of());
    }

    @Override
    public String splitId() {
        return kind == Kind.TAIL ? TAIL_ID : "backfill-" + from + "-" + to;
    }

    public Kind kind() {
        return kind;
    }

    public long from() {
        return from;
    }

    public long to() {
        return to;
    }

    /** The tail's last block, or null when it follows the head forever. */
    public Long endBlock() {
        return to == UNBOUNDED ? null : to;
    }

    public long next() {
        return next;
    }

    public List<ChainEvent> window() {
        return window;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvmSplit s && s.kind == kind && s.from == from && s.to == to && s.next == next
                && s.window.equals(window);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, from, to, next, window.size());
    }

    @Override
    public String toString() {
        return splitId() + "@" + next + (kind == Kind.TAIL ? " window " + window.size() : "");
    }
}
