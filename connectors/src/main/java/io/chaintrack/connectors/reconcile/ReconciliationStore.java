package io.chaintrack.connectors.reconcile;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * The reconciler's one write: a run row when a run starts (RUNNING, so a run that dies is visible) and, when it ends,
 * its outcome with the first mismatches, in one transaction so readers never see a finished run without its mismatches.
 */
public final class ReconciliationStore {
    private final String jdbcUrl;
    private final String user;
    private final String password;

    public ReconciliationStore(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    long start(Connection c, long chainId, Instant startedAt, long seed) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO reconciliation_runs (chain_id, started_at, status, sample_seed)"
                + " VALUES (?, ?, 'RUNNING', ?) RETURNING run_id")) {
            st.setLong(1, chainId);
            st.setTimestamp(2, Timestamp.from(startedAt));
            st.setLong(3, seed);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void finish(Connection c, ReconciliationReport r, int maxMismatches) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement st = c.prepareStatement("UPDATE reconciliation_runs SET finished_at = ?, block_number = ?,"
                    + " block_hash = ?, status = ?, error = ?, accounts_checked = ?, balances_checked = ?, owners_checked = ?,"
                    + " blocks_checked = ?, mismatches = ?, largest_difference = ?, balances_without_history = ? WHERE run_id = ?")) {
                st.setTimestamp(1, Timestamp.from(r.finishedAt()));
                if (r.blockNumber() == null) {
                    st.setNull(2, Types.BIGINT);
                } else {
                    st.setLong(2, r.blockNumber());
                }
                st.setString(3, r.blockHash());
                st.setString(4, r.status());
                st.setString(5, r.error());
                st.setLong(6, r.accountsChecked());
                st.setLong(7, r.balancesChecked());
                st.setLong(8, r.ownersChecked());
                st.setLong(9, r.blocksChecked());
                st.setLong(10, r.mismatchCount());
                st.setBigDecimal(11, new BigDecimal(r.largestDifference()));
                st.setLong(12, r.balancesWithoutHistory());
                st.setLong(13, r.runId());
                st.executeUpdate();
            }
            List<Mismatch> kept = r.mismatches().subList(0, Math.min(maxMismatches, r.mismatches().size()));
            try (PreparedStatement st = c.prepareStatement("INSERT INTO reconciliation_mismatches (run_id, seq, check_name,"
                    + " address, token, token_id, expected, actual, difference, block_number, detail)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int seq = 0;
                for (Mismatch m : kept) {
                    st.setLong(1, r.runId());
                    st.setInt(2, seq++);
                    st.setString(3, m.check());
                    st.setString(4, m.address());
                    st.setString(5, m.token());
                    st.setBigDecimal(6, m.tokenId() == null ? null : new BigDecimal(m.tokenId()));
                    st.setString(7, m.expected());
                    st.setString(8, m.actual());
                    st.setBigDecimal(9, m.difference() == null ? null : new BigDecimal(m.difference()));
                    if (m.blockNumber() == null) {
                        st.setNull(10, Types.BIGINT);
                    } else {
                        st.setLong(10, m.blockNumber());
                    }
                    st.setString(11, m.detail());
                    st.addBatch();
                }
                st.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
