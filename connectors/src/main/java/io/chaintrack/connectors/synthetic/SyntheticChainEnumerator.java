package io.chaintrack.connectors.synthetic;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * One chain is one ordered stream: its single split always goes to subtask 0; every other reader is told
 * at once that no split will come, so it finishes instead of idling.
 */
final class SyntheticChainEnumerator implements SplitEnumerator<SyntheticChainSplit, SyntheticChainEnumState> {
    private final SplitEnumeratorContext<SyntheticChainSplit> context;
    private final List<SyntheticChainSplit> unassigned;

    SyntheticChainEnumerator(SplitEnumeratorContext<SyntheticChainSplit> context, List<SyntheticChainSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayList<>(unassigned);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // splits are pushed in addReader; nothing to do on request
    }

    @Override
    public void addSplitsBack(List<SyntheticChainSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        if (subtaskId == 0 && context.registeredReaders().containsKey(0)) {
            assignTo(0);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (subtaskId == 0) {
            assignTo(0);
        }
        context.signalNoMoreSplits(subtaskId);
    }

    private void assignTo(int subtaskId) {
        for (SyntheticChainSplit split : unassigned) {
            context.assignSplit(split, subtaskId);
        }
        unassigned.clear();
    }

    @Override
    public SyntheticChainEnumState snapshotState(long checkpointId) {
        return new SyntheticChainEnumState(unassigned);
    }

    @Override
    public void close() {}
}
