package io.chaintrack.stack;

import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/**
 * Waits on PostgreSQL until the pipeline holds a Hardhat node's head. The tables are written by separate sinks, each
 * at its own pace: the head's block row, its balance rows and the chain's row (without which the API answers 400).
 */
final class IndexedHead {
    private IndexedHead() {}

    static void await(HardhatChain chain, DataSource db, long chainId) throws Exception {
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        awaitTrue(db, "SELECT block_hash = ? FROM blocks WHERE chain_id = ? AND canonical ORDER BY block_number DESC LIMIT 1",
                hash, chainId, "node head " + head + " " + hash);
        awaitTrue(db, "SELECT max(block_number) >= ? FROM current_balances WHERE chain_id = ?", head, chainId,
                "current balances at head " + head);
        awaitTrue(db, "SELECT count(*) > 0 FROM chains WHERE chain_id = ?", null, chainId, "chains row of " + chainId);
    }

    private static void awaitTrue(DataSource db, String sql, Object first, long chainId, String what) throws Exception {
        Await.until(() -> {
            try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
                int i = 1;
                if (first != null) {
                    st.setObject(i++, first);
                }
                st.setLong(i, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }, 90_000, () -> what);
    }
}
