package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.LargeTransferDetector;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LargeTransferDetectorTest {
    static final long W = 3600;
    static final long START = 1_700_002_800L;
    static final AnalyticsConfig CONFIG = AnalyticsConfig.defaults().withWindow(Duration.ofSeconds(W)).withBaseline(3, 2).withP99(5, 100);
    static final String T = Chains.token(0);

    private static KeyedOneInputStreamOperatorTestHarness<Long, LedgerBlock, SqlRow> harness() throws Exception {
        return Harnesses.open(new LargeTransferDetector(CONFIG), b -> b.block().chainId(), Types.LONG);
    }

    private static List<LedgerBlock> blocks(long seed) {
        Random r = new Random(seed);
        List<LedgerBlock> out = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            List<TransferFact> ts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ts.add(fact(T, address(1), address(2), 100 + r.nextInt(900)));
            }
            if (n == 50) {
                ts.add(fact(T, address(3), address(4), 1_000_000)); // the whale
            }
            out.add(Blocks.ledger(Blocks.block(1, n, START + n * 300, ts.toArray(TransferFact[]::new)), 0, 0, 0));
        }
        return out;
    }

    @Test
    void flagsOnlyATransferFarAboveThePreviousWindowsP99() throws Exception {
        var h = harness();
        for (LedgerBlock b : blocks(1)) {
            h.processElement(b, b.block().number());
        }
        List<SqlRow> rows = Harnesses.drain(h);
        assertThat(rows).hasSize(1);
        SqlRow r = rows.get(0);
        assertThat(r.get(Tables.ANOMALIES.index("method"))).isEqualTo("P99");
        assertThat(r.get(Tables.ANOMALIES.index("value"))).isEqualTo(1_000_000.0);
        assertThat((Double) r.get(Tables.ANOMALIES.index("baseline"))).isBetween(900.0, 1000.0);
        assertThat(r.get(Tables.ANOMALIES.index("block_number"))).isEqualTo(50L);
        assertThat(r.get(Tables.ANOMALIES.index("severity"))).isEqualTo("critical");
    }

    @Test
    void aCheckpointMidWindowDoesNotChangeAnyResult() throws Exception {
        List<LedgerBlock> blocks = blocks(2);
        var straight = harness();
        for (LedgerBlock b : blocks) {
            straight.processElement(b, b.block().number());
        }
        List<SqlRow> expected = Harnesses.drain(straight);

        var first = harness();
        List<SqlRow> got = new ArrayList<>();
        for (LedgerBlock b : blocks.subList(0, 31)) {
            first.processElement(b, b.block().number());
        }
        got.addAll(Harnesses.drain(first));
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        first.close();
        var second = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new LargeTransferDetector(CONFIG)),
                (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        second.initializeState(snapshot);
        second.open();
        for (LedgerBlock b : blocks.subList(31, blocks.size())) {
            second.processElement(b, b.block().number());
        }
        got.addAll(Harnesses.drain(second));
        assertThat(got).isEqualTo(expected);
        assertThat(expected).isNotEmpty();
    }
}
