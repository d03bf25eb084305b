package io.chaintrack.jobs.balances;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.PostgresSinks;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The collapsing COPY upsert sink against a real PostgreSQL: collapse, checkpoint flushes, failures and replays. */
class CollapsingUpsertSinkTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @BeforeEach
    void empty() throws Exception {
        sql("TRUNCATE current_balances, chains");
    }

    PostgresSinkOptions options(int batchSize) {
        return PG.sinkOptions().withBatching(batchSize, Duration.ZERO);
    }

    static CurrentBalanceRow balance(String address, String token, long balance, long block) {
        return new CurrentBalanceRow(1, address, token, BigInteger.ZERO, "ERC20", BigInteger.valueOf(balance), block,
                1_700_000_000_000L + block * 12_000);
    }

    @Test
    void keepsOnlyTheNewestRowPerKeyUntilAFlush() throws Exception {
        var w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CURRENT_BALANCES, options(1000));
        w.write(balance("0xa", "0xt", 1, 1), null);
        w.write(balance("0xb", "0xt", 5, 1), null);
        w.write(balance("0xa", "0xt", 2, 2), null);
        w.write(balance("0xa", "0xu", 9, 2), null);
        w.write(balance("0xa", "0xt", 3, 3), null);

        assertThat(w.buffered()).isEqualTo(3);
        assertThat(balances()).isEmpty();
        w.flush(false);
        assertThat(w.buffered()).isZero();
        assertThat(balances()).containsExactlyInAnyOrderEntriesOf(Map.of("0xa/0xt", "3@3", "0xb/0xt", "5@1", "0xa/0xu", "9@2"));

        // the next batch updates a key already in the table
        w.write(balance("0xa", "0xt", 0, 4), null);
        w.flush(true);
        w.close();
        assertThat(balances()).containsEntry("0xa/0xt", "0@4").hasSize(3);
    }

    @Test
    void chainsKeepTheHighestHeadAndTextSurvivesCopyEscaping() throws Exception {
        var w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CHAINS, options(1000));
        String name = "tab\there \\ back\nslash, caf\u00e9";
        w.write(new ChainRow(7, name, 100), null);
        w.write(new ChainRow(7, name, 0), null);
        w.flush(false);
        w.write(new ChainRow(7, name, 90), null);
        w.flush(false);
        w.close();
        try (Connection c = PG.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, head_number, head_seen_at IS NOT NULL FROM chains WHERE chain_id = 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(name);
            assertThat(rs.getLong(2)).isEqualTo(100);
            assertThat(rs.getBoolean(3)).isTrue();
        }
    }

    @Test
    void chainsKeepTheHighestFinalizedBlockAndARowWithoutOneNeverClearsIt() throws Exception {
        var w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CHAINS, options(1000));
        w.write(new ChainRow(8, "eight", 20, 5), null);
        w.write(new ChainRow(8, "eight", 21, 3), null);
        w.flush(false);
        assertThat(finalized(8)).isEqualTo(5L);
        w.write(new ChainRow(8, "eight", 22), null);
        w.flush(false);
        assertThat(finalized(8)).isEqualTo(5L);
        w.write(new ChainRow(8, "eight", 22, 4), null);
        w.flush(false);
        assertThat(finalized(8)).isEqualTo(5L);
        w.write(new ChainRow(8, "eight", 23, 9), null);
        w.flush(false);
        w.close();
        assertThat(finalized(8)).isEqualTo(9L);
        w = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CHAINS, options(1000));
        w.write(new ChainRow(9, "nine", 3), null);
        w.flush(false);
        w.close();
        assertThat(finalized(9)).isNull();
    }

    private static Long finalized(long chainId) throws Exception {
        try (Connection c = PG.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT finalized_number FROM chains WHERE chain_id = " + chainId)) {
            assertThat(rs.next()).isTrue();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }

    @Test
    void flinkFlushesBeforeTheCheckpointBarrierAndAtEndOfInput() throws Exception {
        var sink = new CollapsingUpsertSink<>(PostgresSinks.CURRENT_BALANCES,
                PG.sinkOptions().withBatching(1000, Duration.ofHours(1)));
        try (var h = new OneInputStreamOperatorTestHarness<>(new SinkWriterOperatorFactory<>(sink),
                BalanceTypes.CURRENT_BALANCE_ROW.createSerializer(new SerializerConfigImpl()))) {
            h.open();
            h.processElement(new StreamRecord<>(balance("0xa", "0xt", 1, 1)));
            h.processElement(new StreamRecord<>(balance("0xa", "0xt", 2, 2)));
            assertThat(balances()).isEmpty();

            h.prepareSnapshotPreBarrier(1);
            h.snapshot(1, 1);
            assertThat(balances()).containsExactlyEntriesOf(Map.of("0xa/0xt", "2@2"));

            h.processElement(new StreamRecord<>(balance("0xb", "0xt", 4, 3)));
            assertThat(balances()).hasSize(1);
            h.endInput();
            assertThat(balances()).containsEntry("0xb/0xt", "4@3").hasSize(2);
        }
    }

    @Test
    void aLostConnectionIsRetriedAndACrashReplayedFromTheCheckpointConverges() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        List<CurrentBalanceRow> rows = new ArrayList<>();
        Map<String, String> truth = new TreeMap<>();
        for (int i = 0; i < 2000; i++) {
            CurrentBalanceRow r = balance("0x" + random.nextInt(50), "0xt", random.nextInt(1_000_000), i);
            rows.add(r);
            truth.put(r.address() + "/0xt", r.balance() + "@" + r.blockNumber());
        }
        int checkpointAt = 800;
        int crashAt = 1500;

        // first attempt: checkpoint after 800 rows, size-triggered flushes after it, the connection killed once, then a crash
        var first = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CURRENT_BALANCES, options(20));
        for (int i = 0; i < crashAt; i++) {
            first.write(rows.get(i), null);
            if (i == checkpointAt - 1) {
                first.flush(false);
            }
            if (i == 1000) {
                // the sink's one connection is killed: the retry below must reconnect, not find it alive
                // (in the select list, so it runs only for the rows the filter kept)
                assertThat(count("SELECT count(*) FILTER (WHERE killed) FROM (SELECT pg_terminate_backend(pid) AS killed"
                        + " FROM pg_stat_activity WHERE application_name = 'chaintrack-sink-current_balances') k")).isEqualTo(1);
            }
        }
        assertThat(first.buffered()).isPositive(); // rows still buffered die with the crash
        first.close();
        assertThat(balances()).isNotEqualTo(truth);

        // the restarted job replays from the checkpoint (rows already written after it are written again)
        var second = CollapsingUpsertSink.standaloneWriter(PostgresSinks.CURRENT_BALANCES, options(20));
        for (int i = checkpointAt; i < rows.size(); i++) {
            second.write(rows.get(i), null);
        }
        second.flush(true);
        second.close();
        assertThat(balances()).isEqualTo(truth);
    }

    static Map<String, String> balances() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = PG.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT address, token, balance, block_number FROM current_balances ORDER BY 1, 2")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "/" + rs.getString(2), rs.getBigDecimal(3).toBigInteger() + "@" + rs.getLong(4));
            }
        }
        return new TreeMap<>(out);
    }

    static long count(String sql) throws Exception {
        try (Connection c = PG.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void sql(String sql) throws Exception {
        try (Connection c = PG.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
