package io.chaintrack.core.model;

import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;

/** Block timestamps are seconds on the wire and milliseconds everywhere inside (Flink event time, tables). */
public final class BlockTimes {
    private BlockTimes() {}

    public static long millis(BlockHeader block) {
        return block.getTimestamp() * 1000L;
    }

    public static long millis(ChainEvent event) {
        return millis(event.getBlock());
    }
}
