package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.ERC721;
import static io.chaintrack.jobs.balances.TestEvents.MINUTE_MS;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static io.chaintrack.jobs.balances.TestEvents.big;
import static io.chaintrack.jobs.balances.TestEvents.block;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainTotalsFunctionTest {
    private static final long CHAIN = 31337;
    private static final String A = address(0xa);
    private static final String B = address(0xb);

    private KeyedOneInputStreamOperatorTestHarness<Long, ChainEvent, ChainTotalsRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ChainTotalsFunction()),
                e -> e.getBlock().getChainId(), Types.LONG);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void process(ChainEvent e) throws Exception {
        harness.processElement(e, BlockTimeWatermarks.blockTimeMs(e));
    }

    private List<ChainTotalsRow> drainTotals() {
        List<ChainTotalsRow> rows = harness.extractOutputValues();
        harness.getOutput().clear();
        return rows;
    }

    private <T> List<T> drain(OutputTag<T> tag) {
        var queue = harness.getSideOutput(tag);
        if (queue == null) {
            return List.of();
        }
        List<T> rows = queue.stream().map(StreamRecord::getValue).toList();
        queue.clear();
        return rows;
    }

    @Test
    void appliedBlocksAddAndRevertedBlocksSubtractTheSame() throws Exception {
        TestEvents.Block b10 = block(CHAIN, 10, "b10", TestEvents.hash("b9"), T0_MS)
                .erc20(ERC20, A, B, 100).nativeTransfer(A, B, 5, "");
        TestEvents.Block b11 = block(CHAIN, 11, "b11", b10.hash, T0_MS + MINUTE_MS)
                .erc20(ERC20, B, A, 50);
        TestEvents.Block b11r = block(CHAIN, 11, "b11-replacement", b10.hash, T0_MS + 2 * MINUTE_MS)
                .erc721(ERC721, A, B, 7);

        process(b10.applied());
        assertThat(drain(ChainTotalsFunction.CHAINS)).containsExactly(new ChainRow(CHAIN, "hardhat", 10));
        assertThat(drainTotals()).containsExactly(new ChainTotalsRow(CHAIN, 1, 2, 10, 10, T0_MS));
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC20, "ERC20", 1, big(100)),
                new TokenTotalsRow(CHAIN, "native", "NATIVE", 1, big(5)));

        process(b11.applied());
        assertThat(drainTotals()).containsExactly(new ChainTotalsRow(CHAIN, 2, 3, 10, 11, T0_MS + MINUTE_MS));
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC20, "ERC20", 2, big(150)));

        process(b11.reverted());
        // the head goes back to block 10, with block 10's time
        assertThat(drainTotals()).containsExactly(new ChainTotalsRow(CHAIN, 1, 2, 10, 10, T0_MS));
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC20, "ERC20", 1, big(100)));

        process(b11r.applied());
        assertThat(drainTotals()).containsExactly(new ChainTotalsRow(CHAIN, 2, 3, 10, 11, T0_MS + 2 * MINUTE_MS));
        // an ERC-721 transfer moves one token whatever its amount field says
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC721, "ERC721", 1, big(1)));
        // the chains row is written once per chain
        assertThat(drain(ChainTotalsFunction.CHAINS)).extracting(ChainRow::name).containsOnly("hardhat");
    }

    @Test
    void aggregatesSeveralTransfersOfOneTokenInOneBlockIntoOneRow() throws Exception {
        TestEvents.Block b1 = block(CHAIN, 1, "b1", TestEvents.hash("b0"), T0_MS)
                .erc20(ERC20, A, B, 1).erc20(ERC20, B, A, 2).erc20(ERC20, A, A, 3);
        process(b1.applied());
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC20, "ERC20", 3, big(6)));
        process(b1.reverted());
        assertThat(drain(ChainTotalsFunction.TOKEN_TOTALS)).containsExactly(
                new TokenTotalsRow(CHAIN, ERC20, "ERC20", 0, big(0)));
        assertThat(drainTotals()).containsExactly(
                new ChainTotalsRow(CHAIN, 1, 3, 1, 1, T0_MS),
                new ChainTotalsRow(CHAIN, 0, 0, 1, 0, T0_MS));
    }

    @Test
    void reportsTheFollowersHeadOnEveryEventThatCarriesOne() throws Exception {
        process(block(CHAIN, 10, "h10", TestEvents.hash("h9"), T0_MS).applied().toBuilder().setHeadNumber(14).build());
        process(block(CHAIN, 11, "h11", TestEvents.hash("h10"), T0_MS).applied().toBuilder().setHeadNumber(15).build());
        assertThat(drain(ChainTotalsFunction.CHAINS)).containsExactly(
                new ChainRow(CHAIN, "hardhat", 14), new ChainRow(CHAIN, "hardhat", 15));
    }

    @Test
    void reportsTheStampedFinalizedBlockAndNoneForAnEventWithoutOne() throws Exception {
        process(block(CHAIN, 10, "f10", TestEvents.hash("f9"), T0_MS).applied().toBuilder().setFinalizedNumber(2).build());
        process(block(CHAIN, 11, "f11", TestEvents.hash("f10"), T0_MS).applied().toBuilder().setFinalizedNumber(3).build());
        process(block(CHAIN, 11, "f11", TestEvents.hash("f10"), T0_MS).reverted());
        // the revert still reports its head, with no finalized block (-1: the sink keeps the one it has)
        assertThat(drain(ChainTotalsFunction.CHAINS)).containsExactly(new ChainRow(CHAIN, "hardhat", 10, 2),
                new ChainRow(CHAIN, "hardhat", 11, 3), new ChainRow(CHAIN, "hardhat", 11, -1));
    }

    @Test
    void keepsChainsApartAndNamesThem() throws Exception {
        process(block(1, 100, "e100", TestEvents.hash("e99"), T0_MS).applied());
        process(block(777, 5, "x5", TestEvents.hash("x4"), T0_MS).applied());
        process(block(ChainNames.SYNTHETIC_CHAIN_ID, 1, "s1", TestEvents.hash("s0"), T0_MS).applied());
        assertThat(drain(ChainTotalsFunction.CHAINS)).containsExactly(
                new ChainRow(1, "ethereum", 100), new ChainRow(777, "chain-777", 5),
                new ChainRow(ChainNames.SYNTHETIC_CHAIN_ID, "synthetic", 1));
        assertThat(drainTotals()).containsExactly(
                new ChainTotalsRow(1, 1, 0, 100, 100, T0_MS),
                new ChainTotalsRow(777, 1, 0, 5, 5, T0_MS),
                new ChainTotalsRow(ChainNames.SYNTHETIC_CHAIN_ID, 1, 0, 1, 1, T0_MS));
    }
}
