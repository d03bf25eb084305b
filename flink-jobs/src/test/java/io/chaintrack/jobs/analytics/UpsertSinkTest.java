package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** The analytics tables' guards, day partitions and retention through the one upsert sink, against a real PostgreSQL. */
class UpsertSinkTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    static SqlRow daily(long chain, LocalDate day, long transfers, long blocksCovered) {
        return new SqlRow(Tables.DAILY.name(), "CHAIN", chain, day, transfers, 1L, 1L, 1L, "[]", 5L, 1_700_000_000L, blocksCovered, "exact");
    }

    static SqlRow token(long transfers, long blocksCovered) {
        return new SqlRow(Tables.TOTALS.name(), "TOKEN", 1L, "0xt", transfers, BigInteger.TEN.pow(30), 1L, 1L, 1L, "exact",
                2L, 2L, 2L, "exact", 1L, 0L, 9L, 1_700_000_000L, 1_700_000_100L, 9L, 1_700_000_100L, blocksCovered, "exact", 0L, 9L);
    }

    static SinkWriter<SqlRow> writer(PostgresSinkOptions db, int retention) {
        return ((CollapsingUpsertSink<SqlRow>) AnalyticsSinks.postgres(db.withBatching(1000, Duration.ZERO), retention)
                .rows("test")).standaloneWriter();
    }

    static void write(PostgresSinkOptions db, int retention, List<SqlRow> rows) throws Exception {
        SinkWriter<SqlRow> w = writer(db, retention);
        for (SqlRow r : rows) {
            w.write(r, null);
        }
        w.flush(false);
        w.close();
    }

    @Test
    void aRowCoveringFewerBlocksNeverReplacesANewerOne() throws Exception {
        PostgresSinkOptions db = AnalyticsDb.create(PG);
        write(db, 90, List.of(token(10, 5), token(20, 9)));
        write(db, 90, List.of(token(15, 7)));
        assertThat(AnalyticsDb.count(db, "SELECT transfers FROM analytics_totals")).isEqualTo(20);
        assertThat(AnalyticsDb.query(db, "SELECT volume FROM analytics_totals").get(0).get(0)).isEqualTo(BigInteger.TEN.pow(30).toString());
        write(db, 90, List.of(token(21, 9)));
        assertThat(AnalyticsDb.count(db, "SELECT transfers FROM analytics_totals")).as("equal coverage replaces").isEqualTo(21);
    }

    @Test
    void valuesArriveExactlyThroughCopy() throws Exception {
        PostgresSinkOptions db = AnalyticsDb.create(PG);
        double third = 0.1 + 0.2;
        write(db, 0, List.of(new SqlRow(Tables.ANOMALIES.name(), 1L, null, "transfers", 1_700_000_000L, 3600, "ZSCORE",
                "x\ty", third, 1e-300, Double.MAX_VALUE, null, -2.5, 3.0, 4.0, "warn", 6, null)));
        assertThat(AnalyticsDb.query(db, "SELECT window_start = to_timestamp(1700000000), value = " + third
                + "::float8, baseline = 1e-300::float8, spread = " + Double.MAX_VALUE + "::float8, token IS NULL,"
                + " lower_fence IS NULL, subject, block_number IS NULL FROM analytics_anomalies"))
                .containsExactly(List.of("t", "t", "t", "t", "t", "t", "x\ty", "t"));
        String top = "[{\"token\":\"caf\u00e9\\t\",\"transfers\":2}]";
        write(db, 0, List.of(new SqlRow(Tables.DAILY.name(), "CHAIN", 1L, LocalDate.of(2024, 3, 1), 1L, 1L, 1L, 1L, top,
                5L, 1_700_000_000L, 1L, "exact")));
        assertThat(AnalyticsDb.query(db, "SELECT top_tokens = '" + top + "'::jsonb, day::text, source_time = to_timestamp(1700000000)"
                + " FROM analytics_daily")).containsExactly(List.of("t", "2024-03-01", "t"));
    }

    @Test
    void dayPartitionsAreMadeOnDemandAndOldOnesDropped() throws Exception {
        PostgresSinkOptions db = AnalyticsDb.create(PG);
        LocalDate d = LocalDate.of(2024, 3, 1);
        write(db, 3, List.of(daily(1, d, 1, 1), daily(1, d.plusDays(1), 2, 2)));
        assertThat(AnalyticsDb.count(db, "SELECT count(*) FROM analytics_daily")).isEqualTo(2);
        // the newest day moves to d+4: with 3 days kept, d and d+1 go, and rows older than that are skipped
        write(db, 3, List.of(daily(1, d.plusDays(4), 3, 3), daily(2, d, 9, 9)));
        assertThat(AnalyticsDb.query(db, "SELECT day FROM analytics_daily")).containsExactly(List.of("2024-03-05"));
        assertThat(AnalyticsDb.count(db, "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
                + " WHERE p.relname = 'analytics_daily'")).isEqualTo(1);

        // the command-line retention step, by wall-clock or a given reference day
        int exit = new CommandLine(new PartitionMaintenance()).execute("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user(),
                "--retention-days", "1", "--reference-day", "2024-03-06");
        assertThat(exit).isZero();
        assertThat(AnalyticsDb.count(db, "SELECT count(*) FROM analytics_daily")).isZero();
        // a writer whose cached partition was dropped by someone else recreates it
        SinkWriter<SqlRow> w = writer(db, 90);
        w.write(daily(3, d.plusDays(10), 1, 1), null);
        w.flush(false);
        PartitionMaintenance.dropOldPartitions(db, 1, d.plusDays(20));
        w.write(daily(4, d.plusDays(10), 1, 1), null);
        w.flush(false);
        w.close();
        assertThat(AnalyticsDb.count(db, "SELECT count(*) FROM analytics_daily WHERE chain_id = 4")).isEqualTo(1);
        assertThatThrownBy(() -> PartitionMaintenance.dropOldPartitions(db, 0, d))
                .hasMessageContaining("retention_days must be >= 1");
    }
}
