package io.chaintrack.api.query;

import io.chaintrack.proto.v1.ChainView;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.chaintrack.proto.v1.TokenTotalsView;
import jakarta.inject.Singleton;
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

    private final ChainDirectory chains;
    private final Store store;

    public ChainQueryService(ChainDirectory chains, Store store) {
        this.chains = chains;
        this.store = store;
    }

    public ListChainsResponse listChains(ListChainsRequest request) {
        return ListChainsResponse.newBuilder().addAllChains(store.read(c -> chainViews(store, c))).build();
    }

    /** Every chain with its latest canonical block; shared with the health check. */
    static List<ChainView> chainViews(Store store, Connection c) throws SQLException {
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
