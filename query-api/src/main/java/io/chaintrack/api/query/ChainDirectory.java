package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Which chain ids the API knows: exactly the rows of {@code chains}. Known ids are remembered (a chain
 * is never removed); an unknown id is looked up again each time, so a newly indexed chain appears at once.
 */
@Singleton
public final class ChainDirectory {
    private final Store store;
    private final ExecutorService blocking;
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    public ChainDirectory(Store store, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    /** The chain id as stored; a 400 naming chain_id when it is not a known chain. */
    public long requireKnown(long chainId) {
        return known.contains(checked(chainId)) ? chainId : lookUp(chainId);
    }

    /**
     * As {@link #requireKnown}, for callers on the event loop: a remembered chain answers at once, an id not seen
     * yet is looked up on the blocking executor (the event loop never waits on the database). A malformed id
     * throws at once; an unknown one fails the future.
     */
    public CompletableFuture<Long> requireKnownAsync(long chainId) {
        return known.contains(checked(chainId)) ? CompletableFuture.completedFuture(chainId)
                : CompletableFuture.supplyAsync(() -> lookUp(chainId), blocking);
    }

    private static long checked(long chainId) {
        if (chainId == 0) {
            throw new InvalidArgumentException("chain_id", "is required");
        }
        if (chainId < 0) {
            // uint64 beyond the signed range: no chain can have it (chains.chain_id is a positive BIGINT)
            throw new InvalidArgumentException("chain_id", "unknown chain " + Long.toUnsignedString(chainId));
        }
        return chainId;
    }

    private long lookUp(long chainId) {
        boolean exists = store.read(c -> {
            try (PreparedStatement st = store.prepare(c, "SELECT 1 FROM chains WHERE chain_id = ?")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!exists) {
            throw new InvalidArgumentException("chain_id", "unknown chain " + chainId + " (GET /v1/chains lists the known ones)");
        }
        known.add(chainId);
        return chainId;
    }
}
