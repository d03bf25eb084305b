package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The chain's finalized block as the pipeline recorded it (chains.finalized_number): a row at or below it can no
 * longer be reorged out. The pipeline only ever raises it, so a value read up to {@link #MAX_AGE_NANOS} ago can mark
 * fewer rows final than a fresh one, never more: the short memory trades a little finality latency for no extra
 * round trip on hot routes.
 */
@Singleton
public final class Finality {
    /** How long a chain's finalized block is reused before it is read again. */
    static final long MAX_AGE_NANOS = 100_000_000L;

    /** What a request asks for: everything indexed (rows marked), or final data only. */
    public enum Mode { LATEST, FINALIZED }

    /**
     * A chain's finality: the recorded finalized block (null: none, nothing is final) and the newest canonical block
     * indexed at or below it with its time (null when none is indexed yet), which bounds finality=finalized answers.
     */
    public record Finalized(Long number, Long indexedNumber, OffsetDateTime indexedTime) {
        static final Finalized NONE = new Finalized(null, null, null);

        /** Whether a block at this height can no longer be reorged out. */
        public boolean covers(long blockNumber) {
            return number != null && blockNumber <= number;
        }

        /**
         * Whether a closed window [start, start + seconds) holds only final blocks: it ends at or before the time of an
         * indexed final block, and block times strictly increase along the chain, so every block in it is lower.
         */
        public boolean coversWindow(OffsetDateTime start, int seconds) {
            return indexedTime != null && !start.plusSeconds(seconds).isAfter(indexedTime);
        }
    }

    private record Entry(Finalized value, long readAt) {}

    private static final String SQL = "SELECT c.finalized_number, b.block_number, b.block_time FROM chains c"
            + " LEFT JOIN LATERAL (SELECT block_number, block_time FROM blocks WHERE chain_id = c.chain_id AND canonical"
            + " AND block_number <= c.finalized_number ORDER BY block_number DESC LIMIT 1) b ON true WHERE c.chain_id = ?";

    private final Store store;
    private final ExecutorService blocking;
    private final Map<Long, Entry> recent = new ConcurrentHashMap<>();

    public Finality(Store store, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    /** The finality parameter: empty or "latest" (everything, marked) or "finalized" (final data only). */
    public static Mode mode(String parameter, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "latest" -> Mode.LATEST;
            case "finalized" -> Mode.FINALIZED;
            default -> throw new InvalidArgumentException(parameter, "must be \"latest\" or \"finalized\" (empty means latest), got '"
                    + RequestValues.clip(value) + "'");
        };
    }

    /** The chain's finality, for callers that may block. */
    public Finalized of(long chainId) {
        Entry e = recent.get(chainId);
        long now = System.nanoTime();
        if (e != null && now - e.readAt() < MAX_AGE_NANOS) {
            return e.value();
        }
        Finalized value = store.read(c -> {
            try (PreparedStatement st = store.prepare(c, SQL)) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Finalized.NONE;
                    }
                    long number = rs.getLong(1);
                    if (rs.wasNull()) {
                        return Finalized.NONE;
                    }
                    long indexed = rs.getLong(2);
                    boolean none = rs.wasNull();
                    return new Finalized(number, none ? null : indexed, none ? null : rs.getObject(3, OffsetDateTime.class));
                }
            }
        });
        recent.put(chainId, new Entry(value, now));
        return value;
    }

    /** As {@link #of}, for callers on the event loop: a recent value at once, else read on the blocking executor. */
    public CompletableFuture<Finalized> ofAsync(long chainId) {
        Entry e = recent.get(chainId);
        if (e != null && System.nanoTime() - e.readAt() < MAX_AGE_NANOS) {
            return CompletableFuture.completedFuture(e.value());
        }
        return CompletableFuture.supplyAsync(() -> of(chainId), blocking);
    }
}
