package io.chaintrack.connectors.evm.source;

import java.util.List;

/**
 * What the enumerator has not handed out yet. Before {@code initialized} the backfill boundary is unknown
 * (it is read from the node once, at the first start, and kept from then on). Backfill chunks come from
 * {@code backfillNext..backfillEnd}; {@code pending} holds splits readers gave back after a failure.
 */
public record EvmEnumeratorState(boolean initialized, long backfillNext, long backfillEnd, long tailStart,
                                 boolean tailCreated, List<EvmSplit> pending) {

    public EvmEnumeratorState {
        pending = List.copyOf(pending);
    }

    public static EvmEnumeratorState fresh() {
        return new EvmEnumeratorState(false, 0, -1, 0, false, List.of());
    }
}
