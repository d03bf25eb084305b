package io.chaintrack.connectors.walletsync;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of wallet_syncs, opening_balances and wallet_webhook_deliveries, for one worker (its random id). A
 * running sync is leased to the worker that claimed it: every progress write names the job's generation and this
 * worker and extends the lease, so a worker whose sync a resync replaced, or another worker took over after its lease
 * expired, matches no row and stops without writing. Lease times are the database's clock, never the JVM's.
 */
public final class WalletSyncStore {
    /** One account's sync as persisted; cursors are the last block (inclusive) whose history is written. */
    public record Job(long chainId, String address, long generation, String state, Long targetBlock, long logsThrough,
                      long nativeThrough, long internalThrough, int nativePage, int internalPage, long recordsDone) {}

    /**
     * An account's balance of a token (id 0 unless ERC-1155) at S − 1: the node's own answer there (source 'node'),
     * or the sum of its history rows below S (source 'history') where the node serves no state that old.
     */
    public record Opening(String token, BigInteger tokenId, String standard, BigInteger balance, String source) {
        public static final String NODE = "node";
        public static final String HISTORY = "history";

        public Opening withNode(BigInteger nodeBalance) {
            return new Opening(token, tokenId, standard, nodeBalance, NODE);
        }
    }

    /** A webhook delivery due now, with its wallet's current secret (null when the wallet or its webhook is gone). */
    public record Delivery(long id, String walletId, String url, String body, int attempts, String secret) {}

    /** The job's row no longer has this generation or is no longer leased to this worker: a resync or another worker superseded it. */
    public static final class SupersededException extends RuntimeException {
        SupersededException(Job job) {
            super("sync of " + job.address() + " on chain " + job.chainId() + " generation " + job.generation()
                    + " was superseded by a resync or taken over by another worker", null, false, false);
        }
    }

    /** The default lease: well above one chunk (a log range or an explorer page, with retries) on a healthy node. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);

    private final PostgresSinkOptions db;
    private final String workerId;
    private final Duration lease;

    public WalletSyncStore(PostgresSinkOptions db) {
        this(db, DEFAULT_LEASE);
    }

    /** A store for a new worker (a random id) whose claims last {@code lease} past each write. */
    public WalletSyncStore(PostgresSinkOptions db, Duration lease) {
        this(db, UUID.randomUUID().toString(), lease);
    }

    WalletSyncStore(PostgresSinkOptions db, String workerId, Duration lease) {
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("wallet sync lease must be positive, was " + lease);
        }
        this.db = db;
        this.workerId = workerId;
        this.lease = lease;
    }

    public PostgresSinkOptions db() {
        return db;
    }

    /** This worker's id, the claimed_by of the syncs it runs. */
    public String workerId() {
        return workerId;
    }

    public Duration lease() {
        return lease;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T tx(Work<T> work) {
        try (Connection c = db.connect("chaintrack-wallet-sync")) {
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("wallet sync store: " + e.getMessage(), e);
        }
    }

    /** Records that a worker runs for the chain (and whether it syncs native history through an explorer). */
    public void heartbeat(long chainId, boolean explorer) {
        tx(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO wallet_sync_workers (chain_id, explorer) VALUES (?, ?)"
                    + " ON CONFLICT (chain_id) DO UPDATE SET explorer = EXCLUDED.explorer, seen_at = now()")) {
                st.setLong(1, chainId);
                st.setBoolean(2, explorer);
                return st.executeUpdate();
            }
        });
    }

    /**
     * Requests above the sync's generation (a new wallet, a resync) become queued syncs with their cursors reset;
     * returns how many.
     */
    public int activateRequests(long chainId) {
        return tx(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO wallet_syncs AS s (chain_id, address, generation, state,"
                    + " requested_at) SELECT r.chain_id, r.address, r.generation, 'queued', r.requested_at"
                    + " FROM wallet_sync_requests r LEFT JOIN wallet_syncs s2 ON s2.chain_id = r.chain_id AND s2.address = r.address"
                    + " WHERE r.chain_id = ? AND (s2.generation IS NULL OR s2.generation < r.generation)"
                    + " ON CONFLICT (chain_id, address) DO UPDATE SET generation = EXCLUDED.generation, state = 'queued',"
                    + " reason = '', target_block = NULL, logs_through = -1, native_through = -1, internal_through = -1,"
                    + " native_page = 1, internal_page = 1, records_done = 0, attempts = 0, claimed_by = NULL, lease_until = NULL,"
                    + " requested_at = EXCLUDED.requested_at, started_at = NULL, finished_at = NULL, updated_at = now()"
                    // two workers activating at once: the second must not reset a sync the first already activated (and claimed)
                    + " WHERE s.generation < EXCLUDED.generation")) {
                st.setLong(1, chainId);
                return st.executeUpdate();
            }
        });
    }

    /**
     * The oldest queued sync, or a running one whose lease expired or was released (its worker stopped); marked running
     * and leased to this worker. Another worker's claim in flight is skipped, not waited for.
     */
    public Optional<Job> claimNext(long chainId) {
        return tx(c -> {
            Job job = null;
            try (PreparedStatement st = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM wallet_syncs WHERE chain_id = ?"
                    + " AND (state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until <= now())))"
                    + " ORDER BY requested_at, address LIMIT 1 FOR UPDATE SKIP LOCKED")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        job = job(rs);
                    }
                }
            }
            if (job == null) {
                return Optional.empty();
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE wallet_syncs SET state = 'running', attempts = attempts + 1,"
                    + " claimed_by = ?, lease_until = now() + ? * interval '1 millisecond',"
                    + " started_at = COALESCE(started_at, now()), updated_at = now() WHERE chain_id = ? AND address = ?")) {
                st.setString(1, workerId);
                st.setLong(2, lease.toMillis());
                st.setLong(3, chainId);
                st.setString(4, job.address());
                st.executeUpdate();
            }
            return Optional.of(new Job(job.chainId(), job.address(), job.generation(), "running", job.targetBlock(),
                    job.logsThrough(), job.nativeThrough(), job.internalThrough(), job.nativePage(), job.internalPage(),
                    job.recordsDone()));
        });
    }

    public Optional<Job> find(long chainId, String address) {
        return tx(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM wallet_syncs WHERE chain_id = ? AND address = ?")) {
                st.setLong(1, chainId);
                st.setString(2, address);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(job(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The first block the pipeline indexed on the chain (its start block), or empty before it indexed any. */
    public Optional<Long> firstIndexedBlock(long chainId) {
        return tx(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT first_block FROM chain_totals WHERE chain_id = ?")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Saves the job's cursors and counters and extends this worker's lease; fails with {@link SupersededException} when
     * a resync replaced the job or another worker took it over.
     */
    public void save(Job job) {
        tx(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE wallet_syncs SET target_block = ?, logs_through = ?,"
                    + " native_through = ?, internal_through = ?, native_page = ?, internal_page = ?, records_done = ?,"
                    + " lease_until = now() + ? * interval '1 millisecond', updated_at = now()"
                    + " WHERE chain_id = ? AND address = ? AND generation = ? AND state = 'running' AND claimed_by = ?")) {
                if (job.targetBlock() == null) {
                    st.setNull(1, java.sql.Types.BIGINT);
                } else {
                    st.setLong(1, job.targetBlock());
                }
                st.setLong(2, job.logsThrough());
                st.setLong(3, job.nativeThrough());
                st.setLong(4, job.internalThrough());
                st.setInt(5, job.nativePage());
                st.setInt(6, job.internalPage());
                st.setLong(7, job.recordsDone());
                st.setLong(8, lease.toMillis());
                st.setLong(9, job.chainId());
                st.setString(10, job.address());
                st.setLong(11, job.generation());
                st.setString(12, workerId);
                if (st.executeUpdate() == 0) {
                    throw new SupersededException(job);
                }
            }
            return null;
        });
    }

    /**
     * The account's balances at {@code firstIndexed} − 1 summed from its history rows below it (distinct transfers by
     * natural key, whichever sync wrote them), per (token, id), with source 'history'. Without {@code nativeSynced} (no
     * explorer) native rows other syncs wrote are a partial history and are left out.
     */
    public List<Opening> historySums(Job job, long firstIndexed, boolean nativeSynced) {
        return tx(c -> {
            List<Opening> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT token, CASE WHEN standard = 'ERC1155' THEN token_id ELSE 0 END,"
                    + " min(standard), sum(CASE WHEN to_address = ? THEN amount ELSE 0 END)"
                    + " - sum(CASE WHEN from_address = ? THEN amount ELSE 0 END)"
                    + " FROM transfers WHERE chain_id = ? AND canonical AND block_number < ?"
                    + " AND (from_address = ? OR to_address = ?)" + (nativeSynced ? "" : " AND token <> 'native'")
                    + " GROUP BY 1, 2 ORDER BY 1, 2")) {
                int i = 1;
                st.setString(i++, job.address());
                st.setString(i++, job.address());
                st.setLong(i++, job.chainId());
                st.setLong(i++, firstIndexed);
                st.setString(i++, job.address());
                st.setString(i, job.address());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Opening(rs.getString(1), rs.getBigDecimal(2).toBigIntegerExact(), rs.getString(3),
                                rs.getBigDecimal(4).toBigIntegerExact(), Opening.HISTORY));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Done: the account's opening balances replaced by {@code openings} (its balances at {@code firstIndexed} − 1, read
     * from the node or summed from history before this call), the state, and a webhook delivery per wallet with one,
     * in one transaction, so the balance served switches from partial to exact at once. {@code note} is the reason.
     */
    public void finish(Job job, long firstIndexed, Instant openingTime, List<Opening> openings, String note, String webhookBody) {
        tx(c -> {
            requireCurrent(c, job);
            try (PreparedStatement st = c.prepareStatement("DELETE FROM opening_balances WHERE chain_id = ? AND address = ?")) {
                st.setLong(1, job.chainId());
                st.setString(2, job.address());
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO opening_balances (chain_id, address, token, token_id,"
                    + " standard, balance, block_number, block_time, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Opening o : openings) {
                    st.setLong(1, job.chainId());
                    st.setString(2, job.address());
                    st.setString(3, o.token());
                    st.setBigDecimal(4, new BigDecimal(o.tokenId()));
                    st.setString(5, o.standard());
                    st.setBigDecimal(6, new BigDecimal(o.balance()));
                    st.setLong(7, firstIndexed - 1);
                    st.setTimestamp(8, Timestamp.from(openingTime));
                    st.setString(9, o.source());
                    st.addBatch();
                }
                st.executeBatch();
            }
            end(c, job, "done", note.length() > 1000 ? note.substring(0, 1000) : note);
            enqueueWebhooks(c, job, webhookBody);
            return null;
        });
    }

    /** Failed with {@code reason}; a webhook delivery per wallet with one. A superseded job changes nothing. */
    public void fail(Job job, String reason, String webhookBody) {
        tx(c -> {
            try {
                requireCurrent(c, job);
            } catch (SupersededException e) {
                return null;
            }
            end(c, job, "failed", reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            enqueueWebhooks(c, job, webhookBody);
            return null;
        });
    }

    /**
     * Releases this worker's leases on the chain (a graceful shutdown): their syncs stay running with their cursors and
     * are free for any worker at once; this worker's later writes to them fail as superseded. Returns how many.
     */
    public int release(long chainId) {
        return tx(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE wallet_syncs SET claimed_by = NULL, lease_until = now(),"
                    + " updated_at = now() WHERE chain_id = ? AND state = 'running' AND claimed_by = ?")) {
                st.setLong(1, chainId);
                st.setString(2, workerId);
                return st.executeUpdate();
            }
        });
    }

    private void requireCurrent(Connection c, Job job) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM wallet_syncs WHERE chain_id = ? AND address = ?"
                + " AND generation = ? AND state = 'running' AND claimed_by = ? FOR UPDATE")) {
            st.setLong(1, job.chainId());
            st.setString(2, job.address());
            st.setLong(3, job.generation());
            st.setString(4, workerId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SupersededException(job);
                }
            }
        }
    }

    private static void end(Connection c, Job job, String state, String reason) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE wallet_syncs SET state = ?, reason = ?, target_block = ?,"
                + " logs_through = ?, native_through = ?, internal_through = ?, records_done = ?, finished_at = now(),"
                + " lease_until = NULL,"
                + " updated_at = now() WHERE chain_id = ? AND address = ? AND generation = ?")) {
            st.setString(1, state);
            st.setString(2, reason);
            if (job.targetBlock() == null) {
                st.setNull(3, java.sql.Types.BIGINT);
            } else {
                st.setLong(3, job.targetBlock());
            }
            st.setLong(4, job.logsThrough());
            st.setLong(5, job.nativeThrough());
            st.setLong(6, job.internalThrough());
            st.setLong(7, job.recordsDone());
            st.setLong(8, job.chainId());
            st.setString(9, job.address());
            st.setLong(10, job.generation());
            st.executeUpdate();
        }
    }

    /** {@code body} holds the placeholder {@code {wallet_id}}, filled per wallet. */
    private static void enqueueWebhooks(Connection c, Job job, String body) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO wallet_webhook_deliveries (wallet_id, url, body, state)"
                + " SELECT wallet_id, webhook_url, replace(?, '{wallet_id}', wallet_id), 'pending' FROM wallets"
                + " WHERE chain_id = ? AND address = ? AND webhook_url IS NOT NULL")) {
            st.setString(1, body);
            st.setLong(2, job.chainId());
            st.setString(3, job.address());
            st.executeUpdate();
        }
    }

    /**
     * Claims pending deliveries whose next attempt is due, oldest first: in the same transaction their next attempt is
     * pushed {@code claim} ahead, so no other worker picks them while this one sends (and, if this one dies before
     * recording, they fall due again then: at-least-once, deduplicated by receivers on the delivery id).
     */
    public List<Delivery> dueDeliveries(int limit, Duration claim) {
        return tx(c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("WITH due AS (SELECT delivery_id FROM wallet_webhook_deliveries"
                    + " WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, delivery_id LIMIT ?"
                    + " FOR UPDATE SKIP LOCKED)"
                    + " UPDATE wallet_webhook_deliveries d SET next_attempt_at = now() + ? * interval '1 millisecond' FROM due"
                    + " WHERE d.delivery_id = due.delivery_id RETURNING d.delivery_id, d.wallet_id, d.url, d.body, d.attempts,"
                    + " (SELECT w.webhook_secret FROM wallets w WHERE w.wallet_id = d.wallet_id)")) {
                st.setInt(1, limit);
                st.setLong(2, claim.toMillis());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                                rs.getString(6)));
                    }
                }
            }
            out.sort(java.util.Comparator.comparingLong(Delivery::id));
            return out;
        });
    }

    /**
     * Records one attempt: delivered, retried {@code retryIn} from now (the database's now), or failed for good when
     * that is null. A delivery already recorded delivered (by a worker whose claim outlived this one's) stays so.
     */
    public void recordAttempt(long deliveryId, boolean delivered, Integer status, String error, Duration retryIn) {
        tx(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE wallet_webhook_deliveries SET attempts = attempts + 1,"
                    + " last_status = ?, last_error = ?, state = ?,"
                    + " next_attempt_at = COALESCE(now() + ? * interval '1 millisecond', next_attempt_at),"
                    + " delivered_at = CASE WHEN ? THEN now() END WHERE delivery_id = ? AND state = 'pending'")) {
                if (status == null) {
                    st.setNull(1, java.sql.Types.INTEGER);
                } else {
                    st.setInt(1, status);
                }
                st.setString(2, error == null ? "" : error);
                st.setString(3, delivered ? "delivered" : retryIn == null ? "failed" : "pending");
                if (retryIn == null) {
                    st.setNull(4, java.sql.Types.BIGINT);
                } else {
                    st.setLong(4, retryIn.toMillis());
                }
                st.setBoolean(5, delivered);
                st.setLong(6, deliveryId);
                st.executeUpdate();
            }
            return null;
        });
    }

    private static final String JOB_COLUMNS = "chain_id, address, generation, state, target_block, logs_through,"
            + " native_through, internal_through, native_page, internal_page, records_done";

    private static Job job(ResultSet rs) throws SQLException {
        long target = rs.getLong("target_block");
        Long targetBlock = rs.wasNull() ? null : target;
        return new Job(rs.getLong("chain_id"), rs.getString("address"), rs.getLong("generation"), rs.getString("state"),
                targetBlock, rs.getLong("logs_through"), rs.getLong("native_through"), rs.getLong("internal_through"),
                rs.getInt("native_page"), rs.getInt("internal_page"), rs.getLong("records_done"));
    }
}
