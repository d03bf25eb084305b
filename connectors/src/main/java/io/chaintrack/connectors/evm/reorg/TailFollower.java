package io.chaintrack.connectors.evm.reorg;

import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.BlockRef;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.Fetched;
import io.chaintrack.connectors.evm.fetch.HeadPoll;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the head in block order and converges on the node's canonical chain: a block is applied only if it
 * extends the newest held block; otherwise the follower walks back through its {@link CanonicalWindow} to the
 * highest block the node still has, emits REVERTED for every newer held block (newest first, each with the
 * transfers it was applied with) and resumes after that common ancestor. Repeats until the chains agree.
 *
 * <p>State is only {@code next} and the window: a follower rebuilt from them resumes exactly.
 */
public final class TailFollower {
    private static final Logger LOG = LoggerFactory.getLogger(TailFollower.class);
    private static final int WALK_BACK_BATCH = 32;

    /** What one step produced: events to emit in order, whether the follower is done (bounded), or idle. */
    public record Step(List<ChainEvent> events, boolean finished, boolean idle) {}

    private final ChainReader reader;
    private final String chain;
    private final int reorgDepth;
    private final int blocksPerFetch;
    private final Long endBlock;
    private final EvmMetrics metrics;
    private final CanonicalWindow window;
    private long next;
    private long knownTarget = -1;
    private long head = -1;

    public TailFollower(ChainReader reader, String chain, int reorgDepth, int blocksPerFetch, Long endBlock,
                        long next, List<ChainEvent> window, EvmMetrics metrics) {
        this.reader = reader;
        this.chain = chain;
        this.reorgDepth = reorgDepth;
        this.blocksPerFetch = blocksPerFetch;
        this.endBlock = endBlock;
        this.metrics = metrics;
        this.window = new CanonicalWindow(windowCapacity(reorgDepth), window);
        this.next = next;
        if (!this.window.isEmpty() && this.window.last().getBlock().getNumber() != next - 1) {
            throw new IllegalArgumentException("follower state is inconsistent: next block " + next
                    + " but the newest held block is " + this.window.last().getBlock().getNumber());
        }
    }

    /** A reorg of depth d needs the d reverted blocks plus the common ancestor. */
    public static int windowCapacity(int reorgDepth) {
        return reorgDepth + 1;
    }

    public long next() {
        return next;
    }

    public long head() {
        return head;
    }

    public List<ChainEvent> window() {
        return window.snapshot();
    }

    private boolean done() {
        return endBlock != null && next > endBlock;
    }

    /** One round of the converge loop. */
    public Step step() {
        if (done()) {
            return new Step(List.of(), true, false);
        }
        List<ChainEvent> out = new ArrayList<>();
        if (next > knownTarget) {
            HeadPoll poll = reader.poll(window.isEmpty() ? -1 : window.last().getBlock().getNumber());
            head = poll.latest();
            knownTarget = endBlock == null ? poll.horizon() : Math.min(poll.horizon(), endBlock);
            if (!window.isEmpty() && !matches(poll.check(), window.last())) {
                LOG.info("chain {}: held head {} {} is no longer canonical (node has {})", chain,
                        window.last().getBlock().getNumber(), window.last().getBlock().getHash(), poll.check());
                out.addAll(revertToCommonAncestor());
                return new Step(out, false, false);
            }
            if (next > knownTarget) {
                return new Step(out, done(), true);
            }
        }
        long to = Math.min(next + blocksPerFetch - 1, knownTarget);
        Fetched fetched = reader.fetch(next, to);
        head = Math.max(head, fetched.head());
        if (fetched.events().isEmpty()) {
            // the node answered the horizon but not the block (another node behind a balancer): poll again
            knownTarget = next - 1;
            return new Step(out, false, true);
        }
        for (ChainEvent e : fetched.events()) {
            if (!window.isEmpty() && !e.getBlock().getParentHash().equals(window.last().getBlock().getHash())) {
                LOG.info("chain {}: block {} {} has parent {} but the held block {} is {}", chain,
                        e.getBlock().getNumber(), e.getBlock().getHash(), e.getBlock().getParentHash(),
                        window.last().getBlock().getNumber(), window.last().getBlock().getHash());
                out.addAll(revertToCommonAncestor());
                break;
            }
            window.push(e);
            next = e.getBlock().getNumber() + 1;
            out.add(e);
        }
        return new Step(out, done(), false);
    }

    private static boolean matches(BlockRef ref, ChainEvent held) {
        return ref != null && ref.hash().equalsIgnoreCase(held.getBlock().getHash());
    }

    /** Walks back to the newest held block the node still has and reverts everything above it. */
    private List<ChainEvent> revertToCommonAncestor() {
        long top = window.last().getBlock().getNumber();
        long lowest = window.first().getBlock().getNumber();
        long ancestor = -1;
        long hi = top;
        while (ancestor < 0) {
            long lo = Math.max(lowest, hi - WALK_BACK_BATCH + 1);
            List<BlockRef> refs = reader.headers(lo, hi);
            for (long n = hi; n >= lo; n--) {
                if (matches(refs.get((int) (n - lo)), window.at(n))) {
                    ancestor = n;
                    break;
                }
            }
            if (ancestor < 0) {
                if (lo == lowest) {
                    String detail = window.size() < window.capacity()
                            ? "the head follower started at block " + lowest + "; blocks before it were backfilled"
                            + " as final"
                            : "the follower holds " + window.size() + " blocks";
                    throw new ReorgDepthExceededException(chain, top, lowest, reorgDepth, detail);
                }
                hi = lo - 1;
            }
        }
        int depth = (int) (top - ancestor);
        if (depth > reorgDepth) {
            throw new ReorgDepthExceededException(chain, top, ancestor + 1, reorgDepth,
                    "the common ancestor is block " + ancestor + ", " + depth + " blocks down");
        }
        List<ChainEvent> reverted = new ArrayList<>(depth);
        while (window.last().getBlock().getNumber() > ancestor) {
            ChainEvent applied = window.popLast();
            reverted.add(applied.toBuilder()
                    .setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED)
                    .setHeadNumber(Math.max(head, 0))
                    .build());
        }
        next = ancestor + 1;
        knownTarget = -1;
        metrics.reorg(chain, depth);
        LOG.warn("chain {}: reorg of depth {}, common ancestor {}, reverted {}..{}", chain, depth, ancestor,
                ancestor + 1, top);
        return reverted;
    }
}
