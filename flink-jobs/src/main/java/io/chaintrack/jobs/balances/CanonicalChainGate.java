package io.chaintrack.jobs.balances;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by chain: turns an at-least-once stream of APPLIED/REVERTED events into one where each block is applied
 * exactly once and reverted only while canonical. It holds the canonical chain's last {@code depth} APPLIED events
 * (hash and transfers per height) and the tip.
 * <ul>
 *   <li>APPLIED with the hash it holds at that height: a replay, dropped.</li>
 *   <li>APPLIED at or below the tip with another hash (a replay after an ingest restart that saw another fork, without
 *       the reverts): first REVERTED for its canonical blocks from the tip down to that height, with the transfers they
 *       applied, then the APPLIED.</li>
 *   <li>REVERTED of a canonical block: REVERTED for every canonical block from the tip down to it; REVERTED of any
 *       other hash (a replayed or already undone revert): dropped.</li>
 *   <li>APPLIED below what it holds: a replay of a block past the horizon, dropped (the source emits in order, so
 *       such a block was applied before).</li>
 * </ul>
 * A reorg it cannot follow (fork point below the blocks it holds, a REVERTED below them, or an APPLIED on top of the
 * tip whose parent is not the tip) raises {@link ReorgBeyondHorizonException}.
 */
public final class CanonicalChainGate extends KeyedProcessFunction<Long, ChainEvent, ChainEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(CanonicalChainGate.class);
    /** Blocks held per chain; the EVM follower's default reorg depth. */
    public static final int DEFAULT_DEPTH = 128;
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";
    public static final String REPLAYS_CONVERGED = "replaysConverged";
    public static final String GAPS = "gaps";

    private final int depth;
    private transient MapState<Long, ChainEvent> canonical;
    private transient ValueState<Long> tip;
    private transient ValueState<Long> floor;
    private transient Counter duplicates;
    private transient Counter converged;
    private transient Counter gaps;

    public CanonicalChainGate() {
        this(DEFAULT_DEPTH);
    }

    /** @param depth canonical blocks held per chain, the deepest reorg followed (at least 1) */
    public CanonicalChainGate(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("gate depth must be at least 1, got " + depth);
        }
        this.depth = depth;
    }

    @Override
    public void open(OpenContext openContext) {
        canonical = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("canonical", Types.LONG, ProtobufTypeInfo.CHAIN_EVENT));
        tip = getRuntimeContext().getState(new ValueStateDescriptor<>("tip", Types.LONG));
        floor = getRuntimeContext().getState(new ValueStateDescriptor<>("floor", Types.LONG));
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES_DROPPED);
        converged = getRuntimeContext().getMetricGroup().counter(REPLAYS_CONVERGED);
        gaps = getRuntimeContext().getMetricGroup().counter(GAPS);
    }

    @Override
    public void processElement(ChainEvent e, Context ctx, Collector<ChainEvent> out) throws Exception {
        if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED) {
            reverted(e, out);
        } else {
            applied(e, out);
        }
    }

    private void applied(ChainEvent e, Collector<ChainEvent> out) throws Exception {
        long h = e.getBlock().getNumber();
        Long t = tip.value();
        if (t == null) {
            accept(e, out);
            return;
        }
        if (h > t) {
            ChainEvent top = canonical.get(t);
            if (h == t + 1 && top != null && !top.getBlock().getHash().equals(e.getBlock().getParentHash())) {
                throw new ReorgBeyondHorizonException("chain " + e.getBlock().getChainId() + ": block " + h + " "
                        + e.getBlock().getHash() + " has parent " + e.getBlock().getParentHash()
                        + " but the canonical tip is " + top.getBlock().getHash() + ", and no REVERTED came between");
            }
            if (h > t + 1) {
                gaps.inc();
                LOG.warn("chain {}: block {} follows tip {}: blocks in between never arrived", e.getBlock().getChainId(), h, t);
            }
            accept(e, out);
            return;
        }
        ChainEvent held = canonical.get(h);
        if (held == null) {
            Long f = floor.value();
            if (f != null && h < f) {
                duplicates.inc(); // a replay of a block past the horizon, applied long ago
                return;
            }
            throw new ReorgBeyondHorizonException("chain " + e.getBlock().getChainId() + ": block " + h
                    + " at or below tip " + t + " but not held");
        }
        if (held.getBlock().getHash().equals(e.getBlock().getHash())) {
            duplicates.inc();
            return;
        }
        ChainEvent below = canonical.get(h - 1);
        if (below == null || !below.getBlock().getHash().equals(e.getBlock().getParentHash())) {
            throw new ReorgBeyondHorizonException("chain " + e.getBlock().getChainId() + ": block " + h + " "
                    + e.getBlock().getHash() + " replaces " + held.getBlock().getHash() + " on parent "
                    + e.getBlock().getParentHash() + ", which is not a canonical block held (depth " + depth
                    + ", tip " + t + ")");
        }
        converged.inc();
        LOG.info("chain {}: block {} {} replaces canonical {}; reverting {} blocks first", e.getBlock().getChainId(), h,
                e.getBlock().getHash(), held.getBlock().getHash(), t - h + 1);
        revertDownTo(h, t, out);
        accept(e, out);
    }

    private void reverted(ChainEvent e, Collector<ChainEvent> out) throws Exception {
        long h = e.getBlock().getNumber();
        Long t = tip.value();
        ChainEvent held = t == null || h > t ? null : canonical.get(h);
        if (held != null && held.getBlock().getHash().equals(e.getBlock().getHash())) {
            revertDownTo(h, t, out);
            return;
        }
        Long f = floor.value();
        if (held == null && t != null && h <= t && f != null && h < f) {
            throw new ReorgBeyondHorizonException("chain " + e.getBlock().getChainId() + ": REVERTED of block " + h
                    + " " + e.getBlock().getHash() + " below the blocks held (" + f + ".." + t + ", depth " + depth + ")");
        }
        duplicates.inc();
    }

    /** REVERTED for the canonical blocks tip..h, newest first, with the transfers they applied; the tip becomes h - 1. */
    private void revertDownTo(long h, long t, Collector<ChainEvent> out) throws Exception {
        List<ChainEvent> undone = new ArrayList<>();
        for (long n = t; n >= h; n--) {
            ChainEvent a = canonical.get(n);
            if (a != null) {
                undone.add(a);
                canonical.remove(n);
            }
        }
        for (ChainEvent a : undone) {
            out.collect(a.toBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED).build());
        }
        tip.update(h - 1);
    }

    private void accept(ChainEvent e, Collector<ChainEvent> out) throws Exception {
        long h = e.getBlock().getNumber();
        canonical.put(h, e);
        tip.update(h);
        long keepFrom = h - depth + 1;
        Long f = floor.value();
        if (f == null || keepFrom - f > 4L * depth) {
            List<Long> old = new ArrayList<>();
            for (Long n : canonical.keys()) {
                if (n < keepFrom) {
                    old.add(n);
                }
            }
            for (Long n : old) {
                canonical.remove(n);
            }
        } else {
            for (long n = f; n < keepFrom; n++) {
                canonical.remove(n);
            }
        }
        floor.update(f == null ? Math.max(keepFrom, h) : Math.max(f, keepFrom));
        out.collect(e);
    }
}
