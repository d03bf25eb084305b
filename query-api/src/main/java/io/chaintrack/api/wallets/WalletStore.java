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
                            OffsetDateTime createdAt, OffsetDateTime updatedAt, String webhookUrl) {}

    /**
     * A wallet account's history sync as the pipeline's sync worker persists it (wallet_syncs), or only requested
     * (state "queued", no row yet); cursors are the last block done per pass.
     */
    public record HistorySync(String state, String reason, long generation, Long targetBlock, long logsThrough,
                              long nativeThrough, long internalThrough, long recordsDone, OffsetDateTime requestedAt,
                              OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime updatedAt,
                              Long firstIndexedBlock, boolean workerRuns) {}

    /** A webhook change: {@code url} null clears it. */
    public record Webhook(String url, String secret) {}

    /** One wallet of an upload. */
    public record NewWallet(long chainId, String address, String label, List<String> tags) {}

    /** What an upload did. */
    public record Upserted(int created, int updated) {}

    private static final String COLUMNS = "wallet_id, seq, chain_id, address, label, tags, created_at, updated_at, webhook_url";
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
                if (!rs.next()) {
                    return Optional.empty();
                }
                WalletRow row = row(rs);
                requestSync(c, List.of(row.chainId()), List.of(row.address()), false);
                return Optional.of(row);
            }
        }
    }

    /**
     * The only write the API makes toward the pipeline: a request that the account's history be synced (the sync
     * worker acts on it). {@code again}: a resync, superseding any earlier request; otherwise only a first request.
     * Accounts that are no 0x address (UTXO chains) are not synced and get none.
     */
    public void requestSync(Connection c, List<Long> chainIds, List<String> addresses, boolean again) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "INSERT INTO wallet_sync_requests (chain_id, address)"
                + " SELECT chain, address FROM unnest(?::bigint[], ?::text[]) AS u(chain, address)"
                + " WHERE address ~ '^0x[0-9a-f]{40}$'"
                + (again ? " ON CONFLICT (chain_id, address) DO UPDATE SET generation = wallet_sync_requests.generation + 1,"
                        + " requested_at = now()" : " ON CONFLICT (chain_id, address) DO NOTHING"))) {
            st.setArray(1, c.createArrayOf("bigint", chainIds.toArray()));
            st.setArray(2, c.createArrayOf("text", addresses.toArray()));
            st.executeUpdate();
        }
    }

    /** History syncs of accounts, keyed "chain/address"; an account with neither request nor sync is absent. */
    public java.util.Map<String, HistorySync> historySyncs(Connection c, List<Long> chainIds, List<String> addresses)
            throws SQLException {
        java.util.Map<String, HistorySync> out = new java.util.HashMap<>();
        if (chainIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement st = store.prepare(c, "SELECT u.chain, u.address, s.state, s.reason,"
                + " COALESCE(GREATEST(s.generation, r.generation), s.generation, r.generation) AS generation,"
                + " CASE WHEN r.generation > s.generation THEN 'queued' ELSE s.state END AS effective,"
                + " s.target_block, s.logs_through, s.native_through, s.internal_through, s.records_done,"
                + " COALESCE(CASE WHEN r.generation > s.generation THEN r.requested_at END, s.requested_at, r.requested_at) AS requested_at,"
                + " s.started_at, s.finished_at, s.updated_at, ct.first_block, r.generation AS requested,"
                + " (wk.chain_id IS NOT NULL) AS worker_runs"
                + " FROM unnest(?::bigint[], ?::text[]) AS u(chain, address)"
                + " LEFT JOIN wallet_syncs s ON s.chain_id = u.chain AND s.address = u.address"
                + " LEFT JOIN wallet_sync_requests r ON r.chain_id = u.chain AND r.address = u.address"
                + " LEFT JOIN chain_totals ct ON ct.chain_id = u.chain"
                + " LEFT JOIN wallet_sync_workers wk ON wk.chain_id = u.chain"
                + " WHERE s.state IS NOT NULL OR r.generation IS NOT NULL")) {
            st.setArray(1, c.createArrayOf("bigint", chainIds.toArray()));
            st.setArray(2, c.createArrayOf("text", addresses.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    boolean superseded = rs.getString("state") == null || !rs.getString("effective").equals(rs.getString("state"));
                    long first = rs.getLong("first_block");
                    Long firstIndexed = rs.wasNull() ? null : first;
                    if (superseded) {
                        // requested but not yet taken up by the worker: queued, nothing done
                        out.put(rs.getLong("chain") + "/" + rs.getString("address"), new HistorySync("queued", "",
                                rs.getLong("generation"), null, -1, -1, -1, 0, rs.getObject("requested_at", OffsetDateTime.class),
                                null, null, null, firstIndexed, rs.getBoolean("worker_runs")));
                        continue;
                    }
                    long target = rs.getLong("target_block");
                    Long targetBlock = rs.wasNull() ? null : target;
                    out.put(rs.getLong("chain") + "/" + rs.getString("address"), new HistorySync(rs.getString("state"),
                            rs.getString("reason"), rs.getLong("generation"), targetBlock, rs.getLong("logs_through"),
                            rs.getLong("native_through"), rs.getLong("internal_through"), rs.getLong("records_done"),
                            rs.getObject("requested_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                            rs.getObject("finished_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                            firstIndexed, rs.getBoolean("worker_runs")));
                }
            }
        }
        return out;
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

    /** Sets the label, the tags and/or the webhook (null: unchanged); empty when the user has no such wallet. */
    public Optional<WalletRow> update(Connection c, long userId, String walletId, String label, List<String> tags,
                                      Webhook webhook) throws SQLException {
        try (PreparedStatement st = store.prepare(c, "UPDATE wallets SET label = COALESCE(?, label), tags = COALESCE(?, tags),"
                + " webhook_url = CASE WHEN ? THEN ? ELSE webhook_url END,"
                + " webhook_secret = CASE WHEN ? THEN ? ELSE webhook_secret END,"
                + " updated_at = now() WHERE user_id = ? AND wallet_id = ? RETURNING " + COLUMNS)) {
            st.setString(1, label);
            if (tags == null) {
                st.setNull(2, java.sql.Types.ARRAY);
            } else {
                st.setArray(2, c.createArrayOf("text", tags.toArray()));
            }
            st.setBoolean(3, webhook != null);
            st.setString(4, webhook == null ? null : webhook.url());
            st.setBoolean(5, webhook != null);
            st.setString(6, webhook == null ? null : webhook.secret());
            st.setLong(7, userId);
            st.setString(8, walletId);
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
            requestSync(c, List.of(chains), List.of(addresses), false);
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
                List.of((String[]) tags.getArray()), rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class),
                rs.getString(9));
    }
}
