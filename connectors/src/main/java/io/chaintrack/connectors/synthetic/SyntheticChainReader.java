package io.chaintrack.connectors.synthetic;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

/**
 * Emits the chain's events in order, one per poll, each with its block time as the record timestamp.
 * APPLIED events are paced to blocksPerSecond; a reorg's REVERTED events go out at once, as a follower sees them.
 * The checkpointed split is the generator snapshot after the last emitted event.
 */
final class SyntheticChainReader implements SourceReader<ChainEvent, SyntheticChainSplit> {
    private final SyntheticChainConfig config;
    private SyntheticChain chain;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private ScheduledExecutorService pacer;
    private long pacingStartNanos;
    private long pacedBlocks;

    SyntheticChainReader(SyntheticChainConfig config) {
        this.config = config;
    }

    @Override
    public void start() {
        if (config.blocksPerSecond() > 0) {
            pacer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "synthetic-chain-pacer");
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ChainEvent> output) {
        if (chain == null) {
            return noMoreSplits ? InputStatus.END_OF_INPUT : waitForSplit();
        }
        if (!chain.hasNext()) {
            return InputStatus.END_OF_INPUT;
        }
        if (pacer != null && chain.nextIsApplied()) {
            long due = pacingStartNanos + (long) (pacedBlocks * 1e9 / config.blocksPerSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                CompletableFuture<Void> ready = new CompletableFuture<>();
                available = ready;
                pacer.schedule(() -> ready.complete(null), wait, TimeUnit.NANOSECONDS);
                return InputStatus.NOTHING_AVAILABLE;
            }
            pacedBlocks++;
        }
        ChainEvent event = chain.next();
        output.collect(event, BlockTimes.millis(event));
        return chain.hasNext() ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
    }

    private InputStatus waitForSplit() {
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<SyntheticChainSplit> snapshotState(long checkpointId) {
        return chain == null ? List.of() : List.of(new SyntheticChainSplit(chain.eventIndex(), chain.snapshot()));
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<SyntheticChainSplit> splits) {
        if (splits.isEmpty()) {
            return;
        }
        if (chain != null || splits.size() > 1) {
            throw new IllegalStateException("a synthetic chain has exactly one split; got " + splits
                    + (chain != null ? " while already reading one" : ""));
        }
        SyntheticChainSplit split = splits.get(0);
        if (split.generatorState() == null) {
            chain = new SyntheticChain(config);
        } else {
            chain = SyntheticChain.restore(config, split.generatorState());
            if (chain.eventIndex() != split.eventIndex()) {
                throw new IllegalStateException("split says event " + split.eventIndex()
                        + " but its generator snapshot is at event " + chain.eventIndex());
            }
        }
        pacingStartNanos = System.nanoTime();
        pacedBlocks = 0;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() {
        if (pacer != null) {
            pacer.shutdownNow();
        }
    }
}
