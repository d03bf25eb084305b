package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Chains.T0;
import static io.chaintrack.jobs.analytics.Chains.applied;
import static io.chaintrack.jobs.analytics.Chains.erc20;
import static io.chaintrack.jobs.analytics.Chains.reverted;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.BlockFinalizer;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BlockFinalizerTest {
    private static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults().withHorizon(2);

    private static KeyedOneInputStreamOperatorTestHarness<Long, ChainEvent, FinalBlock> harness(AnalyticsConfig c) throws Exception {
        return Harnesses.open(new BlockFinalizer(c), e -> e.getBlock().getChainId(), Types.LONG);
    }

    private static ChainEvent variant(long number, int variant, int parentVariant, String to) {
        return Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 1, number, variant, parentVariant, T0 + 12 * number, 5,
                List.of(erc20(Chains.token(0), Chains.address(0), to, 7)));
    }

    @Test
    void blocksBecomeFinalOnlyPastTheHorizonAndOnce() throws Exception {
        var h = harness(CONFIG);
        for (long n = 0; n < 5; n++) {
            h.processElement(applied(1, n, T0 + 12 * n), n);
        }
        List<FinalBlock> out = Harnesses.drain(h);
        assertThat(out).extracting(FinalBlock::number).containsExactly(0L, 1L, 2L);
        assertThat(out).extracting(FinalBlock::seq).containsExactly(1L, 2L, 3L);
        assertThat(out.get(1).intervalSeconds()).isEqualTo(12);
        assertThat(out.get(0).intervalSeconds()).isEqualTo(-1);
        assertThat(out).allMatch(FinalBlock::exact);
        h.processElement(applied(1, 5, T0 + 60), 5);
        assertThat(Harnesses.drain(h)).extracting(FinalBlock::number).containsExactly(3L);
    }

    @Test
    void revertsInsideTheHorizonNeverReachAFinalBlock() throws Exception {
        var h = harness(CONFIG);
        List<ChainEvent> chain = new ArrayList<>();
        for (long n = 0; n < 4; n++) {
            chain.add(variant(n, 0, 0, Chains.address(1)));
            h.processElement(chain.get((int) n), n);
        }
        // reorg of depth 2: revert 3 then 2, apply 2' and 3' (different receivers) and 4'
        h.processElement(reverted(chain.get(3)), 3);
        h.processElement(reverted(chain.get(2)), 2);
        h.processElement(variant(2, 1, 0, Chains.address(2)), 2);
        h.processElement(variant(3, 1, 1, Chains.address(2)), 3);
        h.processElement(variant(4, 1, 1, Chains.address(2)), 4);
        List<FinalBlock> out = Harnesses.drain(h);
        assertThat(out).extracting(FinalBlock::number).containsExactly(0L, 1L, 2L);
        assertThat(out.get(2).hash()).isEqualTo(Chains.hash(1, 2, 1));
        assertThat(out.get(2).transfers().get(0).to()).isEqualTo(Chains.address(2));
        assertThat(out.get(2).intervalSeconds()).isEqualTo(12);
        assertThat(out).allMatch(FinalBlock::exact);
        // the orphaned block 2 left state with the final height; 3' and 4' (and the orphan 3) are pending
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<FinalBlock> rest = Harnesses.drain(h);
        assertThat(rest).extracting(FinalBlock::hash).containsExactly(Chains.hash(1, 3, 1), Chains.hash(1, 4, 1));
        assertThat(h.numKeyedStateEntries()).as("only the frontier is left").isEqualTo(1);
    }

    @Test
    void batchOrderByBlockNumberGivesTheSameFinalBlocks() throws Exception {
        // reorgs of the scenario are at most 3 deep: inside a horizon of 4
        AnalyticsConfig config = AnalyticsConfig.defaults().withHorizon(4);
        Scenario s = Scenario.generate(7, new long[] {1}, 120, 12, 30, 4);
        var streaming = harness(config);
        for (ChainEvent e : s.events) {
            streaming.processElement(e, e.getBlock().getNumber());
        }
        streaming.processWatermark(new Watermark(Long.MAX_VALUE));
        List<FinalBlock> expected = Harnesses.drain(streaming);

        // BATCH sorts by (key, timestamp = block number); order inside one height is arbitrary
        List<ChainEvent> sorted = new ArrayList<>(s.events);
        Collections.shuffle(sorted, new Random(3));
        sorted.sort(Comparator.comparingLong(e -> e.getBlock().getNumber()));
        var batch = harness(config);
        for (ChainEvent e : sorted) {
            batch.processElement(e, e.getBlock().getNumber());
        }
        batch.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(Harnesses.drain(batch)).isEqualTo(expected);
        assertThat(expected).extracting(FinalBlock::hash)
                .containsExactlyElementsOf(s.canonical.get(1L).stream().map(e -> e.getBlock().getHash()).toList());
    }

    @Test
    void aRevertBelowTheFinalHeightMarksTheChainPartial() throws Exception {
        var h = harness(CONFIG);
        List<ChainEvent> chain = new ArrayList<>();
        for (long n = 0; n < 6; n++) {
            chain.add(applied(1, n, T0 + 12 * n));
            h.processElement(chain.get((int) n), n);
        }
        assertThat(Harnesses.drain(h)).extracting(FinalBlock::number).containsExactly(0L, 1L, 2L, 3L);
        h.processElement(reverted(chain.get(1)), 1); // block 1 is final: deeper than the horizon
        h.processElement(applied(1, 6, T0 + 72), 6);
        List<FinalBlock> out = Harnesses.drain(h);
        assertThat(out).extracting(FinalBlock::number).containsExactly(4L);
        assertThat(out.get(0).exact()).isFalse();
    }

    @Test
    void coverageIsPartialWhenTheChainStartsAfterTheConfiguredStartOrHasAGap() throws Exception {
        var h = harness(new AnalyticsConfig(CONFIG.window(), 24, 6, 3, 1.5, 10, 200, 100, 12, 1, 0, java.util.Map.of(2L, 10L),
                90, 7, 7, 90));
        h.processElement(applied(1, 5, T0), 5);
        h.processElement(applied(1, 6, T0 + 12), 6);
        h.processElement(applied(2, 10, T0), 10);
        h.processElement(applied(2, 11, T0 + 12), 11);
        h.processElement(applied(2, 13, T0 + 36), 13);
        h.processElement(applied(2, 14, T0 + 48), 14);
        List<FinalBlock> out = Harnesses.drain(h);
        assertThat(out).extracting(FinalBlock::chainId, FinalBlock::number, FinalBlock::exact, FinalBlock::coveredFrom)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 5L, false, 5L),
                        org.assertj.core.groups.Tuple.tuple(2L, 10L, true, 10L),
                        org.assertj.core.groups.Tuple.tuple(2L, 11L, true, 10L),
                        org.assertj.core.groups.Tuple.tuple(2L, 13L, false, 13L));
    }
}
