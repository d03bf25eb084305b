package io.chaintrack.api.wallets;

import io.chaintrack.api.context.Caller;
import io.chaintrack.api.keys.ApiKeyStore;
import io.chaintrack.api.query.Store;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The one writer of users' wallets (table wallets of V50__users_and_wallets.sql). Every statement is scoped by the
 * user's id, so no method can read, change or delete another user's wallet; a user's writes are serialised by a lock
 * on their api_users row, so the per-user bound holds under concurrent uploads.
 */
@Singleton
public final class WalletStore {
    /** A wallet as stored. */
    public record WalletRow(String walletId, long seq, long chainId, String address, String label, List<String> tags,
                            OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    /** One wallet of an upload. */
    public record NewWallet(long chainId, String address, String label, List<String> tags) {}

    /** What an upload did. */
    public record Upserted(int created, int updated) {}

    private static final String COLUMNS = "wallet_id, seq, chain_id, address, label, tags, created_at, updated_at";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    public WalletStore(Store store) {
        this.store = store;
    }

    /** A fresh opaque id: 80 random bits, so ids say nothing about other users' wallets. */
    static String newId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return "w_" + HexFormat.of().formatHex(bytes);
    }

    /** The user's id, if they ever wrote anything (a user with no row has no wallets). */
    public Optional<Long> findUser(Connection c, Caller.User user) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "SELECT user_id FROM api_users WHERE issuer = ? AND subject = ?")) {
            st.setString(1, user.issuer());
            st.setString(2, user.subject());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The user's id, their row made when missing and locked until the transaction ends. */
    public long lockUser(Connection c, Caller.User user) throws SQLException {
        long id = ApiKeyStore.userId(c, user);
        try (PreparedStatement st = store.prepare(c, "SELECT 1 FROM api_users WHERE user_id = ? FOR UPDATE")) {
            st.setLong(1, id);
            st.executeQuery().close();
        }
        return id;
    }

    public int count(Connection c, long userId) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "SELECT count(*) FROM wallets WHERE user_id = ?")) {
            st.setLong(1, userId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Inserts the wallet; empty when the user already has this chain and address. */
    public Optional<WalletRow> insert(Connection c, long userId, NewWallet wallet) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "INSERT INTO wallets (wallet_id, user_id, chain_id, address, label, tags)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, chain_id, address) DO NOTHING RETURNING " + COLUMNS)) {
            st.setString(1, newId());
            st.setLong(2, userId);
            st.setLong(3, wallet.chainId());
            st.setString(4, wallet.address());
            st.setString(5, wallet.label());
            st.setArray(6, c.createArrayOf("text", wallet.tags().toArray()));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public Optional<WalletRow> find(Connection c, long userId, long chainId, String address) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "SELECT " + COLUMNS + " FROM wallets WHERE user_id = ? AND chain_id = ? AND address = ?")) {
            st.setLong(1, userId);
            st.setLong(2, chainId);
            st.setString(3, address);
            return one(st);
        }
    }

    public Optional<WalletRow> get(Connection c, long userId, String walletId) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "SELECT " + COLUMNS + " FROM wallets WHERE user_id = ? AND wallet_id = ?")) {
            st.setLong(1, userId);
            st.setString(2, walletId);
            return one(st);
        }
    }

    /** Up to {@code limit} wallets after {@code afterSeq} in creation order, optionally of one chain or carrying one tag. */
    public List<WalletRow> list(Connection c, long userId, long afterSeq, int limit, long chainId, String tag) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM wallets WHERE user_id = ? AND seq > ?");
        if (chainId != 0) {
            sql.append(" AND chain_id = ?");
        }
        if (!tag.isEmpty()) {
            sql.append(" AND tags @> ARRAY[?]::text[]");
        }
        sql.append(" ORDER BY seq LIMIT ?");
        try (PreparedStatement st = store.prepare(c, sql.toString())) {
            int i = 1;
            st.setLong(i++, userId);
            st.setLong(i++, afterSeq);
            if (chainId != 0) {
                st.setLong(i++, chainId);
            }
            if (!tag.isEmpty()) {
                st.setString(i++, tag);
            }
            st.setInt(i, limit);
            List<WalletRow> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        }
    }

    /** Sets the label and/or the tags (null: unchanged); empty when the user has no such wallet. */
    public Optional<WalletRow> update(Connection c, long userId, String walletId, String label, List<String> tags) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "UPDATE wallets SET label = COALESCE(?, label), tags = COALESCE(?, tags),"
                + " updated_at = now() WHERE user_id = ? AND wallet_id = ? RETURNING " + COLUMNS)) {
            st.setString(1, label);
            if (tags == null) {
                st.setNull(2, java.sql.Types.ARRAY);
            } else {
                st.setArray(2, c.createArrayOf("text", tags.toArray()));
            }
            st.setLong(3, userId);
            st.setString(4, walletId);
            return one(st);
        }
    }

    /** Deletes the wallet and its per-user data; false when the user has no such wallet. */
    public boolean delete(Connection c, long userId, String walletId) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "DELETE FROM wallets WHERE user_id = ? AND wallet_id = ?")) {
            st.setLong(1, userId);
            st.setString(2, walletId);
            return st.executeUpdate() == 1;
        }
    }

    /**
     * Adds every wallet, or sets the label and tags of those the user already has, in one statement (an upload of
     * 10,000 rows is one round trip). {@code wallets} must not name a chain and address twice.
     */
    public Upserted upsert(Connection c, long userId, List<NewWallet> wallets) throws SQLException {
        if (wallets.isEmpty()) {
            return new Upserted(0, 0);
        }
        int n = wallets.size();
        String[] ids = new String[n];
        Long[] chains = new Long[n];
        String[] addresses = new String[n];
        String[] labels = new String[n];
        String[] tags = new String[n];
        for (int i = 0; i < n; i++) {
            NewWallet w = wallets.get(i);
            ids[i] = newId();
            chains[i] = w.chainId();
            addresses[i] = w.address();
            labels[i] = w.label();
            // tags never contain ';' (validated), so one joined string per row keeps the arrays one-dimensional
            tags[i] = String.join(";", w.tags());
        }
        try (PreparedStatement st = store.prepare(c, "INSERT INTO wallets (wallet_id, user_id, chain_id, address, label, tags)"
                + " SELECT u.id, ?, u.chain, u.address, u.label,"
                + " CASE WHEN u.tags = '' THEN '{}'::text[] ELSE string_to_array(u.tags, ';') END"
                + " FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(id, chain, address, label, tags)"
                + " ON CONFLICT (user_id, chain_id, address) DO UPDATE SET label = EXCLUDED.label, tags = EXCLUDED.tags,"
                + " updated_at = now() RETURNING (xmax = 0)")) {
            st.setLong(1, userId);
            st.setArray(2, c.createArrayOf("text", ids));
            st.setArray(3, c.createArrayOf("bigint", chains));
            st.setArray(4, c.createArrayOf("text", addresses));
            st.setArray(5, c.createArrayOf("text", labels));
            st.setArray(6, c.createArrayOf("text", tags));
            int created = 0;
            int updated = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(1)) {
                        created++;
                    } else {
                        updated++;
                    }
                }
            }
            return new Upserted(created, updated);
        }
    }

    private static Optional<WalletRow> one(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    private static WalletRow row(ResultSet rs) throws SQLException {
        Array tags = rs.getArray(6);
        return new WalletRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                List.of((String[]) tags.getArray()), rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class));
    }
}
