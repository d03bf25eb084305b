package io.chaintrack.api.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * Look-ups on canonical blocks. Block times never decrease along a canonical chain (a consensus rule),
 * so a block-time range is a block-number range; these turn one into the other through
 * blocks_canonical_time_idx (chain_id, block_time, block_number) WHERE canonical.
 */
final class Blocks {
    /** A canonical block. */
    record Block(long number, String hash, OffsetDateTime time) {}

    private Blocks() {}

    /** Number of the first canonical block with block_time >= time, or null. */
    static Long firstAtOrAfter(Store store, Connection c, long chainId, OffsetDateTime time) throws SQLException {
        Block b = one(store, c, "SELECT block_number, block_hash, block_time FROM blocks WHERE chain_id = ? AND canonical"
                + " AND block_time >= ? ORDER BY block_time, block_number LIMIT 1", chainId, time);
        return b == null ? null : b.number();
    }

    /** Number of the last canonical block with block_time < time, or null. */
    static Long lastBefore(Store store, Connection c, long chainId, OffsetDateTime time) throws SQLException {
        Block b = one(store, c, "SELECT block_number, block_hash, block_time FROM blocks WHERE chain_id = ? AND canonical"
                + " AND block_time < ? ORDER BY block_time DESC, block_number DESC LIMIT 1", chainId, time);
        return b == null ? null : b.number();
    }

    /** The latest canonical block, or null when the chain has none. */
    static Block latest(Store store, Connection c, long chainId) throws SQLException {
        return one(store, c, "SELECT block_number, block_hash, block_time FROM blocks WHERE chain_id = ? AND canonical"
                + " ORDER BY block_number DESC LIMIT 1", chainId);
    }

    private static Block one(Store store, Connection c, String sql, long chainId, OffsetDateTime time) throws SQLException {
        try (PreparedStatement st = store.prepare(c, sql)) {
            st.setLong(1, chainId);
            if (time != null) {
                st.setObject(2, time);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Block(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)) : null;
            }
        }
    }

    private static Block one(Store store, Connection c, String sql, long chainId) throws SQLException {
        return one(store, c, sql, chainId, null);
    }
}
