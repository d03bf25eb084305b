package io.chaintrack.api.keys;

import io.chaintrack.api.context.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * API keys and tiers in PostgreSQL (tables of V20__api_keys.sql; the request budgets are {@link RateLimits}). Secrets exist
 * only in the value returned by {@link #create}; the table holds their SHA-256, and no method reads it back.
 */
public final class ApiKeyStore {
    /** A key as listed: never its secret or hash; {@code user} is the user it acts for, or null. */
    public record KeyInfo(String keyId, String name, String tier, OffsetDateTime createdAt, OffsetDateTime revokedAt, Caller.User user) {}

    /** A freshly created key; {@code secret} is the only copy there will ever be. */
    public record CreatedKey(String keyId, String secret) {}

    public record Tier(String name, List<String> allowedMethods, int requestsPerWindow, int windowSeconds) {
        /** Whether a full gRPC method name ("pkg.Service/Method") is allowed: exact, "pkg.Service/*" or "*". */
        public boolean allows(String fullMethod) {
            for (String pattern : allowedMethods) {
                if (pattern.equals("*") || pattern.equals(fullMethod)
                        || pattern.endsWith("/*") && fullMethod.startsWith(pattern.substring(0, pattern.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An active key with its tier and the user it acts for (null: a key of no user). */
    public record Grant(String keyId, Tier tier, Caller.User user) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final DataSource dataSource;

    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public CreatedKey create(String name, String tier) throws SQLException {
        return create(name, tier, null);
    }

    /** A key acting for {@code user} (its wallets), or for no user when null; the user's row is made when missing. */
    public CreatedKey create(String name, String tier, Caller.User user) throws SQLException {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String keyId = HexFormat.of().formatHex(id);
        String secret = "ck_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO api_keys (key_id, key_hash, name, tier, user_id) VALUES (?, ?, ?, ?, ?)")) {
            st.setString(1, keyId);
            st.setBytes(2, hash(secret));
            st.setString(3, name);
            st.setString(4, tier);
            if (user == null) {
                st.setNull(5, java.sql.Types.BIGINT);
            } else {
                st.setLong(5, userId(c, user));
            }
            st.executeUpdate();
        }
        return new CreatedKey(keyId, secret);
    }

    public List<KeyInfo> list() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT k.key_id, k.name, k.tier, k.created_at, k.revoked_at, u.issuer, u.subject"
                     + " FROM api_keys k LEFT JOIN api_users u ON u.user_id = k.user_id ORDER BY k.created_at, k.key_id");
             ResultSet rs = st.executeQuery()) {
            List<KeyInfo> keys = new ArrayList<>();
            while (rs.next()) {
                String issuer = rs.getString(6);
                keys.add(new KeyInfo(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class),
                        issuer == null ? null : new Caller.User(issuer, rs.getString(7))));
            }
            return keys;
        }
    }

    /** Revokes a key; false when no active key has that id. */
    public boolean revoke(String keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE api_keys SET revoked_at = now() WHERE key_id = ? AND revoked_at IS NULL")) {
            st.setString(1, keyId);
            return st.executeUpdate() == 1;
        }
    }

    public List<Tier> tiers() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT tier, allowed_methods, requests_per_window, window_seconds FROM api_tiers ORDER BY tier");
             ResultSet rs = st.executeQuery()) {
            List<Tier> tiers = new ArrayList<>();
            while (rs.next()) {
                tiers.add(tier(rs));
            }
            return tiers;
        }
    }

    public void setTier(Tier tier) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO api_tiers (tier, allowed_methods, requests_per_window, window_seconds)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT (tier) DO UPDATE SET allowed_methods = EXCLUDED.allowed_methods,"
                     + " requests_per_window = EXCLUDED.requests_per_window, window_seconds = EXCLUDED.window_seconds, updated_at = now()")) {
            st.setString(1, tier.name());
            st.setArray(2, c.createArrayOf("text", tier.allowedMethods().toArray()));
            st.setInt(3, tier.requestsPerWindow());
            st.setInt(4, tier.windowSeconds());
            st.executeUpdate();
        }
    }

    /** The active key whose secret hashes to {@code hash}, with its tier and user. */
    public Optional<Grant> findActive(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT k.key_id, t.tier, t.allowed_methods, t.requests_per_window, t.window_seconds,"
                + " u.issuer, u.subject FROM api_keys k JOIN api_tiers t ON t.tier = k.tier LEFT JOIN api_users u ON u.user_id = k.user_id"
                + " WHERE k.key_hash = ? AND k.revoked_at IS NULL")) {
            st.setBytes(1, hash);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String issuer = rs.getString(6);
                return Optional.of(new Grant(rs.getString(1), tier(rs, 2), issuer == null ? null : new Caller.User(issuer, rs.getString(7))));
            }
        }
    }

    /** The tier named {@code name}, if it exists. */
    public Optional<Tier> findTier(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT tier, allowed_methods, requests_per_window, window_seconds FROM api_tiers WHERE tier = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(tier(rs)) : Optional.empty();
            }
        }
    }

    /** The id of the user's row, made on first use (a user exists once they signed in or own a key). */
    public static long userId(Connection c, Caller.User user) throws SQLException {
        // DO UPDATE of an unchanged column so RETURNING also answers for an existing row
        try (PreparedStatement st = c.prepareStatement("INSERT INTO api_users (issuer, subject) VALUES (?, ?)"
                + " ON CONFLICT (issuer, subject) DO UPDATE SET issuer = EXCLUDED.issuer RETURNING user_id")) {
            st.setString(1, user.issuer());
            st.setString(2, user.subject());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Tier tier(ResultSet rs) throws SQLException {
        return tier(rs, 1);
    }

    private static Tier tier(ResultSet rs, int first) throws SQLException {
        Array methods = rs.getArray(first + 1);
        return new Tier(rs.getString(first), List.of((String[]) methods.getArray()), rs.getInt(first + 2), rs.getInt(first + 3));
    }
}
