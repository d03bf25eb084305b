package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Chains.T0;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.TotalsAggregator;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.model.TransferFact;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TotalsAggregatorTest {
    static final String TOKEN = Chains.token(0);

    private static KeyedOneInputStreamOperatorTestHarness<Long, LedgerBlock, SqlRow> harness(int hll) throws Exception {
        return Harnesses.open(new TotalsAggregator(AnalyticsConfig.defaults().withHll(hll)), b -> b.block().chainId(), Types.LONG);
    }

    private static Object col(SqlRow r, String column) {
        return r.get(Tables.TOTALS.index(column));
    }

    @Test
    void emitsChainAndTouchedTokenRowsWithExactCountsBelowTheThreshold() throws Exception {
        var h = harness(100);
        FinalBlock b = Blocks.block(1, 0, T0, fact(TOKEN, address(1), address(2), 5), fact(TOKEN, address(1), address(3), 7));
        h.processElement(new LedgerBlock(b, 3, 1, 2, 2, 3, 3, Map.of(TOKEN, 2)), 0);
        List<SqlRow> rows = Harnesses.drain(h);
        assertThat(rows).hasSize(2);
        SqlRow chain = rows.get(0);
        assertThat(col(chain, "scope")).isEqualTo("CHAIN");
        assertThat(col(chain, "transfers")).isEqualTo(2L);
        assertThat(col(chain, "holders")).isEqualTo(2L);
        assertThat(col(chain, "volume")).isNull();
        SqlRow token = rows.get(1);
        assertThat(col(token, "token")).isEqualTo(TOKEN);
        assertThat(col(token, "volume")).isEqualTo(BigInteger.valueOf(12));
        assertThat(col(token, "senders")).isEqualTo(1L);
        assertThat(col(token, "receivers")).isEqualTo(2L);
        assertThat(col(token, "senders_method")).isEqualTo("exact");
        assertThat(col(token, "accuracy")).isEqualTo("exact");
        assertThat(col(token, "blocks_covered")).isEqualTo(1L);

        // a block without the token: only the chain row
        h.processElement(new LedgerBlock(Blocks.block(1, 1, T0 + 12), 0, 0, 0, 0, 0, 0, Map.of()), 1);
        assertThat(Harnesses.drain(h)).extracting(r -> col(r, "scope")).containsExactly("CHAIN");
    }

    @Test
    void switchesToHllAboveTheThresholdWithBoundsAroundTheTruthAndSurvivesRestore() throws Exception {
        var h = harness(50);
        List<TransferFact> transfers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            transfers.add(fact(TOKEN, address(i), address(10_000 + i % 300), 1));
        }
        h.processElement(new LedgerBlock(Blocks.block(1, 0, T0, transfers.subList(0, 200).toArray(TransferFact[]::new)),
                0, 0, 0, 0, 0, 0, Map.of()), 0);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored = harness(50);
        restored.close();
        restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new TotalsAggregator(AnalyticsConfig.defaults().withHll(50))),
                (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new LedgerBlock(Blocks.block(1, 1, T0 + 12, transfers.subList(200, 400).toArray(TransferFact[]::new)),
                0, 0, 0, 0, 0, 0, Map.of()), 1);
        SqlRow token = Harnesses.drain(restored).get(1);
        assertThat(col(token, "senders_method")).isEqualTo("hll");
        assertThat(400L).isBetween((Long) col(token, "senders_lower"), (Long) col(token, "senders_upper"));
        assertThat(300L).isBetween((Long) col(token, "receivers_lower"), (Long) col(token, "receivers_upper"));
        assertThat((Long) col(token, "senders")).isBetween(380L, 420L);
        assertThat(col(token, "transfers")).isEqualTo(400L);
    }
}
