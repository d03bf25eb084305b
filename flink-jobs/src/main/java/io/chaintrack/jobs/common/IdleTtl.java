package io.chaintrack.jobs.common;

import java.time.Duration;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;

/**
 * State TTL for idle keys: only for state whose loss after that much idleness gives the same results as
 * starting from empty (docs/analysts.md, "State"). Processing time, refreshed on every write, never
 * returns an expired value; cleanup runs in the background (heap: incrementally, RocksDB: compaction).
 */
public final class IdleTtl {
    private IdleTtl() {}

    public static StateTtlConfig config(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .build();
    }

    /** Enables the idle TTL on {@code descriptor} and returns it. */
    public static <D extends StateDescriptor<?, ?>> D expireIdle(D descriptor, Duration ttl) {
        descriptor.enableTimeToLive(config(ttl));
        return descriptor;
    }
}
