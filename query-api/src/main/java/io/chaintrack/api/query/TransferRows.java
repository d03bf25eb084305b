package io.chaintrack.api.query;

import io.chaintrack.core.model.TransferKinds;
import io.chaintrack.proto.v1.TransferView;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The transfer rows the listings and the live stream read: one column list, read back by position (so every
 * SELECT names {@link #COLUMNS} in this order), and index range scans of it on the listing key, each limited on its own.
 */
final class TransferRows {
    /** The listing key first, then what the covering address indexes INCLUDE: an address scan stays index-only. */
    static final String COLUMNS = "block_number, tx_index, log_index, batch_index, trace_address, block_hash,"
            + " block_time, tx_hash, token, standard, from_address, to_address, amount, token_id, operator, kind";
    static final String NEWEST_FIRST = " ORDER BY block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC";
    static final String OLDEST_FIRST = " ORDER BY block_number, tx_index, log_index, batch_index, trace_address";

    private TransferRows() {}

    /** One scan's canonical rows of a chain past {@code position} (an " AND ..." condition, or ""), in {@code order}. */
    static String select(TransferQueryService.Scan scan, String position, String order) {
        return "SELECT " + COLUMNS + " FROM transfers WHERE chain_id = ? AND canonical AND " + scan.condition() + position + order;
    }

    /** Every scan as its own limited branch (each stays an index range scan), the branches joined by UNION ALL. */
    static StringBuilder branches(List<TransferQueryService.Scan> scans, String position, String order) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < scans.size(); i++) {
            sql.append(i == 0 ? "(" : " UNION ALL (").append(select(scans.get(i), position, order)).append(" LIMIT ?)");
        }
        return sql;
    }

    /**
     * Binds each branch of {@link #branches} (or the one {@link #select} + " LIMIT ?"): chain, the scan's values, the
     * position's values, the limit. Returns the next parameter index.
     */
    static int bindBranches(PreparedStatement st, long chainId, List<TransferQueryService.Scan> scans, List<Object> position,
                            int fetch) throws SQLException {
        int i = 1;
        for (TransferQueryService.Scan scan : scans) {
            st.setLong(i++, chainId);
            i = TransferQueryService.bind(st, i, scan.values());
            i = TransferQueryService.bind(st, i, position);
            st.setInt(i++, fetch);
        }
        return i;
    }

    /** Runs a statement whose columns are exactly {@link #COLUMNS}. */
    static List<TransferView> read(PreparedStatement st, long chainId) throws SQLException {
        List<TransferView> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(view(rs, 1, chainId));
            }
        }
        return out;
    }

    /**
     * Positive when {@code b} lists before {@code a} by the numeric part of the listing key (block, tx, log, batch);
     * 0 on a tie there, which the trace address (in the database's collation) then decides.
     */
    static int newerFirst(TransferView a, TransferView b) {
        int c = Long.compare(b.getBlockNumber(), a.getBlockNumber());
        c = c != 0 ? c : Integer.compare(b.getTxIndex(), a.getTxIndex());
        c = c != 0 ? c : Integer.compare(b.getLogIndex(), a.getLogIndex());
        return c != 0 ? c : Integer.compare(b.getBatchIndex(), a.getBatchIndex());
    }

    /** The row whose {@link #COLUMNS} start at column {@code first}. */
    static TransferView view(ResultSet rs, int first, long chainId) throws SQLException {
        return TransferView.newBuilder()
                .setChainId(chainId)
                .setBlockNumber(rs.getLong(first))
                .setTxIndex(rs.getInt(first + 1))
                .setLogIndex(rs.getInt(first + 2))
                .setBatchIndex(rs.getInt(first + 3))
                .setTraceAddress(rs.getString(first + 4))
                .setBlockHash(rs.getString(first + 5))
                .setBlockTime(Rows.timestamp(rs, first + 6))
                .setTxHash(rs.getString(first + 7))
                .setToken(rs.getString(first + 8))
                .setStandard(Rows.standard(rs.getString(first + 9)))
                .setFromAddress(rs.getString(first + 10))
                .setToAddress(rs.getString(first + 11))
                .setAmount(Rows.decimal(rs, first + 12))
                .setTokenId(Rows.decimal(rs, first + 13))
                .setOperator(Rows.nullToEmpty(rs.getString(first + 14)))
                .setKind(TransferKinds.parse(rs.getString(first + 15)))
                .build();
    }
}
