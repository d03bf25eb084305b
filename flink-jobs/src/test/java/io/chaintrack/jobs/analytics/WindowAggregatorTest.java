package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Blocks.ledger;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.BlockFinalizer;
import io.chaintrack.jobs.analytics.functions.WindowAggregator;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WindowAggregatorTest {
    static final long W = 3600;
    static final long START = 1_700_002_800L; // a multiple of the hour
    static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults().withWindow(Duration.ofSeconds(W)).withBaseline(3, 2);
    static final String A = Chains.token(0), B = Chains.token(1);

    private static KeyedOneInputStreamOperatorTestHarness<Long, LedgerBlock, SeriesPoint> harness() throws Exception {
        return Harnesses.open(new WindowAggregator(CONFIG), b -> b.block().chainId(), Types.LONG);
    }

    private static double value(List<SeriesPoint> points, String token, String metric, long start) {
        return points.stream().filter(p -> java.util.Objects.equals(p.token(), token) && p.metric().equals(metric) && p.start() == start)
                .findFirst().orElseThrow(() -> new AssertionError(token + " " + metric + " " + start + " missing in " + points)).value();
    }

    @Test
    void aWindowIsEmittedOnceWhenALaterWindowBegins() throws Exception {
        var h = harness();
        h.processElement(ledger(Blocks.block(1, 1, START + 10, fact(A, address(1), address(2), 5)), 2, 2, 2), 1);
        h.processElement(ledger(Blocks.block(1, 2, START + 22, fact(A, address(1), address(3), 7), fact(B, address(4), address(4), 1)), 2, 2, 2), 2);
        assertThat(Harnesses.drain(h)).as("open window: nothing yet").isEmpty();
        h.processElement(ledger(Blocks.block(1, 3, START + W + 1), 0, 0, 0), 3);
        List<SeriesPoint> out = Harnesses.drain(h);
        assertThat(value(out, null, "transfers", START)).isEqualTo(3);
        assertThat(value(out, null, "active_addresses", START)).isEqualTo(4);
        assertThat(value(out, null, "gas_used", START)).isEqualTo(300);
        assertThat(value(out, null, "block_interval", START)).isEqualTo(12);
        assertThat(value(out, A, "volume", START)).isEqualTo(12);
        assertThat(value(out, A, "active_addresses", START)).isEqualTo(3);
        assertThat(value(out, B, "transfers", START)).isEqualTo(1);
        assertThat(out).allMatch(p -> p.start() == START);
    }

    @Test
    void silentTokensGetZerosForABaselineThenAreForgottenAndGapsCloseAsZeros() throws Exception {
        var h = harness();
        h.processElement(ledger(Blocks.block(1, 1, START, fact(A, address(1), address(2), 5)), 2, 2, 2), 1);
        // next block 6 windows later: window 0 closes, windows 1..3 (one baseline) close as zeros
        h.processElement(ledger(Blocks.block(1, 2, START + 6 * W), 0, 0, 0), 2);
        List<SeriesPoint> out = Harnesses.drain(h);
        assertThat(out.stream().filter(p -> p.token() == null && p.metric().equals("transfers")).map(SeriesPoint::start))
                .containsExactly(START, START + W, START + 2 * W, START + 3 * W);
        assertThat(value(out, A, "transfers", START + 3 * W)).isZero();
        assertThat(out.stream().filter(p -> A.equals(p.token()) && p.start() > START + 3 * W)).isEmpty();
        assertThat(h.numKeyedStateEntries()).as("token A forgotten; the open window is the only state").isEqualTo(1);
    }

    @Test
    void aRevertInsideTheHorizonNeverReachesAWindowThatWasEmitted() throws Exception {
        // finalizer (horizon 2) feeding the window aggregator: block 3 of window 0 is reverted and replaced
        var fin = Harnesses.open(new BlockFinalizer(CONFIG.withHorizon(2)), (ChainEvent e) -> e.getBlock().getChainId(), Types.LONG);
        var win = harness();
        ChainEvent b1 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 1, 0, 0, START + 100, 1, List.of(Chains.erc20(A, address(1), address(2), 1)));
        ChainEvent b2 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 2, 0, 0, START + 200, 1, List.of(Chains.erc20(A, address(1), address(2), 1)));
        ChainEvent b3 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 3, 0, 0, START + 300,
                1, List.of(Chains.erc20(A, address(1), address(2), 1000), Chains.erc20(A, address(1), address(2), 1000)));
        ChainEvent b3b = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 3, 1, 0, START + 300, 1, List.of());
        ChainEvent b4 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 4, 1, 1, START + W + 5, 1, List.of());
        ChainEvent b5 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 5, 1, 1, START + W + 17, 1, List.of());
        ChainEvent b6 = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, 6, 1, 1, START + W + 29, 1, List.of());
        for (ChainEvent e : List.of(b1, b2, b3, Chains.reverted(b3), b3b, b4, b5, b6)) {
            fin.processElement(e, e.getBlock().getNumber());
            for (FinalBlock f : Harnesses.drain(fin)) {
                win.processElement(new LedgerBlock(f, 0, 0, 0, 0, 0, 0, Map.of()), f.number());
            }
        }
        List<SeriesPoint> out = Harnesses.drain(win);
        assertThat(value(out, null, "transfers", START)).as("the reverted block's two transfers are not counted").isEqualTo(2);
        assertThat(value(out, A, "volume", START)).isEqualTo(2);
    }
}
