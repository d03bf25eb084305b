package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BalanceKey;
import static io.chaintrack.jobs.balances.TestEvents.DAY_MS;
import static io.chaintrack.jobs.balances.TestEvents.ERC1155;
import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.HOUR_MS;
import static io.chaintrack.jobs.balances.TestEvents.MINUTE_MS;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static io.chaintrack.jobs.balances.TestEvents.big;
import static io.chaintrack.jobs.balances.TestEvents.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WindowedBalanceFunctionTest {
    private static final BalanceKey ALICE = TestEvents.account(1, ERC20, 0, address(0xa11ce));
    private static final int HOUR_S = 3600;
    private static final int DAY_S = 86400;

    private KeyedOneInputStreamOperatorTestHarness<BalanceKey, BalanceDelta, BalanceWindowRow> harness;

    private KeyedOneInputStreamOperatorTestHarness<BalanceKey, BalanceDelta, BalanceWindowRow> open(
            List<Duration> windows, Duration horizon) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowedBalanceFunction(windows, horizon)),
                BalanceDelta::account, BalanceTypes.ACCOUNT);
        // any state or record type falling back to Kryo fails the test
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
        return harness;
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void process(BalanceDelta d) throws Exception {
        harness.processElement(d, d.blockTimeMs());
    }

    private List<BalanceWindowRow> drainWindows() {
        List<BalanceWindowRow> rows = harness.extractOutputValues();
        harness.getOutput().clear();
        return rows;
    }

    private List<CurrentBalanceRow> drainCurrent() {
        var queue = harness.getSideOutput(WindowedBalanceFunction.CURRENT_BALANCES);
        if (queue == null) {
            return List.of();
        }
        List<CurrentBalanceRow> rows = queue.stream().map(StreamRecord::getValue).toList();
        queue.clear();
        return rows;
    }

    /** The open windows of one resolution for one account, read straight from the keyed state backend. */
    private List<Long> openWindowStarts(BalanceKey account, Duration size) throws Exception {
        KeyedStateBackend<BalanceKey> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(account);
        MapState<Long, WindowAccumulator> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, WindowedBalanceFunction.windowsDescriptor(size.toMillis()));
        List<Long> starts = new java.util.ArrayList<>();
        state.keys().forEach(starts::add);
        java.util.Collections.sort(starts);
        return starts;
    }

    private static BalanceWindowRow row(BalanceKey a, int seconds, long startMs, long delta, long balance,
                                        long in, long out, long volumeIn, long volumeOut) {
        return new BalanceWindowRow(a.chainId(), a.address(), a.token(), a.tokenId(), seconds, startMs, big(delta),
                big(balance), in, out, big(volumeIn), big(volumeOut));
    }

    @Test
    void emitsWindowWhenWatermarkPassesItsEnd() throws Exception {
        open(List.of(Duration.ofHours(1)), Duration.ofDays(1));
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, true, true, 100));
        process(delta(ALICE, 2, T0_MS + 20 * MINUTE_MS, true, false, 30));

        assertThat(drainWindows()).isEmpty();
        // one window: its end timer only; the finalisation timer is set when the window is emitted
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(T0_MS + HOUR_MS - 2);
        assertThat(drainWindows()).isEmpty();

        harness.processWatermark(T0_MS + HOUR_MS - 1);
        assertThat(drainWindows()).containsExactly(row(ALICE, HOUR_S, T0_MS, 70, 70, 1, 1, 100, 30));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        // a watermark moving on without new deltas emits nothing again
        harness.processWatermark(T0_MS + 5 * HOUR_MS);
        assertThat(drainWindows()).isEmpty();
    }

    @Test
    void keepsTwoResolutionsAtOnce() throws Exception {
        open(List.of(Duration.ofDays(1), Duration.ofHours(1)), Duration.ofDays(1));
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, true, true, 100));
        process(delta(ALICE, 2, T0_MS + HOUR_MS + 10 * MINUTE_MS, true, true, 5));
        process(delta(ALICE, 3, T0_MS + 23 * HOUR_MS + 30 * MINUTE_MS, true, false, 20));
        // three hourly window ends plus the day's end, which coincides with hour 23's
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);

        harness.processWatermark(T0_MS + 2 * HOUR_MS - 1);
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS, 100, 100, 1, 0, 100, 0),
                row(ALICE, HOUR_S, T0_MS + HOUR_MS, 5, 105, 1, 0, 5, 0));

        harness.processWatermark(T0_MS + DAY_MS - 1);
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS + 23 * HOUR_MS, -20, 85, 0, 1, 0, 20),
                row(ALICE, DAY_S, T0_MS, 85, 85, 2, 1, 105, 20));
    }

    @Test
    void lateRevertReemitsItsWindowAndEveryLaterEmittedWindow() throws Exception {
        open(List.of(Duration.ofHours(1)), Duration.ofDays(1));
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, true, true, 100));
        process(delta(ALICE, 2, T0_MS + HOUR_MS + 10 * MINUTE_MS, true, true, 50));
        process(delta(ALICE, 3, T0_MS + 2 * HOUR_MS + 10 * MINUTE_MS, true, true, 1));
        harness.processWatermark(T0_MS + 2 * HOUR_MS + 10 * MINUTE_MS - 1);
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS, 100, 100, 1, 0, 100, 0),
                row(ALICE, HOUR_S, T0_MS + HOUR_MS, 50, 150, 1, 0, 50, 0));
        drainCurrent();

        // reorg: blocks 3, 2, 1 revert newest first; block 3's window has not been emitted yet
        process(delta(ALICE, 3, T0_MS + 2 * HOUR_MS + 10 * MINUTE_MS, false, true, 1));
        assertThat(drainWindows()).isEmpty();
        process(delta(ALICE, 2, T0_MS + HOUR_MS + 10 * MINUTE_MS, false, true, 50));
        assertThat(drainWindows()).containsExactly(row(ALICE, HOUR_S, T0_MS + HOUR_MS, 0, 100, 0, 0, 0, 0));
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, false, true, 100));
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS, 0, 0, 0, 0, 0, 0),
                row(ALICE, HOUR_S, T0_MS + HOUR_MS, 0, 0, 0, 0, 0, 0));
        assertThat(drainCurrent()).extracting(CurrentBalanceRow::balance, CurrentBalanceRow::blockNumber)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(big(150), 2L),
                        org.assertj.core.groups.Tuple.tuple(big(100), 1L),
                        org.assertj.core.groups.Tuple.tuple(big(0), 0L));

        // the replacement block 1' lands in the first window again (late: the watermark is past it)
        process(delta(ALICE, 1, T0_MS + 15 * MINUTE_MS, true, true, 30));
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS, 30, 30, 1, 0, 30, 0),
                row(ALICE, HOUR_S, T0_MS + HOUR_MS, 0, 30, 0, 0, 0, 0));

        // block 3's window had its only transfer reverted: still emitted, with zero counts
        harness.processWatermark(T0_MS + 3 * HOUR_MS - 1);
        assertThat(drainWindows()).containsExactly(row(ALICE, HOUR_S, T0_MS + 2 * HOUR_MS, 0, 30, 0, 0, 0, 0));
    }

    @Test
    void finalisesWindowsPastTheHorizonAndReleasesTheirState() throws Exception {
        open(List.of(Duration.ofHours(1)), Duration.ofHours(2));
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, true, true, 100));
        process(delta(ALICE, 2, T0_MS + HOUR_MS + 10 * MINUTE_MS, true, true, 7));
        // balance, the hourly windows map; nothing final yet
        int entriesWithOpenWindows = harness.numKeyedStateEntries();
        assertThat(entriesWithOpenWindows).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        // both windows emitted: one finalisation timer per key (the oldest window's), not one per window
        harness.processWatermark(T0_MS + 2 * HOUR_MS - 1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(T0_MS + 3 * HOUR_MS - 1); // window 0's end + 2 h: final
        assertThat(drainWindows()).containsExactly(
                row(ALICE, HOUR_S, T0_MS, 100, 100, 1, 0, 100, 0),
                row(ALICE, HOUR_S, T0_MS + HOUR_MS, 7, 107, 1, 0, 7, 0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(openWindowStarts(ALICE, Duration.ofHours(1))).containsExactly(T0_MS + HOUR_MS);
        // balance, windows map, finalised-through mark
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.processWatermark(T0_MS + 4 * HOUR_MS - 1); // window 1 final too
        assertThat(drainWindows()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(openWindowStarts(ALICE, Duration.ofHours(1))).isEmpty();
        // left: the balance and the finalised-through mark; the emptied windows map is released
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

        // a new window after finalisation, emitted
        process(delta(ALICE, 5, T0_MS + 4 * HOUR_MS + 10 * MINUTE_MS, true, true, 1));
        harness.processWatermark(T0_MS + 5 * HOUR_MS - 1);
        assertThat(drainWindows()).containsExactly(row(ALICE, HOUR_S, T0_MS + 4 * HOUR_MS, 1, 108, 1, 0, 1, 0));
        drainCurrent();

        // a revert beyond the horizon: the current balance and the open window are corrected; the final window is not rewritten
        process(delta(ALICE, 1, T0_MS + 10 * MINUTE_MS, false, true, 100));
        assertThat(drainWindows()).containsExactly(row(ALICE, HOUR_S, T0_MS + 4 * HOUR_MS, 1, 8, 1, 0, 1, 0));
        assertThat(drainCurrent()).extracting(CurrentBalanceRow::balance).containsExactly(big(8));
    }

    @Test
    void emitsCurrentBalanceOnEveryChangeSignedAndValidAtTheParentAfterARevert() throws Exception {
        open(List.of(Duration.ofHours(1)), Duration.ofDays(1));
        BalanceKey bob = TestEvents.account(1, ERC1155, 42, address(0xb0b));
        BalanceDelta out = new BalanceDelta(bob, "ERC1155", 9, T0_MS + MINUTE_MS, true, false, big(5));
        BalanceDelta in = new BalanceDelta(bob, "ERC1155", 10, T0_MS + 2 * MINUTE_MS, true, true, big(2));
        BalanceDelta revertIn = new BalanceDelta(bob, "ERC1155", 10, T0_MS + 2 * MINUTE_MS, false, true, big(2));
        process(out);
        process(in);
        process(revertIn);

        assertThat(drainCurrent()).containsExactly(
                new CurrentBalanceRow(1, bob.address(), ERC1155, big(42), "ERC1155", big(-5), 9, T0_MS + MINUTE_MS),
                new CurrentBalanceRow(1, bob.address(), ERC1155, big(42), "ERC1155", big(-3), 10, T0_MS + 2 * MINUTE_MS),
                new CurrentBalanceRow(1, bob.address(), ERC1155, big(42), "ERC1155", big(-5), 9, T0_MS + 2 * MINUTE_MS));
        assertThat(drainWindows()).isEmpty();

        harness.processWatermark(T0_MS + HOUR_MS - 1);
        assertThat(drainWindows()).containsExactly(
                new BalanceWindowRow(1, bob.address(), ERC1155, big(42), HOUR_S, T0_MS, big(-5), big(-5), 0, 1,
                        BigInteger.ZERO, big(5)));
    }

    @Test
    void keepsAccountsApart() throws Exception {
        open(List.of(Duration.ofHours(1)), Duration.ofDays(1));
        BalanceKey carol = TestEvents.account(1, ERC20, 0, address(0xca501));
        BalanceKey aliceOtherChain = TestEvents.account(2, ERC20, 0, ALICE.address());
        process(delta(ALICE, 1, T0_MS, true, true, 10));
        process(delta(carol, 1, T0_MS, true, false, 10));
        process(delta(aliceOtherChain, 1, T0_MS, true, true, 3));
        harness.processWatermark(T0_MS + HOUR_MS - 1);
        assertThat(drainWindows()).containsExactlyInAnyOrder(
                row(ALICE, HOUR_S, T0_MS, 10, 10, 1, 0, 10, 0),
                row(carol, HOUR_S, T0_MS, -10, -10, 0, 1, 0, 10),
                row(aliceOtherChain, HOUR_S, T0_MS, 3, 3, 1, 0, 3, 0));
    }
}
