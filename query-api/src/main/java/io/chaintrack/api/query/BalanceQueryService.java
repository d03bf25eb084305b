package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.TokenStandard;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Current balances and per-window balance history of an address. A history answer is complete or
 * refused: a range holding more than max-limit windows is a 400, never a silently cut list.
 */
@Singleton
public final class BalanceQueryService {
    private final ChainDirectory chains;
    private final Store store;
    private final ApiConfig config;

    public BalanceQueryService(ChainDirectory chains, Store store, ApiConfig config) {
        this.chains = chains;
        this.store = store;
        this.config = config;
    }

    public GetBalancesResponse getBalances(GetBalancesRequest request) {
        String address = RequestValues.address("address", request.getAddress());
        long chainId = chains.requireKnown(request.getChainId());
        List<BalanceView> balances = store.read(c -> {
            try (PreparedStatement st = store.prepare(c, "SELECT token, token_id, standard, balance, block_number, block_time"
                    + " FROM current_balances WHERE chain_id = ? AND address = ? ORDER BY token, token_id")) {
                st.setLong(1, chainId);
                st.setString(2, address);
                List<BalanceView> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        TokenStandard standard = Rows.standard(rs.getString("standard"));
                        out.add(BalanceView.newBuilder()
                                .setToken(rs.getString("token"))
                                .setStandard(standard)
                                // token_id is a real id only for ERC-1155; elsewhere it is the 0 placeholder
                                .setTokenId(standard == TokenStandard.TOKEN_STANDARD_ERC1155 ? Rows.decimal(rs, "token_id") : "")
                                .setBalance(Rows.decimal(rs, "balance"))
                                .setBlockNumber(rs.getLong("block_number"))
                                .setBlockTime(Rows.timestamp(rs, "block_time"))
                                .build());
                    }
                }
                return out;
            }
        });
        return GetBalancesResponse.newBuilder().setChainId(chainId).setAddress(address).addAllBalances(balances).build();
    }

    /**
     * Windows with window_start in [start_time, end_time), oldest first. Defaults: no start_time means
     * from the first window (opening balance 0), no end_time means up to the latest window.
     */
    public GetBalanceHistoryResponse getBalanceHistory(GetBalanceHistoryRequest request) {
        String address = RequestValues.address("address", request.getAddress());
        String token = RequestValues.token("token", request.getToken());
        BigInteger tokenId = RequestValues.uint256("token_id", request.getTokenId());
        int windowSeconds = request.getWindowSeconds() == 0 ? config.defaultWindowSeconds() : request.getWindowSeconds();
        if (windowSeconds < 0 || !config.windowSeconds().contains(windowSeconds)) {
            throw new InvalidArgumentException("window_seconds", "must be one of " + config.windowSeconds()
                    + " (0 for the default " + config.defaultWindowSeconds() + "), got " + Integer.toUnsignedString(request.getWindowSeconds()));
        }
        OffsetDateTime start = null;
        OffsetDateTime end = null;
        if (request.hasStartTime()) {
            RequestValues.timestamp("start_time", request.getStartTime());
            start = Rows.toOffsetDateTime(request.getStartTime());
        }
        if (request.hasEndTime()) {
            RequestValues.timestamp("end_time", request.getEndTime());
            end = Rows.toOffsetDateTime(request.getEndTime());
        }
        if (start != null && end != null && !start.isBefore(end)) {
            throw new InvalidArgumentException("end_time", "must be after start_time (the range is [start_time, end_time))");
        }
        long chainId = chains.requireKnown(request.getChainId());
        OffsetDateTime from = start;
        OffsetDateTime to = end;
        int max = config.maxLimit();

        String key = " FROM balance_windows WHERE chain_id = ? AND address = ? AND token = ? AND token_id = ? AND window_seconds = ?";
        return store.read(c -> {
            List<BalanceWindowView> windows = new ArrayList<>();
            String sql = "SELECT window_start, delta, balance, transfers_in, transfers_out, volume_in, volume_out" + key
                    + (from != null ? " AND window_start >= ?" : "") + (to != null ? " AND window_start < ?" : "")
                    + " ORDER BY window_start LIMIT ?";
            try (PreparedStatement st = store.prepare(c, sql)) {
                int i = bindKey(st, chainId, address, token, tokenId, windowSeconds);
                if (from != null) {
                    st.setObject(i++, from);
                }
                if (to != null) {
                    st.setObject(i++, to);
                }
                st.setInt(i, max + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        windows.add(BalanceWindowView.newBuilder()
                                .setWindowStart(Rows.timestamp(rs, "window_start"))
                                .setWindowSeconds(windowSeconds)
                                .setDelta(Rows.decimal(rs, "delta"))
                                .setBalance(Rows.decimal(rs, "balance"))
                                .setTransfersIn(rs.getLong("transfers_in"))
                                .setTransfersOut(rs.getLong("transfers_out"))
                                .setVolumeIn(Rows.decimal(rs, "volume_in"))
                                .setVolumeOut(Rows.decimal(rs, "volume_out"))
                                .build());
                    }
                }
            }
            if (windows.size() > max) {
                throw new InvalidArgumentException("start_time", "the range holds more than " + max
                        + " windows; narrow start_time/end_time or use a larger window_seconds");
            }
            String opening = "0";
            if (from != null) {
                try (PreparedStatement st = store.prepare(c, "SELECT balance" + key
                        + " AND window_start < ? ORDER BY window_start DESC LIMIT 1")) {
                    int i = bindKey(st, chainId, address, token, tokenId, windowSeconds);
                    st.setObject(i, from);
                    try (ResultSet rs = st.executeQuery()) {
                        if (rs.next()) {
                            opening = Rows.decimal(rs, "balance");
                        }
                    }
                }
            }
            return GetBalanceHistoryResponse.newBuilder()
                    .setChainId(chainId).setAddress(address).setToken(token)
                    .setOpeningBalance(opening).addAllWindows(windows).build();
        });
    }

    private static int bindKey(PreparedStatement st, long chainId, String address, String token, BigInteger tokenId,
                               int windowSeconds) throws java.sql.SQLException {
        st.setLong(1, chainId);
        st.setString(2, address);
        st.setString(3, token);
        st.setBigDecimal(4, new BigDecimal(tokenId));
        st.setInt(5, windowSeconds);
        return 6;
    }
}
