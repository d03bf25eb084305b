package io.chaintrack.connectors.synthetic;

import java.util.Arrays;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The one split of a synthetic chain: how many events were emitted and the generator's snapshot at that
 * point (null before the first event), so a restored reader continues with exactly the next event.
 */
public final class SyntheticChainSplit implements SourceSplit {
    public static final String ID = "synthetic-chain";

    private final long eventIndex;
    private final byte[] generatorState;

    public SyntheticChainSplit(long eventIndex, byte[] generatorState) {
        this.eventIndex = eventIndex;
        this.generatorState = generatorState;
    }

    /** The split a new job starts from. */
    public static SyntheticChainSplit initial() {
        return new SyntheticChainSplit(0, null);
    }

    @Override
    public String splitId() {
        return ID;
    }

    public long eventIndex() {
        return eventIndex;
    }

    /** {@link SyntheticChain#snapshot()} bytes, or null when the chain starts from genesis. */
    public byte[] generatorState() {
        return generatorState;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticChainSplit s && s.eventIndex == eventIndex && Arrays.equals(s.generatorState, generatorState);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(eventIndex) * 31 + Arrays.hashCode(generatorState);
    }

    @Override
    public String toString() {
        return "SyntheticChainSplit{eventIndex=" + eventIndex + ", state="
                + (generatorState == null ? "genesis" : generatorState.length + " bytes") + "}";
    }
}
