package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferView;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Transfers of an address, canonical rows only, newest first by
 * (block_number, tx_index, log_index, batch_index, trace_address) DESC with keyset paging on that key.
 * Rows added after a page was served sort before its cursor, so later pages never repeat or skip a row.
 */
@Singleton
public final class TransferQueryService {
    private static final String COLUMNS = "block_number, tx_index, log_index, batch_index, trace_address, block_hash,"
            + " block_time, tx_hash, token, standard, from_address, to_address, amount, token_id, operator";
    private static final String ORDER = " ORDER BY block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC";
    private static final String AFTER = " AND (block_number, tx_index, log_index, batch_index, trace_address) < (?, ?, ?, ?, ?)";

    private final ChainDirectory chains;
    private final Store store;
    private final CursorCodec cursors;
    private final ApiConfig config;

    public TransferQueryService(ChainDirectory chains, Store store, CursorCodec cursors, ApiConfig config) {
        this.chains = chains;
        this.store = store;
        this.cursors = cursors;
        this.config = config;
    }

    public ListAddressTransfersResponse listAddressTransfers(ListAddressTransfersRequest request) {
        String address = RequestValues.address("address", request.getAddress());
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        Direction direction = request.getDirection();
        if (direction == Direction.UNRECOGNIZED) {
            throw new InvalidArgumentException("direction", "unknown direction " + request.getDirectionValue()
                    + " (DIRECTION_INCOMING, DIRECTION_OUTGOING, or DIRECTION_UNSPECIFIED for both)");
        }
        TransferCursor after = null;
        if (!request.getCursor().isEmpty()) {
            after = TransferCursor.decode("cursor", cursors.verify("cursor", request.getCursor()));
            if (after.chainId() != request.getChainId() || !after.address().equals(address)
                    || after.direction() != direction.getNumber()) {
                throw new InvalidArgumentException("cursor", "the cursor belongs to a different query (chain, address or direction changed)");
            }
        }
        long chainId = chains.requireKnown(request.getChainId());
        TransferCursor cursor = after;
        List<TransferView> rows = store.read(c -> fetch(c, chainId, address, direction, cursor, limit + 1));

        ListAddressTransfersResponse.Builder response = ListAddressTransfersResponse.newBuilder();
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            TransferView last = rows.get(limit - 1);
            response.setNextCursor(cursors.sign(new TransferCursor(chainId, address, direction.getNumber(),
                    last.getBlockNumber(), last.getTxIndex(), last.getLogIndex(), last.getBatchIndex(),
                    last.getTraceAddress()).encode()));
        }
        return response.addAllTransfers(rows).build();
    }

    private List<TransferView> fetch(Connection c, long chainId, String address, Direction direction,
                                     TransferCursor after, int fetch) throws SQLException {
        String sql = switch (direction) {
            case DIRECTION_INCOMING -> side("to_address", after != null, false) + " LIMIT ?";
            case DIRECTION_OUTGOING -> side("from_address", after != null, false) + " LIMIT ?";
            // both sides: merge the two index scans; a self-transfer is taken from the from-side only
            default -> "(" + side("from_address", after != null, false) + " LIMIT ?) UNION ALL ("
                    + side("to_address", after != null, true) + " LIMIT ?)" + ORDER + " LIMIT ?";
        };
        try (PreparedStatement st = store.prepare(c, sql)) {
            int i = bindSide(st, 1, chainId, address, after, false);
            st.setInt(i++, fetch);
            if (direction != Direction.DIRECTION_INCOMING && direction != Direction.DIRECTION_OUTGOING) {
                i = bindSide(st, i, chainId, address, after, true);
                st.setInt(i++, fetch);
                st.setInt(i, fetch);
            }
            List<TransferView> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(view(rs, chainId));
                }
            }
            return out;
        }
    }

    private static String side(String column, boolean paged, boolean excludeSelf) {
        return "SELECT " + COLUMNS + " FROM transfers WHERE chain_id = ? AND " + column + " = ? AND canonical"
                + (excludeSelf ? " AND from_address <> ?" : "") + (paged ? AFTER : "") + ORDER;
    }

    private static int bindSide(PreparedStatement st, int i, long chainId, String address, TransferCursor after,
                                boolean excludeSelf) throws SQLException {
        st.setLong(i++, chainId);
        st.setString(i++, address);
        if (excludeSelf) {
            st.setString(i++, address);
        }
        if (after != null) {
            st.setLong(i++, after.blockNumber());
            st.setInt(i++, after.txIndex());
            st.setInt(i++, after.logIndex());
            st.setInt(i++, after.batchIndex());
            st.setString(i++, after.traceAddress());
        }
        return i;
    }

    private static TransferView view(ResultSet rs, long chainId) throws SQLException {
        TransferView.Builder view = TransferView.newBuilder()
                .setChainId(chainId)
                .setBlockNumber(rs.getLong("block_number"))
                .setBlockHash(rs.getString("block_hash"))
                .setTxHash(rs.getString("tx_hash"))
                .setTxIndex(rs.getInt("tx_index"))
                .setLogIndex(rs.getInt("log_index"))
                .setTraceAddress(rs.getString("trace_address"))
                .setBatchIndex(rs.getInt("batch_index"))
                .setToken(rs.getString("token"))
                .setStandard(Rows.standard(rs.getString("standard")))
                .setFromAddress(rs.getString("from_address"))
                .setToAddress(rs.getString("to_address"))
                .setAmount(Rows.decimal(rs, "amount"))
                .setTokenId(Rows.decimal(rs, "token_id"))
                .setOperator(Rows.nullToEmpty(rs.getString("operator")));
        view.setBlockTime(Rows.timestamp(rs, "block_time"));
        return view.build();
    }
}
