package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.analytics.stats.HoltForecast;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.chaintrack.proto.v1.ChainEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same bounded input through the same topology in STREAMING and in BATCH mode writes identical
 * tables, the totals match ground truth computed from the canonical chain, and a second backfill over
 * an already written range changes nothing.
 */
class StreamingBatchEqualityTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults()
            .withWindow(Duration.ofHours(3)).withBaseline(12, 4).withHorizon(4).withHll(40).withP99(3.0, 20)
            .withForecast(7, 5);

    static void run(RuntimeExecutionMode mode, List<ChainEvent> events, PostgresSinkOptions db) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(mode);
        env.setParallelism(2);
        if (mode == RuntimeExecutionMode.STREAMING) {
            env.enableCheckpointing(300);
        }
        // one source subtask keeps each chain's events in follower order
        var source = env.fromData(events, ProtobufTypeInfo.CHAIN_EVENT).setParallelism(1);
        AnalyticsJob.addTo(env, source, db, CONFIG, 200);
        env.execute("analytics-" + mode);
    }

    @Test
    void streamingAndBatchWriteIdenticalRowsThatMatchGroundTruth() throws Exception {
        Scenario s = Scenario.generate(42, new long[] {1, 10}, 420, 1800, 120, 8);
        PostgresSinkOptions streaming = AnalyticsDb.create(PG);
        PostgresSinkOptions batch = AnalyticsDb.create(PG);
        run(RuntimeExecutionMode.STREAMING, s.events, streaming);
        run(RuntimeExecutionMode.BATCH, s.events, batch);

        for (String table : AnalyticsDb.TABLES) {
            List<String> a = AnalyticsDb.dump(streaming, table);
            assertThat(a).as(table + " has rows").isNotEmpty();
            assertThat(AnalyticsDb.dump(batch, table)).as(table + " streaming vs batch").containsExactlyElementsOf(a);
        }

        long all = 0;
        boolean sawHll = false;
        for (long chain : new long[] {1, 10}) {
            Map<String, Scenario.TokenTruth> truth = s.tokenTruth(chain);
            long chainTransfers = 0;
            for (var e : truth.entrySet()) {
                List<String> r = AnalyticsDb.query(streaming, "SELECT transfers, volume, holders, senders, senders_lower, senders_upper,"
                        + " senders_method, receivers, receivers_lower, receivers_upper, receivers_method, accuracy FROM analytics_totals"
                        + " WHERE scope='TOKEN' AND chain_id=" + chain + " AND token='" + e.getKey() + "'").get(0);
                Scenario.TokenTruth t = e.getValue();
                assertThat(Long.parseLong(r.get(0))).as("transfers " + e.getKey()).isEqualTo(t.transfers());
                assertThat(new BigInteger(r.get(1))).as("volume " + e.getKey()).isEqualTo(t.volume());
                assertThat(Long.parseLong(r.get(2))).as("holders " + e.getKey()).isEqualTo(t.holders());
                sawHll |= checkDistinct(r.subList(3, 7), t.senders()) | checkDistinct(r.subList(7, 11), t.receivers());
                assertThat(r.get(11)).isEqualTo("exact");
                chainTransfers += t.transfers();
            }
            assertThat(AnalyticsDb.count(streaming, "SELECT transfers FROM analytics_totals WHERE scope='CHAIN' AND chain_id=" + chain))
                    .isEqualTo(chainTransfers);
            assertThat(AnalyticsDb.count(streaming, "SELECT sum(transfers) FROM analytics_daily WHERE scope='CHAIN' AND chain_id=" + chain))
                    .isEqualTo(chainTransfers);
            all += chainTransfers;
        }
        assertThat(sawHll).as("the HLL threshold of 40 is crossed by some token").isTrue();
        assertThat(AnalyticsDb.count(streaming, "SELECT transfers FROM analytics_totals WHERE scope='GLOBAL'")).isEqualTo(all);
        assertThat(AnalyticsDb.count(streaming, "SELECT sum(transfers) FROM analytics_daily WHERE scope='GLOBAL'")).isEqualTo(all);
        assertThat(AnalyticsDb.count(streaming, "SELECT count(*) FROM analytics_forecasts WHERE scope='CHAIN'")).isPositive();
        // GLOBAL top tokens: each day's first entry is the day's busiest (chain, token)
        assertThat(AnalyticsDb.count(streaming, "SELECT count(*) FROM analytics_daily g WHERE scope='GLOBAL' AND"
                + " (g.top_tokens->0->>'transfers')::bigint IS DISTINCT FROM"
                + " (SELECT max(transfers) FROM analytics_daily_tokens t WHERE t.day = g.day)")).isZero();
        // GLOBAL forecasts: made from the GLOBAL daily series as it ends up
        List<List<String>> series = AnalyticsDb.query(streaming, "SELECT transfers FROM analytics_daily WHERE scope='GLOBAL' ORDER BY day");
        double[] closed = series.subList(0, series.size() - 1).stream().mapToDouble(r -> Double.parseDouble(r.get(0))).toArray();
        double expected = Math.max(0, HoltForecast.forecast(closed, CONFIG.forecastDays()).points()[0].value());
        List<List<String>> stored = AnalyticsDb.query(streaming, "SELECT value, base_day = (SELECT max(day) - 1 FROM analytics_daily"
                + " WHERE scope='GLOBAL') FROM analytics_forecasts WHERE scope='GLOBAL' AND chain_id IS NULL AND metric='transfers'"
                + " AND horizon_days=1 ORDER BY base_day DESC LIMIT 1");
        assertThat(stored.get(0).get(1)).as("newest GLOBAL base day is the last closed day").isIn("t", "true");
        assertThat(Double.parseDouble(stored.get(0).get(0))).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(AnalyticsDb.count(streaming, "SELECT count(DISTINCT metric) FROM analytics_forecasts WHERE scope='GLOBAL'")).isEqualTo(3);
        assertThat(AnalyticsDb.count(streaming, "SELECT count(DISTINCT method) FROM analytics_anomalies")).isEqualTo(3);

        // a backfill over the same range again: nothing changes
        run(RuntimeExecutionMode.BATCH, s.events, streaming);
        for (String table : AnalyticsDb.TABLES) {
            assertThat(AnalyticsDb.dump(streaming, table)).as(table + " after re-backfill").containsExactlyElementsOf(AnalyticsDb.dump(batch, table));
        }
        // a backfill of only a prefix of the range does not roll cumulative rows back
        run(RuntimeExecutionMode.BATCH, s.events.subList(0, s.events.size() / 2), streaming);
        assertThat(AnalyticsDb.dump(streaming, "analytics_totals")).containsExactlyElementsOf(AnalyticsDb.dump(batch, "analytics_totals"));
    }

    /** value, lower, upper, method: exact equals the truth; hll brackets it. Returns whether it was hll. */
    private static boolean checkDistinct(List<String> r, long truth) {
        long value = Long.parseLong(r.get(0));
        long lower = Long.parseLong(r.get(1));
        long upper = Long.parseLong(r.get(2));
        if (r.get(3).equals("exact")) {
            assertThat(value).isEqualTo(truth);
            assertThat(lower).isEqualTo(truth);
            assertThat(upper).isEqualTo(truth);
            return false;
        }
        assertThat(truth).isBetween(lower, upper);
        return true;
    }
}
