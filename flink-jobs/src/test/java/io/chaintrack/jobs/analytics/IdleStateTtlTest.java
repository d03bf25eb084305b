package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.AnomalyScorer;
import io.chaintrack.jobs.analytics.functions.GlobalAddressRegistry;
import io.chaintrack.jobs.analytics.functions.LargeTransferDetector;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Idle-key TTL: the state that expires is gone after its TTL of processing time (the key behaves as new),
 * is kept before it, and expiring a key idle past its horizon gives the same output as keeping it.
 */
class IdleStateTtlTest {
    static final long W = 3600;
    static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults().withWindow(Duration.ofSeconds(W)).withBaseline(8, 4).withP99(5, 100);
    static final long BASELINE_TTL = CONFIG.baselineIdleTtl().toMillis();

    @Test
    void ttlsAreLongerThanTheHorizonsTheyProtect() {
        assertThat(CONFIG.baselineIdleTtl()).isEqualTo(AnalyticsConfig.MIN_IDLE_TTL);
        AnalyticsConfig daily = CONFIG.withWindow(Duration.ofDays(1));
        assertThat(daily.baselineIdleTtl()).isEqualTo(Duration.ofDays(18)).isGreaterThan(Duration.ofDays(9));
        assertThat(CONFIG.activeDaysIdleTtl()).isEqualTo(Duration.ofDays(91));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, SqlRow> scorer() throws Exception {
        return Harnesses.open(new AnomalyScorer(CONFIG), SeriesPoint::seriesKey, Types.STRING);
    }

    private static void window(KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, SqlRow> h, long index, double v) throws Exception {
        h.processElement(new SeriesPoint(1, "0xt", "transfers", index * W, v), index * W);
    }

    @Test
    void anIdleSeriesExpiresAndStartsOverWhileAnActiveOneKeepsItsBaseline() throws Exception {
        var h = scorer();
        for (int i = 0; i < 6; i++) {
            window(h, i, 100);
        }
        assertThat(Harnesses.drain(h)).as("scored from the 4th window on").hasSize(2 * 2);
        h.setStateTtlProcessingTime(BASELINE_TTL - 1);
        window(h, 6, 100);
        assertThat(Harnesses.drain(h)).as("still inside the TTL: baseline kept, scored").hasSize(2);
        h.setStateTtlProcessingTime(2 * BASELINE_TTL);
        window(h, 7, 100);
        assertThat(Harnesses.drain(h)).as("expired: a new series is not scored").isEmpty();
        for (int i = 8; i < 11; i++) {
            window(h, i, 100);
        }
        assertThat(Harnesses.drain(h)).as("the fresh baseline needs min-baseline windows again").isEmpty();
        window(h, 11, 100);
        assertThat(Harnesses.drain(h)).hasSize(2);
    }

    @Test
    void expiringASeriesIdleForABaselineChangesNoScore() throws Exception {
        var kept = scorer();
        var expired = scorer();
        for (var h : List.of(kept, expired)) {
            for (int i = 0; i < 10; i++) {
                window(h, i, 100 + i % 3);
            }
        }
        expired.setStateTtlProcessingTime(2 * BASELINE_TTL);
        // back after 9 silent windows (more than a baseline): a spike, then normal windows
        for (var h : List.of(kept, expired)) {
            window(h, 19, 5000);
            for (int i = 20; i < 26; i++) {
                window(h, i, 100 + i % 3);
            }
        }
        List<SqlRow> a = Harnesses.drain(kept), b = Harnesses.drain(expired);
        assertThat(a).isEqualTo(b);
        assertThat(a).as("scores before the gap and after the restart").hasSize(2 * 6 + 2 * 3);
    }

    private static LedgerBlock block(int n, long time, boolean whale) {
        Random r = new Random(n);
        List<TransferFact> ts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ts.add(fact(Chains.token(0), address(1), address(2), 100 + r.nextInt(900)));
        }
        if (whale) {
            ts.add(fact(Chains.token(0), address(3), address(4), 1_000_000));
        }
        return Blocks.ledger(Blocks.block(1, n, time, ts.toArray(TransferFact[]::new)), 0, 0, 0);
    }

    @Test
    void aTokensP99SketchesExpireWhenIdleAndAnIdleTokenLosesNothingByIt() throws Exception {
        long t0 = 1_700_002_800L;
        var kept = Harnesses.open(new LargeTransferDetector(CONFIG), (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        var expired = Harnesses.open(new LargeTransferDetector(CONFIG), (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        var downtime = Harnesses.open(new LargeTransferDetector(CONFIG), (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        for (var h : List.of(kept, expired, downtime)) {
            for (int n = 0; n < 12; n++) {
                h.processElement(block(n, t0 + n * 1200, false), n); // 3 blocks a window, 4 windows
            }
        }
        // kept within the TTL, the baseline flags the whale in the next window
        downtime.setStateTtlProcessingTime(BASELINE_TTL - 1);
        downtime.processElement(block(12, t0 + 12 * 1200, true), 12);
        assertThat(Harnesses.drain(downtime)).hasSize(1);
        // past the TTL the token's sketches are gone: the same whale is not flagged
        downtime.setStateTtlProcessingTime(3 * BASELINE_TTL);
        downtime.processElement(block(13, t0 + 13 * 1200, true), 13);
        assertThat(Harnesses.drain(downtime)).as("sketches expired").isEmpty();

        // silent for more than the baseline (8 windows) in block time: expiring the entry changes nothing
        expired.setStateTtlProcessingTime(2 * BASELINE_TTL);
        for (var h : List.of(kept, expired)) {
            for (int n = 40; n < 52; n++) {
                h.processElement(block(n, t0 + n * 1200, n == 51), n);
            }
        }
        List<SqlRow> a = Harnesses.drain(kept), b = Harnesses.drain(expired);
        assertThat(a).isEqualTo(b).hasSize(1);
    }

    @Test
    void anAddressesActiveDaysExpireButWhatItIsNeverDoes() throws Exception {
        var h = Harnesses.open(new GlobalAddressRegistry(CONFIG), AddressEvent::address, Types.STRING);
        String x = address(9);
        h.processElement(new AddressEvent(x, 1, AddressEvent.Kind.SEEN, 100), 0);
        h.processElement(new AddressEvent(x, 1, AddressEvent.Kind.ACTIVE, 100), 0);
        h.setStateTtlProcessingTime(CONFIG.activeDaysIdleTtl().toMillis() - 1);
        h.processElement(new AddressEvent(x, 10, AddressEvent.Kind.ACTIVE, 100), 0);
        assertThat(Harnesses.drain(h)).extracting(GlobalInput::kind).as("day 100 counted once across chains")
                .containsExactly(GlobalInput.Kind.NEW_ADDRESS, GlobalInput.Kind.ACTIVE);

        h.setStateTtlProcessingTime(3 * CONFIG.activeDaysIdleTtl().toMillis());
        h.processElement(new AddressEvent(x, 10, AddressEvent.Kind.ACTIVE, 100), 0);
        h.processElement(new AddressEvent(x, 10, AddressEvent.Kind.SEEN, 100), 0);
        assertThat(Harnesses.drain(h)).extracting(GlobalInput::kind)
                .as("active days expired (day 100 is long past the retention); the first-seen day did not")
                .containsExactly(GlobalInput.Kind.ACTIVE);
    }

    /** The scorer's state as written before TTL was enabled on it (same names and types, no TTL). */
    static final class PreTtlScorer extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, SeriesPoint, SqlRow> {
        @Override
        public void processElement(SeriesPoint p, Context ctx, org.apache.flink.util.Collector<SqlRow> out) throws Exception {
            getRuntimeContext().getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("baseline",
                    org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO))
                    .update(new double[] {100, 100, 100, 100, 100, 100});
            getRuntimeContext().getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("last-window-start", Types.LONG))
                    .update(p.start());
        }
    }

    @Test
    void stateWrittenBeforeTheTtlRestoresIntoTheTtlScorerAndThenExpires() throws Exception {
        var before = Harnesses.open(new PreTtlScorer(), SeriesPoint::seriesKey, Types.STRING);
        window(before, 5, 100);
        var snapshot = before.snapshot(1, 1);
        before.close();

        var after = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new AnomalyScorer(CONFIG)), SeriesPoint::seriesKey, Types.STRING);
        after.initializeState(snapshot);
        after.open();
        window(after, 6, 100);
        List<SqlRow> rows = Harnesses.drain(after);
        assertThat(rows).as("the restored baseline of 6 windows scores window 6").hasSize(2)
                .allSatisfy(r -> assertThat(r.get(io.chaintrack.jobs.analytics.sink.Tables.ANOMALIES.index("baseline_windows"))).isEqualTo(6));
        after.setStateTtlProcessingTime(2 * BASELINE_TTL);
        window(after, 7, 100);
        assertThat(Harnesses.drain(after)).as("the restored state is under the TTL now").isEmpty();
    }
}
