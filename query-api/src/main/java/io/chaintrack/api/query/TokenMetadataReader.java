package io.chaintrack.api.query;

import io.chaintrack.proto.v1.BalanceView;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds token metadata (symbol, name, decimals) to balance rows in one look-up per answer. The ingest job
 * writes the tokens table; a token it has not looked up yet gets empty fields, never a wait for the chain.
 */
@Singleton
public final class TokenMetadataReader {
    private static final String SQL = "SELECT token, symbol, name, decimals FROM tokens"
            + " WHERE chain_id = ? AND token = ANY (?) AND status = 'done'";

    /** A null field is unknown: the contract has no readable value for it. */
    private record Metadata(String symbol, String name, Integer decimals) {}

    private final Store store;

    public TokenMetadataReader(Store store) {
        this.store = store;
    }

    public List<BalanceView> withMetadata(Connection c, long chainId, List<BalanceView> balances) throws SQLException {
        Set<String> tokens = new LinkedHashSet<>();
        for (BalanceView b : balances) {
            if (!b.getToken().equals("native")) {
                tokens.add(b.getToken());
            }
        }
        Map<String, Metadata> known = tokens.isEmpty() ? Map.of() : read(c, chainId, tokens);
        List<BalanceView> out = new ArrayList<>(balances.size());
        for (BalanceView b : balances) {
            Metadata m = known.get(b.getToken());
            if (m == null) {
                out.add(b);
                continue;
            }
            BalanceView.Builder view = b.toBuilder().setSymbol(m.symbol() == null ? "" : m.symbol()).setName(m.name() == null ? "" : m.name());
            if (m.decimals() != null) {
                view.setDecimals(m.decimals());
            }
            out.add(view.build());
        }
        return out;
    }

    private Map<String, Metadata> read(Connection c, long chainId, Set<String> tokens) throws SQLException {
        Map<String, Metadata> out = new HashMap<>();
        try (PreparedStatement st = store.prepare(c, SQL)) {
            st.setLong(1, chainId);
            st.setArray(2, c.createArrayOf("text", tokens.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int decimals = rs.getInt("decimals");
                    Integer known = rs.wasNull() ? null : decimals;
                    out.put(rs.getString("token"), new Metadata(rs.getString("symbol"), rs.getString("name"), known));
                }
            }
        }
        return out;
    }
}
