package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out backfill chunks on request (pull, so faster readers take more), and once every chunk is out, the
 * single tail split to the next reader that asks. The backfill boundary is read from the node at the first
 * start and then lives in the checkpoint, so a restore never re-plans.
 */
public final class EvmSplitEnumerator implements SplitEnumerator<EvmSplit, EvmEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(EvmSplitEnumerator.class);

    private final SplitEnumeratorContext<EvmSplit> context;
    private final EvmChainConfig config;
    private final ChainReaderFactory readers;
    private final EvmMetrics.RegistrySupplier registry;
    private final Set<Integer> waiting = new LinkedHashSet<>();
    private final List<EvmSplit> pending = new ArrayList<>();
    private boolean initialized;
    private long backfillNext;
    private long backfillEnd;
    private long tailStart;
    private boolean tailCreated;

    public EvmSplitEnumerator(SplitEnumeratorContext<EvmSplit> context, EvmChainConfig config,
                              ChainReaderFactory readers, EvmMetrics.RegistrySupplier registry,
                              EvmEnumeratorState state) {
        this.context = context;
        this.config = config;
        this.readers = readers;
        this.registry = registry;
        this.initialized = state.initialized();
        this.backfillNext = state.backfillNext();
        this.backfillEnd = state.backfillEnd();
        this.tailStart = state.tailStart();
        this.tailCreated = state.tailCreated();
        this.pending.addAll(state.pending());
    }

    @Override
    public void start() {
        if (initialized) {
            return;
        }
        context.callAsync(() -> {
            try (ChainReader reader = readers.open(config, EvmMetrics.on(registry.get()))) {
                return BackfillPlan.of(config, reader.poll(-1));
            }
        }, (plan, error) -> {
            if (error != null) {
                throw new IllegalStateException("chain " + config.chainName() + ": cannot read the head to plan the"
                        + " backfill", error);
            }
            initialized = true;
            backfillNext = config.startBlock();
            backfillEnd = plan.backfillEnd();
            tailStart = plan.tailStart();
            tailCreated = !plan.tailNeeded();
            LOG.info("chain {}: backfill {}..{} in chunks of {}, head follower from {}{}", config.chainName(),
                    config.startBlock(), backfillEnd, config.blocksPerSplit(), tailStart,
                    plan.tailNeeded() ? "" : " (not needed)");
            List<Integer> asked = new ArrayList<>(waiting);
            waiting.clear();
            for (int subtask : asked) {
                assignNext(subtask);
            }
        });
    }

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
        if (!initialized) {
            waiting.add(subtask);
            return;
        }
        assignNext(subtask);
    }

    private void assignNext(int subtask) {
        if (!context.registeredReaders().containsKey(subtask)) {
            return;
        }
        EvmSplit split = nextSplit();
        if (split != null) {
            context.assignSplit(split, subtask);
        } else if (config.bounded()) {
            context.signalNoMoreSplits(subtask);
        }
        // unbounded and nothing left: the reader stays idle; a split given back after a failure will go to it
    }

    private EvmSplit nextSplit() {
        if (!pending.isEmpty()) {
            return pending.remove(0);
        }
        if (backfillNext <= backfillEnd) {
            long to = Math.min(backfillEnd, backfillNext + config.blocksPerSplit() - 1);
            EvmSplit s = EvmSplit.backfill(backfillNext, to);
            backfillNext = to + 1;
            return s;
        }
        if (!tailCreated) {
            tailCreated = true;
            return EvmSplit.tail(tailStart, config.endBlock());
        }
        return null;
    }

    @Override
    public void addSplitsBack(List<EvmSplit> splits, int subtaskId) {
        pending.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {
        // readers ask for splits themselves
    }

    @Override
    public EvmEnumeratorState snapshotState(long checkpointId) {
        return new EvmEnumeratorState(initialized, backfillNext, backfillEnd, tailStart, tailCreated, pending);
    }

    @Override
    public void close() {}
}
