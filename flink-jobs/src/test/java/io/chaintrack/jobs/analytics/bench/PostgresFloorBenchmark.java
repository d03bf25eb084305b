package io.chaintrack.jobs.analytics.bench;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.PostgresSinks;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.copy.CopyText;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Benchmark, not a test: how many transfers rows/s this machine's PostgreSQL takes, as the floor under the
 * pipeline. Raw COPY into transfers (with every index of the migrations), then the balance job's write path
 * (COPY into staging + INSERT … ON CONFLICT DO UPDATE), each without and with extra indexes from a SQL file
 * (e.g. query-api's V26 covering indexes). Args: rows [extra-index-sql-file]
 */
public final class PostgresFloorBenchmark {
    static EmbeddedPostgresServer pg;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String extra = args.length > 1
                ? Files.readString(Path.of(args[1])).replaceAll("(?m)--.*$", "").replace("CONCURRENTLY", "") : null;
        List<TransferRow> rows = rows(n);
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            pg = server;
            PostgresSinkOptions options = PostgresSinkOptions.of(pg.jdbcUrl(), pg.user(), pg.password())
                    .withBatching(20_000, Duration.ZERO);
            run(pg, options, rows, "migrations' indexes");
            if (extra != null) {
                try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
                    for (String sql : extra.split(";")) {
                        if (!sql.isBlank()) {
                            s.execute(sql);
                        }
                    }
                }
                run(pg, options, rows, "plus " + Path.of(args[1]).getFileName());
            }
        }
        System.exit(0);
    }

    static void run(EmbeddedPostgresServer pg, PostgresSinkOptions options, List<TransferRow> rows, String label) throws Exception {
        truncate(pg);
        double cpu0 = PostgresCpu.seconds(pg);
        long t0 = System.nanoTime();
        try (Connection c = pg.dataSource().getConnection()) {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(PostgresSinks.TRANSFERS.copySql()
                    .replace(PostgresSinks.TRANSFERS.stagingTable(), "transfers"));
            CopyText text = new CopyText();
            for (TransferRow r : rows) {
                PostgresSinks.TRANSFERS.encode(r, text);
                if (text.length() > 1 << 20) {
                    byte[] b = text.utf8();
                    copy.writeToCopy(b, 0, b.length);
                    text.clear();
                }
            }
            byte[] b = text.utf8();
            copy.writeToCopy(b, 0, b.length);
            copy.endCopy();
        }
        report("raw COPY into transfers", label, rows.size(), t0, cpu0);

        truncate(pg);
        cpu0 = PostgresCpu.seconds(pg);
        t0 = System.nanoTime();
        var w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.TRANSFERS, options);
        for (TransferRow r : rows) {
            w.write(r, null);
        }
        w.flush(true);
        w.close();
        report("COPY staging + INSERT ON CONFLICT (20k batches), new rows", label, rows.size(), t0, cpu0);

        cpu0 = PostgresCpu.seconds(pg);
        t0 = System.nanoTime();
        w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.TRANSFERS, options);
        for (TransferRow r : rows) {
            w.write(r, null);
        }
        w.flush(true);
        w.close();
        report("COPY staging + INSERT ON CONFLICT (20k batches), all conflicts (replay)", label, rows.size(), t0, cpu0);
    }

    static void truncate(EmbeddedPostgresServer pg) throws Exception {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE transfers");
            s.execute("CHECKPOINT");
        }
    }

    static void report(String what, String label, int n, long t0, double pgCpu0) throws Exception {
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = PostgresCpu.seconds(pg) - pgCpu0;
        // rows per PostgreSQL CPU-second: the rate two dedicated cores could sustain is about twice this
        System.out.printf(Locale.ROOT, "| %s | %s | %,d | %.1f | %,.0f | %.1f | %,.0f |%n", what, label, n, s, n / s, cpu, n / cpu);
    }

    /** Transfers shaped like the synthetic chain's: 100 per block, 100,000 addresses, 20 tokens. */
    static List<TransferRow> rows(int n) {
        SplittableRandom random = new SplittableRandom(7);
        List<TransferRow> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long block = i / 100;
            String hash = String.format("0x%064x", block * 7919 + 1);
            out.add(new TransferRow(1, hash, i % 100, i % 100, "", 0, block, 1_700_000_000_000L + block * 12_000,
                    String.format("0x%064x", i * 31L + 5), String.format("0x%040x", random.nextInt(20)), "ERC20",
                    String.format("0x%040x", random.nextInt(100_000)), String.format("0x%040x", random.nextInt(100_000)),
                    BigInteger.valueOf(random.nextLong(1, Long.MAX_VALUE)).multiply(BigInteger.TEN.pow(6)), null, null, true, "log"));
        }
        return out;
    }
}
