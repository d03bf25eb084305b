package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.HOUR_MS;
import static io.chaintrack.jobs.balances.TestEvents.MINUTE_MS;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static io.chaintrack.jobs.balances.TestEvents.big;
import static io.chaintrack.jobs.balances.TestEvents.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.core.model.BalanceKey;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The open window of every resolution at head: running values marked provisional, exact through reverts, final at its end. */
class ProvisionalWindowsTest {
    private static final BalanceKey ALICE = TestEvents.account(1, ERC20, 0, address(0xa11ce));
    private KeyedOneInputStreamOperatorTestHarness<BalanceKey, BalanceDelta, BalanceWindowRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowedBalanceFunction(
                        List.of(Duration.ofHours(1), Duration.ofDays(1)), Duration.ofDays(1), true)),
                BalanceDelta::account, BalanceTypes.ACCOUNT);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private List<BalanceWindowRow> process(BalanceDelta d) throws Exception {
        harness.getOutput().clear();
        harness.processElement(d, d.blockTimeMs());
        return harness.extractOutputValues();
    }

    private static String show(BalanceWindowRow r) {
        return r.windowSeconds() + "@" + (r.windowStartMs() - T0_MS) / MINUTE_MS + "m delta " + r.delta() + " balance "
                + r.balance() + " in " + r.transfersIn() + " out " + r.transfersOut() + (r.provisional() ? " provisional" : " final");
    }

    @Test
    void theOpenWindowsAreServedAsBlocksArriveFollowRevertsAndBecomeFinal() throws Exception {
        assertThat(process(delta(ALICE, 1, T0_MS + 5 * MINUTE_MS, true, true, 100)).stream().map(ProvisionalWindowsTest::show))
                .containsExactly("3600@0m delta 100 balance 100 in 1 out 0 provisional",
                        "86400@0m delta 100 balance 100 in 1 out 0 provisional");
        harness.processWatermark(new Watermark(T0_MS + 5 * MINUTE_MS));
        assertThat(process(delta(ALICE, 2, T0_MS + 20 * MINUTE_MS, true, false, 30)).stream().map(ProvisionalWindowsTest::show))
                .containsExactly("3600@0m delta 70 balance 70 in 1 out 1 provisional",
                        "86400@0m delta 70 balance 70 in 1 out 1 provisional");
        // block 2 is reorged out: the open windows go back exactly
        assertThat(process(delta(ALICE, 2, T0_MS + 20 * MINUTE_MS, false, false, 30)).stream().map(ProvisionalWindowsTest::show))
                .containsExactly("3600@0m delta 100 balance 100 in 1 out 0 provisional",
                        "86400@0m delta 100 balance 100 in 1 out 0 provisional");
        // the next hour starts: the first hour's end passes and it is written final; the new hour is provisional
        harness.getOutput().clear();
        harness.processWatermark(new Watermark(T0_MS + HOUR_MS + MINUTE_MS));
        assertThat(harness.extractOutputValues().stream().map(ProvisionalWindowsTest::show))
                .containsExactly("3600@0m delta 100 balance 100 in 1 out 0 final");
        assertThat(process(delta(ALICE, 3, T0_MS + HOUR_MS + 2 * MINUTE_MS, true, true, 5)).stream().map(ProvisionalWindowsTest::show))
                .containsExactly("3600@60m delta 5 balance 105 in 1 out 0 provisional",
                        "86400@0m delta 105 balance 105 in 2 out 0 provisional");
        assertThat(big(105)).isEqualTo(harness.extractOutputValues().get(1).balance());
    }
}
