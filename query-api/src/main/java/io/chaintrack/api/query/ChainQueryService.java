package io.chaintrack.api.query;

import io.chaintrack.proto.v1.ChainView;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.chaintrack.proto.v1.TokenTotalsView;
import io.chaintrack.api.config.ChainStatusConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.ChainFreshness;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetChainStatusResponse;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListChainStatusesResponse;
import io.chaintrack.proto.v1.ReorgView;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chains with their latest canonical block, and per-chain totals. Orphaned blocks never count as the
 * latest block; a chain with no totals row yet reports zeros.
 */
@Singleton
public final class ChainQueryService {
    private static final String CHAINS_SQL = "SELECT c.chain_id, c.name, b.block_number, b.block_hash, b.block_time"
            + " FROM chains c LEFT JOIN LATERAL (SELECT block_number, block_hash, block_time FROM blocks"
            + " WHERE chain_id = c.chain_id AND canonical ORDER BY block_number DESC LIMIT 1) b ON true"
            + " ORDER BY c.chain_id";

    private static final String STATUS_SQL = "SELECT c.chain_id, c.name, c.head_number, c.head_seen_at, c.finalized_number,"
            + " b.block_number, b.block_hash, b.block_time,"
            + " r.block_number AS reorg_number, r.block_hash AS reorg_hash, r.block_time AS reorg_time,"
            + " (SELECT x.block_hash FROM blocks x WHERE x.chain_id = c.chain_id AND x.canonical"
            + "   AND x.block_number = r.block_number LIMIT 1) AS reorg_canonical"
            + " FROM chains c"
            + " LEFT JOIN LATERAL (SELECT block_number, block_hash, block_time FROM blocks"
            + "   WHERE chain_id = c.chain_id AND canonical ORDER BY block_number DESC LIMIT 1) b ON true"
            + " LEFT JOIN LATERAL (SELECT block_number, block_hash, block_time FROM blocks"
            + "   WHERE chain_id = c.chain_id AND NOT canonical ORDER BY block_number DESC, block_hash LIMIT 1) r ON true";

    private final ChainDirectory chains;
    private final Store store;
    private final ChainStatusConfig statusConfig;
    private final Clock clock;

    public ChainQueryService(ChainDirectory chains, Store store, ChainStatusConfig statusConfig, Clock clock) {
        this.chains = chains;
        this.store = store;
        this.statusConfig = statusConfig;
        this.clock = clock;
    }

    public GetChainStatusResponse getChainStatus(GetChainStatusRequest request) {
        long chainId = chains.requireKnown(request.getChainId());
        List<ChainStatusView> statuses = store.read(c -> statuses(c, chainId));
        if (statuses.isEmpty()) {
            throw new InvalidArgumentException("chain_id", "unknown chain " + chainId);
        }
        return GetChainStatusResponse.newBuilder().setStatus(statuses.get(0)).build();
    }

    public ListChainStatusesResponse listChainStatuses(ListChainStatusesRequest request) {
        return ListChainStatusesResponse.newBuilder().addAllChains(store.read(c -> statuses(c, null))).build();
    }

    /** Every chain's status in one statement on {@code c}; health derives its chain list from the same rows. */
    List<ChainStatusView> statuses(Connection c) throws SQLException {
        return statuses(c, null);
    }

    /** The chain with its latest canonical block, as listChains answers it, from that chain's status. */
    static ChainView chainView(ChainStatusView status) {
        ChainView.Builder view = ChainView.newBuilder().setChainId(status.getChainId()).setName(status.getName());
        if (status.hasLatestBlockTime()) {
            view.setLatestBlock(status.getLatestBlock())
                    .setLatestBlockHash(status.getLatestBlockHash())
                    .setLatestBlockTime(status.getLatestBlockTime());
        }
        return view.build();
    }

    /**
     * Lag is measured from the latest canonical block's time to this server's clock; the last reorg is the
     * highest orphaned block; the head is what the follower last reported (unknown when not recorded).
     */
    private List<ChainStatusView> statuses(Connection c, Long chainId) throws SQLException {
        Instant now = clock.instant();
        List<ChainStatusView> out = new ArrayList<>();
        try (PreparedStatement st = store.prepare(c, STATUS_SQL + (chainId != null ? " WHERE c.chain_id = ?" : "") + " ORDER BY c.chain_id")) {
            if (chainId != null) {
                st.setLong(1, chainId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("chain_id");
                    Duration staleAfter = statusConfig.staleAfter(id);
                    ChainStatusView.Builder view = ChainStatusView.newBuilder().setChainId(id).setName(rs.getString("name"))
                            .setStaleAfterSeconds(staleAfter.toSeconds());
                    OffsetDateTime latestTime = rs.getObject("block_time", OffsetDateTime.class);
                    if (latestTime == null) {
                        view.setFreshness(ChainFreshness.CHAIN_FRESHNESS_EMPTY);
                    } else {
                        long lag = Math.max(0, Duration.between(latestTime.toInstant(), now).toSeconds());
                        view.setLatestBlock(rs.getLong("block_number"))
                                .setLatestBlockHash(rs.getString("block_hash"))
                                .setLatestBlockTime(Rows.toTimestamp(latestTime.toInstant()))
                                .setLagSeconds(lag)
                                .setFreshness(lag > staleAfter.toSeconds() ? ChainFreshness.CHAIN_FRESHNESS_STALE
                                        : ChainFreshness.CHAIN_FRESHNESS_FRESH);
                    }
                    if (rs.getString("reorg_hash") != null) {
                        view.setLastReorg(ReorgView.newBuilder()
                                .setBlockNumber(rs.getLong("reorg_number"))
                                .setOrphanedHash(rs.getString("reorg_hash"))
                                .setCanonicalHash(Rows.nullToEmpty(rs.getString("reorg_canonical")))
                                .setBlockTime(Rows.timestamp(rs, "reorg_time")));
                    }
                    long finalized = rs.getLong("finalized_number");
                    if (!rs.wasNull()) {
                        view.setFinalizedBlock(finalized);
                    }
                    long head = rs.getLong("head_number");
                    if (!rs.wasNull()) {
                        view.setHeadNumber(head);
                        OffsetDateTime seen = rs.getObject("head_seen_at", OffsetDateTime.class);
                        if (seen != null) {
                            view.setHeadSeenAt(Rows.toTimestamp(seen.toInstant()));
                        }
                        if (latestTime != null) {
                            view.setBlocksBehindHead(Math.max(0, head - view.getLatestBlock()));
                        }
                    }
                    out.add(view.build());
                }
            }
        }
        return out;
    }

    public ListChainsResponse listChains(ListChainsRequest request) {
        return ListChainsResponse.newBuilder().addAllChains(store.read(c -> chainViews(store, c))).build();
    }

    /** Every chain with its latest canonical block (same rule as {@link #chainView}, without the status columns). */
    private static List<ChainView> chainViews(Store store, Connection c) throws SQLException {
        List<ChainView> out = new ArrayList<>();
        try (PreparedStatement st = store.prepare(c, CHAINS_SQL); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                ChainView.Builder view = ChainView.newBuilder().setChainId(rs.getLong("chain_id")).setName(rs.getString("name"));
                if (rs.getString("block_hash") != null) {
                    view.setLatestBlock(rs.getLong("block_number"))
                            .setLatestBlockHash(rs.getString("block_hash"))
                            .setLatestBlockTime(Rows.timestamp(rs, "block_time"));
                }
                out.add(view.build());
            }
        }
        return out;
    }

    public GetChainTotalsResponse getChainTotals(GetChainTotalsRequest request) {
        long chainId = chains.requireKnown(request.getChainId());
        return store.read(c -> {
            GetChainTotalsResponse.Builder response = GetChainTotalsResponse.newBuilder().setChainId(chainId);
            try (PreparedStatement st = store.prepare(c, "SELECT blocks, transfers, first_block, last_block, last_block_time"
                    + " FROM chain_totals WHERE chain_id = ?")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        response.setBlocks(rs.getLong("blocks"))
                                .setTransfers(rs.getLong("transfers"))
                                .setFirstBlock(rs.getLong("first_block"))
                                .setLastBlock(rs.getLong("last_block"))
                                .setLastBlockTime(Rows.timestamp(rs, "last_block_time"));
                    }
                }
            }
            ReconciliationQueryService.latest(store, c, chainId).forEach(response::setReconciliation);
            try (PreparedStatement st = store.prepare(c, "SELECT token, standard, transfers, volume FROM token_totals"
                    + " WHERE chain_id = ? ORDER BY token")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        response.addTokens(TokenTotalsView.newBuilder()
                                .setToken(rs.getString("token"))
                                .setStandard(Rows.standard(rs.getString("standard")))
                                .setTransfers(rs.getLong("transfers"))
                                .setVolume(Rows.decimal(rs, "volume"))
                                .build());
                    }
                }
            }
            return response.build();
        });
    }
}
