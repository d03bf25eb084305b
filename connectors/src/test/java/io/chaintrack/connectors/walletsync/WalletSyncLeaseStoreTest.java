package io.chaintrack.connectors.walletsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The lease and claim rules of {@link WalletSyncStore} on a real PostgreSQL, each store standing for one worker: a
 * leased sync is not claimed by another until its lease expires (or is released, or predates leases), a worker whose
 * lease was taken over writes nothing further, and a claimed webhook delivery is handed to one worker only.
 */
class WalletSyncLeaseStoreTest {
    private static final long CHAIN = 31337;
    private static final String A = "0x00000000000000000000000000000000000000a1";
    private static final String B = "0x00000000000000000000000000000000000000b2";

    @Test
    void aSupersededWorkerWritesNothingFurtherAndALeaseBlocksOthersUntilItExpires() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            exec(ds, "INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + A + "')");
            WalletSyncStore x = new WalletSyncStore(db, Duration.ofSeconds(2));
            WalletSyncStore y = new WalletSyncStore(db, Duration.ofMinutes(10));
            assertEquals(1, x.activateRequests(CHAIN));
            WalletSyncStore.Job job = x.claimNext(CHAIN).orElseThrow();
            assertEquals(0, y.activateRequests(CHAIN), "an activated request is not activated again");
            WalletSyncStore.Job progressed = withLogs(job, 41);
            x.save(progressed);
            assertEquals(Map.of("claimed_by", x.workerId(), "attempts", 1, "logs_through", 41L),
                    row(ds, "SELECT claimed_by, attempts, logs_through FROM wallet_syncs"));
            assertEquals(Optional.empty(), y.claimNext(CHAIN), "a sync under a live lease is not claimed by another worker");

            Await.until(() -> (Boolean) row(ds, "SELECT lease_until <= now() AS expired FROM wallet_syncs").get("expired"),
                    30_000, () -> "lease never expired");
            WalletSyncStore.Job taken = y.claimNext(CHAIN).orElseThrow();
            assertEquals(41, taken.logsThrough(), "the new worker resumes from the old one's cursors");
            Map<String, Object> before = row(ds, "SELECT * FROM wallet_syncs");
            assertEquals(y.workerId(), before.get("claimed_by"));
            assertEquals(2, before.get("attempts"));

            // the old worker comes back: every write it tries is refused, and the row is the new owner's as it was
            assertThrows(WalletSyncStore.SupersededException.class, () -> x.save(withLogs(progressed, 60)));
            assertThrows(WalletSyncStore.SupersededException.class,
                    () -> x.finish(withLogs(progressed, 60), 100, Instant.EPOCH, List.of(), "", "{}"));
            x.fail(progressed, "late failure", "{}");
            assertEquals(before, row(ds, "SELECT * FROM wallet_syncs"));
            assertEquals(0L, row(ds, "SELECT count(*) AS n FROM opening_balances").get("n"));
            assertEquals(0, x.release(CHAIN), "it has no lease left to release");

            // the new owner's writes go through and extend its lease
            y.save(withLogs(taken, 70));
            assertEquals(Map.of("logs_through", 70L, "long", true),
                    row(ds, "SELECT logs_through, lease_until > now() + interval '9 minutes' AS long FROM wallet_syncs"));
        }
    }

    @Test
    void aReleasedLeaseAndARunningSyncFromBeforeLeasesAreTakenAtOnce() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            // B was left running by a worker of before V58: no claimant, no lease
            exec(ds, "INSERT INTO wallet_syncs (chain_id, address, generation, state, logs_through, attempts, requested_at)"
                    + " VALUES (" + CHAIN + ", '" + B + "', 1, 'running', 9, 1, now() - interval '1 hour')");
            exec(ds, "INSERT INTO wallet_sync_requests (chain_id, address) VALUES (" + CHAIN + ", '" + A + "')");
            WalletSyncStore x = new WalletSyncStore(db, Duration.ofMinutes(10));
            WalletSyncStore y = new WalletSyncStore(db, Duration.ofMinutes(10));
            x.activateRequests(CHAIN);
            WalletSyncStore.Job legacy = x.claimNext(CHAIN).orElseThrow();
            assertEquals(B, legacy.address());
            assertEquals(9, legacy.logsThrough());
            WalletSyncStore.Job queued = x.claimNext(CHAIN).orElseThrow();
            assertEquals(A, queued.address());
            assertEquals(Optional.empty(), y.claimNext(CHAIN));

            assertEquals(2, x.release(CHAIN), "a graceful stop releases both leases");
            Set<String> taken = new HashSet<>();
            y.claimNext(CHAIN).ifPresent(j -> taken.add(j.address()));
            y.claimNext(CHAIN).ifPresent(j -> taken.add(j.address()));
            assertEquals(Set.of(A, B), taken, "released syncs are taken at once, long before their 10 min leases end");
            assertThrows(WalletSyncStore.SupersededException.class, () -> x.save(queued));
        }
    }

    @Test
    void concurrentClaimsHandEachSyncAndEachDueDeliveryToOneWorker() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Migrations.migrate(ds);
            PostgresSinkOptions db = PostgresSinkOptions.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            exec(ds, "INSERT INTO api_users (issuer, subject) VALUES ('https://issuer.test', 'alice')");
            exec(ds, "INSERT INTO wallet_sync_requests (chain_id, address) SELECT " + CHAIN
                    + ", '0x' || lpad(to_hex(i), 40, '0') FROM generate_series(1, 40) i");
            exec(ds, "INSERT INTO wallets (wallet_id, user_id, chain_id, address, webhook_url, webhook_secret)"
                    + " SELECT 'w_' || lpad(i::text, 20, '0'), user_id, " + CHAIN + ", '0x' || lpad(to_hex(i), 40, '0'),"
                    + " 'http://127.0.0.1:9/hook', 's' FROM api_users, generate_series(1, 40) i");
            exec(ds, "INSERT INTO wallet_webhook_deliveries (wallet_id, url, body, state)"
                    + " SELECT wallet_id, webhook_url, '{}', 'pending' FROM wallets");
            List<WalletSyncStore> workers = List.of(new WalletSyncStore(db), new WalletSyncStore(db), new WalletSyncStore(db),
                    new WalletSyncStore(db));
            ExecutorService pool = Executors.newFixedThreadPool(workers.size());
            try {
                List<Future<List<String>>> syncs = new ArrayList<>();
                List<Future<List<Long>>> deliveries = new ArrayList<>();
                for (WalletSyncStore w : workers) {
                    syncs.add(pool.submit(() -> {
                        w.activateRequests(CHAIN);
                        List<String> mine = new ArrayList<>();
                        // bounded: were a leased sync claimable again, the loop would fail the count below, not hang
                        for (Optional<WalletSyncStore.Job> j = w.claimNext(CHAIN); j.isPresent() && mine.size() < 100;
                                j = w.claimNext(CHAIN)) {
                            mine.add(j.get().address());
                        }
                        return mine;
                    }));
                    deliveries.add(pool.submit((Callable<List<Long>>) () -> {
                        List<Long> mine = new ArrayList<>();
                        for (List<WalletSyncStore.Delivery> d = w.dueDeliveries(3, Duration.ofMinutes(1));
                                !d.isEmpty() && mine.size() < 100; d = w.dueDeliveries(3, Duration.ofMinutes(1))) {
                            d.forEach(x -> mine.add(x.id()));
                        }
                        return mine;
                    }));
                }
                List<String> claimed = new ArrayList<>();
                for (Future<List<String>> f : syncs) {
                    claimed.addAll(f.get());
                }
                List<Long> sent = new ArrayList<>();
                for (Future<List<Long>> f : deliveries) {
                    sent.addAll(f.get());
                }
                assertEquals(40, claimed.size(), "each sync claimed once: " + claimed);
                assertEquals(40, new HashSet<>(claimed).size());
                assertEquals(Map.of("n", 40L, "once", 40L), row(ds, "SELECT count(*) AS n, count(*) FILTER (WHERE attempts = 1"
                        + " AND state = 'running' AND claimed_by IS NOT NULL) AS once FROM wallet_syncs"));
                assertEquals(40, sent.size(), "each delivery handed out once: " + sent);
                assertEquals(40, new HashSet<>(sent).size());
            } finally {
                pool.shutdownNow();
            }
            // a claimed delivery is not due for anybody until its claim passes; its outcome is recorded as before
            WalletSyncStore w = workers.get(0);
            assertTrue(w.dueDeliveries(100, Duration.ofMinutes(1)).isEmpty());
            long id = (Long) row(ds, "SELECT min(delivery_id) AS id FROM wallet_webhook_deliveries").get("id");
            w.recordAttempt(id, false, 503, "HTTP 503", Duration.ZERO);
            List<WalletSyncStore.Delivery> due = workers.get(1).dueDeliveries(100, Duration.ofMinutes(1));
            assertEquals(List.of(id), due.stream().map(WalletSyncStore.Delivery::id).toList(), "retried at once when due again");
            assertEquals(1, due.get(0).attempts());
            w.recordAttempt(id, true, 204, "", null);
            w.recordAttempt(id, false, 503, "late", Duration.ZERO);
            assertEquals(Map.of("state", "delivered", "attempts", 2),
                    row(ds, "SELECT state, attempts FROM wallet_webhook_deliveries WHERE delivery_id = " + id),
                    "a late failure of a slower claimant does not undo a delivery");
        }
    }

    private static WalletSyncStore.Job withLogs(WalletSyncStore.Job j, long logsThrough) {
        return new WalletSyncStore.Job(j.chainId(), j.address(), j.generation(), j.state(), 100L, logsThrough, j.nativeThrough(),
                j.internalThrough(), j.nativePage(), j.internalPage(), j.recordsDone() + 1);
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Map<String, Object> row(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
            }
            return out;
        }
    }
}
