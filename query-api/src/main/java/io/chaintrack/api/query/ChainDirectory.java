package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which chain ids the API knows: exactly the rows of {@code chains}. Known ids are remembered (a chain
 * is never removed); an unknown id is looked up again each time, so a newly indexed chain appears at once.
 */
@Singleton
public final class ChainDirectory {
    private final Store store;
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    public ChainDirectory(Store store) {
        this.store = store;
    }

    /** The chain id as stored; a 400 naming chain_id when it is not a known chain. */
    public long requireKnown(long chainId) {
        if (chainId == 0) {
            throw new InvalidArgumentException("chain_id", "is required");
        }
        if (chainId < 0) {
            // uint64 beyond the signed range: no chain can have it (chains.chain_id is a positive BIGINT)
            throw new InvalidArgumentException("chain_id", "unknown chain " + Long.toUnsignedString(chainId));
        }
        if (known.contains(chainId)) {
            return chainId;
        }
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
