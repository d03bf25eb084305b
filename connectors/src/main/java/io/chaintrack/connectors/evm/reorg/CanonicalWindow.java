package io.chaintrack.connectors.evm.reorg;

import io.chaintrack.proto.v1.ChainEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The most recent applied blocks of the canonical chain as the follower emitted them, oldest first, each with
 * the exact APPLIED event it had, so a reorg can revert it by replaying that event as REVERTED. Holds at most
 * {@code capacity} consecutive blocks; every pushed block must extend the newest one.
 */
public final class CanonicalWindow {
    private final int capacity;
    private final ArrayDeque<ChainEvent> blocks = new ArrayDeque<>();

    public CanonicalWindow(int capacity, List<ChainEvent> initial) {
        if (capacity < 2) {
            throw new IllegalArgumentException("window capacity must be >= 2, got " + capacity);
        }
        this.capacity = capacity;
        for (ChainEvent e : initial) {
            push(e);
        }
    }

    public void push(ChainEvent applied) {
        if (!blocks.isEmpty()) {
            ChainEvent last = blocks.peekLast();
            long expected = last.getBlock().getNumber() + 1;
            if (applied.getBlock().getNumber() != expected
                    || !applied.getBlock().getParentHash().equals(last.getBlock().getHash())) {
                throw new IllegalStateException("block " + applied.getBlock().getNumber() + " "
                        + applied.getBlock().getHash() + " does not extend window head "
                        + last.getBlock().getNumber() + " " + last.getBlock().getHash());
            }
        }
        blocks.addLast(applied);
        while (blocks.size() > capacity) {
            blocks.removeFirst();
        }
    }

    public ChainEvent popLast() {
        return blocks.removeLast();
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public int size() {
        return blocks.size();
    }

    public int capacity() {
        return capacity;
    }

    public ChainEvent last() {
        return blocks.peekLast();
    }

    public ChainEvent first() {
        return blocks.peekFirst();
    }

    /** The held block at {@code number}, or null outside the window. */
    public ChainEvent at(long number) {
        if (blocks.isEmpty()) {
            return null;
        }
        long first = blocks.peekFirst().getBlock().getNumber();
        long last = blocks.peekLast().getBlock().getNumber();
        if (number < first || number > last) {
            return null;
        }
        // near the head is where reorgs look: walk from the newest end
        Iterator<ChainEvent> it = blocks.descendingIterator();
        for (long n = last; it.hasNext(); n--) {
            ChainEvent e = it.next();
            if (n == number) {
                return e;
            }
        }
        return null;
    }

    public List<ChainEvent> snapshot() {
        return List.copyOf(new ArrayList<>(blocks));
    }
}
