package io.chaintrack.api.bench;

import io.chaintrack.connectors.postgres.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The benchmark's PostgreSQL (scripts/bench-api.sh): a zonky server on a kept data directory, migrated, loaded
 * once with a synthetic chain (INSERT ... SELECT generate_series; indexes rebuilt after the load) and the
 * balance windows, current balances and totals derived from it by SQL, then kept running until stdin closes.
 * Arguments: data-dir port transfers addresses. Prints "READY <jdbc url>" when it can be queried.
 */
public final class BenchDatabase {
    static final int PER_BLOCK = 100;
    static final int TOKENS = 5; // native + 4 ERC-20

    private BenchDatabase() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long transfers = Long.parseLong(args[2]);
        long addresses = Long.parseLong(args[3]);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", System.getenv().getOrDefault("BENCH_SHARED_BUFFERS", "12GB"))
                .setServerConfig("effective_cache_size", "12GB")
                .setServerConfig("work_mem", "64MB")
                .setServerConfig("maintenance_work_mem", "1GB")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("random_page_cost", "1.1")
                .setServerConfig("jit", "off")
                .setServerConfig("max_parallel_workers_per_gather", "0")
                .setServerConfig("max_parallel_maintenance_workers", "1")
                .setServerConfig("synchronous_commit", "off")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                // exiting anyway
            }
        }));
        DataSource ds = postgres.getPostgresDatabase();
        Migrations.migrate(ds);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_meta (transfers BIGINT, addresses BIGINT, load_seconds DOUBLE PRECISION)");
            st.execute("ALTER TABLE bench_meta ADD COLUMN IF NOT EXISTS log TEXT");
            String kept = null;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(log, '') FROM bench_meta WHERE transfers = " + transfers
                    + " AND addresses = " + addresses)) {
                if (rs.next()) {
                    kept = rs.getString(1);
                }
            }
            if (kept == null) {
                long start = System.nanoTime();
                load(st, transfers, addresses);
                double seconds = (System.nanoTime() - start) / 1e9;
                String summary = String.format("LOADED %d transfers over %d addresses in %.1f s", transfers, addresses, seconds);
                LOG.append(summary).append('\n');
                try (var insert = c.prepareStatement("INSERT INTO bench_meta VALUES (?, ?, ?, ?)")) {
                    insert.setLong(1, transfers);
                    insert.setLong(2, addresses);
                    insert.setDouble(3, seconds);
                    insert.setString(4, LOG.toString());
                    insert.executeUpdate();
                }
                System.out.println(summary);
            } else {
                // the data of an earlier run is reused: show how long its load took
                System.out.print(kept.lines().map(l -> l.startsWith("LOADED") ? l + " (kept from an earlier run)" : l)
                        .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
            }
            try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM transfers), (SELECT count(*) FROM balance_windows),"
                    + " (SELECT count(*) FROM current_balances), pg_size_pretty(pg_database_size(current_database()))")) {
                rs.next();
                System.out.printf("ROWS transfers=%d balance_windows=%d current_balances=%d database=%s%n",
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4));
            }
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm");
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            System.out.println("VERSION " + rs.getString(1));
        }
        System.out.println("READY jdbc:postgresql://localhost:" + port + "/postgres");
        System.out.flush();
        // run until the script closes our stdin (or kills us)
        while (System.in.read() >= 0) {
            // ignore input
        }
        System.exit(0);
    }

    /** The load's step timings, printed now and stored with the data so a rerun can show them. */
    private static final StringBuilder LOG = new StringBuilder();

    static void timed(Statement st, String what, String sql) throws SQLException {
        long start = System.nanoTime();
        st.execute(sql);
        String line = String.format("  %-48s %7.1f s", what, (System.nanoTime() - start) / 1e9);
        LOG.append(line).append('\n');
        System.out.println(line);
        System.out.flush();
    }

    /** Index definitions (and the primary key) of a table, dropped now and returned to be rebuilt after a load. */
    static List<String> dropIndexes(Statement st, String table) throws SQLException {
        List<String> rebuild = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT i.indexname, i.indexdef, c.conname FROM pg_indexes i"
                + " LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.contype = 'p'"
                + " WHERE i.tablename = '" + table + "' ORDER BY i.indexname")) {
            while (rs.next()) {
                if (rs.getString(3) != null) {
                    drops.add("ALTER TABLE " + table + " DROP CONSTRAINT " + rs.getString(3));
                    rebuild.add(0, "ALTER TABLE " + table + " ADD CONSTRAINT " + rs.getString(3) + " PRIMARY KEY USING INDEX " + rs.getString(1));
                    rebuild.add(0, rs.getString(2));
                } else {
                    drops.add("DROP INDEX " + rs.getString(1));
                    rebuild.add(rs.getString(2));
                }
            }
        }
        for (String drop : drops) {
            st.execute(drop);
        }
        return rebuild;
    }

    static void rebuild(Statement st, List<String> definitions) throws SQLException {
        for (String definition : definitions) {
            timed(st, definition.length() > 48 ? definition.substring(0, 45) + "..." : definition, definition);
        }
    }

    static void load(Statement st, long transfers, long addresses) throws SQLException {
        long blocks = (transfers + PER_BLOCK - 1) / PER_BLOCK;
        st.execute("SET maintenance_work_mem = '1GB'");
        st.execute("SET work_mem = '512MB'");
        st.execute("TRUNCATE chains, blocks, transfers, balance_windows, current_balances, chain_totals, token_totals CASCADE");
        st.execute("INSERT INTO chains (chain_id, name) VALUES (1, 'bench')");
        // block n at 2024-01-01 + 12 s * n; the address of index k is 0x + 40 hex digits of k + 1
        List<String> blockIndexes = dropIndexes(st, "blocks");
        timed(st, "blocks", "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                + " SELECT 1, '0x' || lpad(to_hex(n), 64, '0'), n, '0x' || lpad(to_hex(n - 1), 64, '0'),"
                + " timestamptz '2024-01-01 00:00:00+00' + n * interval '12 seconds', " + PER_BLOCK + ", true"
                + " FROM generate_series(1::bigint, " + blocks + "::bigint) n");
        rebuild(st, blockIndexes);
        List<String> transferIndexes = dropIndexes(st, "transfers");
        timed(st, "transfers", "INSERT INTO transfers (chain_id, block_hash, tx_index, log_index, trace_address, batch_index,"
                + " block_number, block_time, tx_hash, token, standard, from_address, to_address, amount, token_id, operator, canonical)"
                + " SELECT 1, '0x' || lpad(to_hex(b), 64, '0'), p, CASE WHEN tok = 0 THEN -1 ELSE p END, '', 0, b,"
                + " timestamptz '2024-01-01 00:00:00+00' + b * interval '12 seconds', '0x' || md5(i::text) || md5((-i)::text),"
                + " CASE WHEN tok = 0 THEN 'native' ELSE '0x' || lpad(to_hex(4096 + tok), 40, '0') END,"
                + " CASE WHEN tok = 0 THEN 'NATIVE' ELSE 'ERC20' END,"
                + " '0x' || lpad(to_hex((i * 7919) % " + addresses + " + 1), 40, '0'),"
                + " '0x' || lpad(to_hex((i * 104729 + 12345) % " + addresses + " + 1), 40, '0'),"
                + " ((i * 2654435761) % 1000000007)::numeric * 1000 + 1, NULL, NULL, true"
                + " FROM (SELECT i, i / " + PER_BLOCK + " + 1 AS b, (i % " + PER_BLOCK + ")::int AS p, ((i / 7) % " + TOKENS + ")::int AS tok"
                + "       FROM generate_series(0::bigint, " + (transfers - 1) + "::bigint) i) g");
        rebuild(st, transferIndexes);
        List<String> windowIndexes = dropIndexes(st, "balance_windows");
        timed(st, "balance_windows (3600 s, derived)", "INSERT INTO balance_windows (chain_id, address, token, token_id, window_seconds,"
                + " window_start, delta, balance, transfers_in, transfers_out, volume_in, volume_out)"
                + " SELECT 1, address, token, 0, 3600, ws, delta, sum(delta) OVER (PARTITION BY address, token ORDER BY ws),"
                + " tin, tout, vin, vout FROM ("
                + "   SELECT address, token, ws, sum(vin) - sum(vout) AS delta, count(*) FILTER (WHERE vin > 0) AS tin,"
                + "     count(*) FILTER (WHERE vout > 0) AS tout, sum(vin) AS vin, sum(vout) AS vout FROM ("
                + "     SELECT to_address AS address, token, date_bin('1 hour', block_time, timestamptz '1970-01-01 00:00:00+00') AS ws,"
                + "       amount AS vin, 0::numeric AS vout FROM transfers"
                + "     UNION ALL SELECT from_address, token, date_bin('1 hour', block_time, timestamptz '1970-01-01 00:00:00+00'),"
                + "       0::numeric, amount FROM transfers) x GROUP BY address, token, ws) g");
        rebuild(st, windowIndexes);
        List<String> balanceIndexes = dropIndexes(st, "current_balances");
        timed(st, "current_balances (derived)", "INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance,"
                + " block_number, block_time)"
                + " SELECT 1, address, token, 0, CASE WHEN token = 'native' THEN 'NATIVE' ELSE 'ERC20' END, sum(d), max(b),"
                + " timestamptz '2024-01-01 00:00:00+00' + max(b) * interval '12 seconds' FROM ("
                + "   SELECT to_address AS address, token, amount AS d, block_number AS b FROM transfers"
                + "   UNION ALL SELECT from_address, token, -amount, block_number FROM transfers) x GROUP BY address, token");
        rebuild(st, balanceIndexes);
        timed(st, "token_totals, chain_totals", "INSERT INTO token_totals (chain_id, token, standard, transfers, volume)"
                + " SELECT 1, token, min(standard), count(*), sum(amount) FROM transfers GROUP BY token;"
                + " INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)"
                + " SELECT 1, count(*), " + transfers + ", min(block_number), max(block_number), max(block_time) FROM blocks");
        timed(st, "VACUUM ANALYZE", "VACUUM (ANALYZE)");
    }
}
