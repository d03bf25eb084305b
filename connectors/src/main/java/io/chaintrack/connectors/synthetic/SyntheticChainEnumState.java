package io.chaintrack.connectors.synthetic;

import java.util.List;

/** Enumerator checkpoint: the split when no reader holds it (before assignment, or handed back after a failure). */
public record SyntheticChainEnumState(List<SyntheticChainSplit> unassigned) {
    public SyntheticChainEnumState {
        unassigned = List.copyOf(unassigned);
    }
}
