package io.chaintrack.api.tokens;

import io.chaintrack.api.query.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens table (V24): one row per (chain, token) once a replica claims its lookup. A claim is an atomic
 * upsert, so two replicas never look up the same token at once; a token is looked up once ('done'), and only
 * a lookup whose RPC calls failed ('error') is tried again, after retry-after, up to max-attempts times.
 */
public final class TokenMetadataStore {
    private static final String CLAIM = "INSERT INTO tokens (chain_id, token, status, claimed_at)"
            + " SELECT t.chain_id, t.token, 'pending', now() FROM token_totals t"
            + " LEFT JOIN tokens m ON m.chain_id = t.chain_id AND m.token = t.token"
            + " WHERE t.chain_id = ? AND t.token <> 'native' AND (m.token IS NULL"
            + "   OR m.status = 'error' AND m.attempts < ? AND m.looked_up_at < now() - make_interval(secs => ?)"
            + "   OR m.status = 'pending' AND m.claimed_at < now() - make_interval(secs => ?))"
            + " ORDER BY t.token LIMIT ?"
            + " ON CONFLICT (chain_id, token) DO UPDATE SET status = 'pending', claimed_at = now()"
            + " WHERE tokens.status = 'error' AND tokens.attempts < ? AND tokens.looked_up_at < now() - make_interval(secs => ?)"
            + "   OR tokens.status = 'pending' AND tokens.claimed_at < now() - make_interval(secs => ?)"
            + " RETURNING token";

    private final Store store;

    public TokenMetadataStore(Store store) {
        this.store = store;
    }

    /** Claims up to {@code limit} tokens of a chain that need a lookup; returns them. */
    public List<String> claim(long chainId, int limit, int maxAttempts, Duration retryAfter, Duration claimTimeout) {
        return store.read(c -> {
            try (PreparedStatement st = store.prepare(c, CLAIM)) {
                st.setLong(1, chainId);
                st.setInt(2, maxAttempts);
                st.setLong(3, retryAfter.toSeconds());
                st.setLong(4, claimTimeout.toSeconds());
                st.setInt(5, limit);
                st.setInt(6, maxAttempts);
                st.setLong(7, retryAfter.toSeconds());
                st.setLong(8, claimTimeout.toSeconds());
                List<String> claimed = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(rs.getString(1));
                    }
                }
                return claimed;
            }
        });
    }

    public void saveDone(long chainId, String token, Erc20Metadata.Metadata metadata) {
        store.read(c -> {
            try (PreparedStatement st = store.prepare(c, "UPDATE tokens SET status = 'done', symbol = ?, name = ?, decimals = ?,"
                    + " error = NULL, attempts = attempts + 1, looked_up_at = now() WHERE chain_id = ? AND token = ?")) {
                st.setString(1, metadata.symbol());
                st.setString(2, metadata.name());
                if (metadata.decimals() == null) {
                    st.setNull(3, Types.SMALLINT);
                } else {
                    st.setShort(3, metadata.decimals().shortValue());
                }
                st.setLong(4, chainId);
                st.setString(5, token);
                return st.executeUpdate();
            }
        });
    }

    public void saveError(long chainId, String token, String error) {
        store.read(c -> {
            try (PreparedStatement st = store.prepare(c, "UPDATE tokens SET status = 'error', error = ?, attempts = attempts + 1,"
                    + " looked_up_at = now() WHERE chain_id = ? AND token = ?")) {
                st.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
                st.setLong(2, chainId);
                st.setString(3, token);
                return st.executeUpdate();
            }
        });
    }

    /** Metadata of the given tokens that were looked up ('done'), by token. */
    public static Map<String, Erc20Metadata.Metadata> read(Store store, java.sql.Connection c, long chainId,
                                                           Collection<String> tokens) throws java.sql.SQLException {
        Map<String, Erc20Metadata.Metadata> out = new HashMap<>();
        if (tokens.isEmpty()) {
            return out;
        }
        try (PreparedStatement st = store.prepare(c, "SELECT token, symbol, name, decimals FROM tokens"
                + " WHERE chain_id = ? AND token = ANY (?) AND status = 'done'")) {
            st.setLong(1, chainId);
            st.setArray(2, c.createArrayOf("text", tokens.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int decimals = rs.getInt("decimals");
                    Integer known = rs.wasNull() ? null : decimals;
                    out.put(rs.getString("token"), new Erc20Metadata.Metadata(rs.getString("symbol"), rs.getString("name"), known));
                }
            }
        }
        return out;
    }
}
