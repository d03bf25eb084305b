package io.chaintrack.jobs.analytics.functions;

import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by chain: turns APPLIED/REVERTED events into final blocks. A block is final once it is canonical
 * (applied more often than reverted) and the canonical head is reorgHorizonBlocks past it; final blocks
 * are emitted once each, in number order, and never retracted. At the end of a bounded input every
 * canonical pending block is final. Works on events in arrival order (streaming) and in block-number
 * order with arbitrary order inside one height (BATCH sorts by key and timestamp = block number).
 */
public final class BlockFinalizer extends KeyedProcessFunction<Long, ChainEvent, FinalBlock> {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFinalizer.class);

    private final AnalyticsConfig config;
    private transient MapState<String, Pending> pending;
    private transient ValueState<Frontier> frontier;
    private transient Counter finalBlocks;
    private transient Counter beyondHorizon;
    private transient Counter gaps;

    public BlockFinalizer(AnalyticsConfig config) {
        this.config = config;
    }

    /** A block not yet final, with applied-minus-reverted count (canonical when positive). */
    public record Pending(ChainEvent event, int net) {}

    /** The last final block of the chain and the run of gap-free final blocks it ends. */
    public record Frontier(long number, String hash, long time, long seq, long coveredFrom, boolean exact) {}

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.STRING,
                new CodecTypeInfo<>(Pending.class, new PendingCodec())));
        frontier = getRuntimeContext().getState(new ValueStateDescriptor<>("frontier",
                new CodecTypeInfo<>(Frontier.class, new FrontierCodec())));
        finalBlocks = getRuntimeContext().getMetricGroup().counter("finalBlocks");
        beyondHorizon = getRuntimeContext().getMetricGroup().counter("revertsBeyondHorizon");
        gaps = getRuntimeContext().getMetricGroup().counter("coverageGaps");
    }

    @Override
    public void processElement(ChainEvent event, Context ctx, Collector<FinalBlock> out) throws Exception {
        // fires only at the end of a bounded input (or a drained stop): everything left is final then
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        String hash = event.getBlock().getHash();
        boolean applied = event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
        Pending p = pending.get(hash);
        Frontier f = frontier.value();
        if (p == null && f != null && event.getBlock().getNumber() <= f.number()) {
            // a height that is already final: the reorg is deeper than the configured horizon
            beyondHorizon.inc();
            LOG.error("chain {}: {} of block {} ({}) is at or below final block {}; reorg deeper than reorg-horizon-blocks={}. "
                            + "Rows of this chain are marked partial; raise the horizon and backfill.",
                    event.getBlock().getChainId(), event.getType(), event.getBlock().getNumber(), hash, f.number(),
                    config.reorgHorizonBlocks());
            if (f.exact()) {
                frontier.update(new Frontier(f.number(), f.hash(), f.time(), f.seq(), f.coveredFrom(), false));
            }
            return;
        }
        int net = (p == null ? 0 : p.net()) + (applied ? 1 : -1);
        pending.put(hash, new Pending(p == null ? event : p.event(), net));
        finalizeUpTo(false, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FinalBlock> out) throws Exception {
        finalizeUpTo(true, out);
    }

    private void finalizeUpTo(boolean all, Collector<FinalBlock> out) throws Exception {
        List<Pending> canonical = new ArrayList<>();
        long head = Long.MIN_VALUE;
        for (Map.Entry<String, Pending> e : pending.entries()) {
            if (e.getValue().net() > 0) {
                canonical.add(e.getValue());
                head = Math.max(head, e.getValue().event().getBlock().getNumber());
            }
        }
        if (canonical.isEmpty()) {
            return;
        }
        long limit = all ? Long.MAX_VALUE : head - config.reorgHorizonBlocks();
        canonical.sort(Comparator.comparingLong((Pending p) -> p.event().getBlock().getNumber())
                .thenComparing(p -> p.event().getBlock().getHash()));
        Frontier f = frontier.value();
        long lastFinal = Long.MIN_VALUE;
        for (Pending p : canonical) {
            var header = p.event().getBlock();
            if (header.getNumber() > limit) {
                break;
            }
            if (f != null && header.getNumber() <= f.number()) {
                // a second canonical block at a height just finalised: inconsistent input, keep the first
                beyondHorizon.inc();
                continue;
            }
            boolean contiguous = f != null && header.getNumber() == f.number() + 1 && header.getParentHash().equals(f.hash());
            long interval = contiguous ? header.getTimestamp() - f.time() : -1;
            long coveredFrom;
            boolean exact;
            if (f == null) {
                coveredFrom = header.getNumber();
                exact = header.getNumber() <= config.startBlock(header.getChainId());
            } else if (contiguous) {
                coveredFrom = f.coveredFrom();
                exact = f.exact();
            } else {
                gaps.inc();
                LOG.warn("chain {}: final block {} does not extend final block {} ({}); coverage restarts at {}",
                        header.getChainId(), header.getNumber(), f.number(), f.hash(), header.getNumber());
                coveredFrom = header.getNumber();
                exact = false;
            }
            long seq = f == null ? 1 : f.seq() + 1;
            List<TransferFact> transfers = new ArrayList<>(p.event().getTransfersCount());
            for (var t : p.event().getTransfersList()) {
                transfers.add(TransferFact.of(t));
            }
            out.collect(new FinalBlock(header.getChainId(), header.getNumber(), header.getHash(), header.getTimestamp(),
                    header.getGasUsed(), interval, seq, coveredFrom, exact, List.copyOf(transfers)));
            finalBlocks.inc();
            f = new Frontier(header.getNumber(), header.getHash(), header.getTimestamp(), seq, coveredFrom, exact);
            lastFinal = header.getNumber();
        }
        if (lastFinal == Long.MIN_VALUE) {
            return;
        }
        frontier.update(f);
        // orphans and unmatched reverts at or below the final height can never become canonical: drop them
        List<String> drop = new ArrayList<>();
        for (Map.Entry<String, Pending> e : pending.entries()) {
            if (e.getValue().event().getBlock().getNumber() <= lastFinal) {
                drop.add(e.getKey());
            }
        }
        for (String k : drop) {
            pending.remove(k);
        }
    }

    public static final class PendingCodec implements Codec<Pending> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(Pending p, DataOutputView out) throws IOException {
            byte[] bytes = p.event().toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
            out.writeInt(p.net());
        }

        @Override
        public Pending read(DataInputView in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new Pending(ChainEvent.parseFrom(bytes), in.readInt());
        }
    }

    public static final class FrontierCodec implements Codec<Frontier> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(Frontier f, DataOutputView out) throws IOException {
            out.writeLong(f.number());
            out.writeUTF(f.hash());
            out.writeLong(f.time());
            out.writeLong(f.seq());
            out.writeLong(f.coveredFrom());
            out.writeBoolean(f.exact());
        }

        @Override
        public Frontier read(DataInputView in) throws IOException {
            return new Frontier(in.readLong(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readBoolean());
        }
    }
}
