package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.MINUTE_MS;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static io.chaintrack.jobs.balances.TestEvents.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CanonicalChainGateTest {
    private static final long CHAIN = 31337;
    private static final String A = address(0xa);
    private static final String B = address(0xb);

    private KeyedOneInputStreamOperatorTestHarness<Long, ChainEvent, ChainEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(4);
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, ChainEvent, ChainEvent> harness(int depth) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CanonicalChainGate(depth)),
                (ChainEvent e) -> e.getBlock().getChainId(), Types.LONG);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        h.setup(ProtobufTypeInfo.CHAIN_EVENT.createSerializer(h.getExecutionConfig().getSerializerConfig()));
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A chain of n blocks from {@code parent}, labelled prefix+number, each with one transfer. */
    private static List<TestEvents.Block> chain(String prefix, long from, int n, String parent, long amount) {
        List<TestEvents.Block> blocks = new ArrayList<>();
        for (long k = from; k < from + n; k++) {
            TestEvents.Block b = block(CHAIN, k, prefix + k, parent, T0_MS + k * MINUTE_MS).erc20(ERC20, A, B, amount + k);
            blocks.add(b);
            parent = b.hash;
        }
        return blocks;
    }

    private List<ChainEvent> feed(ChainEvent... events) throws Exception {
        harness.getOutput().clear();
        for (ChainEvent e : events) {
            harness.processElement(new StreamRecord<>(e));
        }
        return output();
    }

    @SuppressWarnings("unchecked")
    private List<ChainEvent> output() {
        List<ChainEvent> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            out.add(((StreamRecord<ChainEvent>) o).getValue());
        }
        return out;
    }

    private static String tag(ChainEvent e) {
        return (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED ? "+" : "-") + e.getBlock().getNumber() + ":"
                + e.getBlock().getHash().substring(2, 8);
    }

    private static List<String> tags(List<ChainEvent> events) {
        return events.stream().map(CanonicalChainGateTest::tag).toList();
    }

    @Test
    void aDuplicateAppliedIsDropped() throws Exception {
        var a = chain("a", 1, 3, TestEvents.hash("genesis"), 10);
        assertThat(feed(a.get(0).applied(), a.get(1).applied(), a.get(2).applied())).hasSize(3);
        // at-least-once replay of the last two blocks, then the next one
        var next = chain("a", 4, 1, a.get(2).hash, 10).get(0);
        List<ChainEvent> out = feed(a.get(1).applied(), a.get(2).applied(), next.applied());
        assertThat(out).containsExactly(next.applied());
    }

    @Test
    void aReplayOnAnotherForkRevertsTheCanonicalBlocksFirst() throws Exception {
        var a = chain("a", 1, 5, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        // the ingest restarted from its checkpoint after block 2; the node is now on fork b from block 3
        var fork = chain("b", 3, 4, a.get(1).hash, 100);
        List<ChainEvent> out = feed(a.get(0).applied(), a.get(1).applied(), fork.get(0).applied(), fork.get(1).applied(),
                fork.get(2).applied(), fork.get(3).applied());
        assertThat(tags(out)).containsExactly(
                tag(a.get(4).reverted()), tag(a.get(3).reverted()), tag(a.get(2).reverted()),
                tag(fork.get(0).applied()), tag(fork.get(1).applied()), tag(fork.get(2).applied()), tag(fork.get(3).applied()));
        // the reverts carry exactly the transfers their blocks applied
        assertThat(out.subList(0, 3)).containsExactly(a.get(4).reverted(), a.get(3).reverted(), a.get(2).reverted());
    }

    @Test
    void aRevertOfACanonicalBlockBelowTheTipRevertsDownToIt() throws Exception {
        var a = chain("a", 1, 5, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        // replayed reverts of the restored ingest state (its tip was 3) while the gate already holds 4 and 5
        List<ChainEvent> out = feed(a.get(2).reverted());
        assertThat(out).containsExactly(a.get(4).reverted(), a.get(3).reverted(), a.get(2).reverted());
        var fork = chain("b", 3, 1, a.get(1).hash, 100);
        assertThat(feed(fork.get(0).applied())).containsExactly(fork.get(0).applied());
    }

    @Test
    void aDuplicateRevertedIsDropped() throws Exception {
        var a = chain("a", 1, 3, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        assertThat(feed(a.get(2).reverted())).containsExactly(a.get(2).reverted());
        var b3 = chain("b", 3, 2, a.get(1).hash, 50);
        assertThat(feed(b3.get(0).applied(), b3.get(1).applied())).hasSize(2);
        // the same revert replayed after a restart, and a revert of a block never applied: both dropped
        var never = block(CHAIN, 4, "never", b3.get(0).hash, T0_MS).erc20(ERC20, A, B, 1);
        assertThat(feed(a.get(2).reverted(), never.reverted(), a.get(2).reverted())).isEmpty();
        var next = chain("b", 5, 1, b3.get(1).hash, 50).get(0);
        assertThat(feed(next.applied())).containsExactly(next.applied());
    }

    @Test
    void aReorgBeyondTheHorizonRaises() throws Exception {
        var a = chain("a", 1, 8, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        // depth 4 holds 5..8; a fork from block 2 replaces block 5 on a parent it no longer holds
        var fork = chain("c", 3, 3, a.get(1).hash, 1000);
        assertThatThrownBy(() -> feed(fork.get(2).applied())).isInstanceOf(ReorgBeyondHorizonException.class)
                .hasMessageContaining("block 5");
        assertThatThrownBy(() -> feed(a.get(2).reverted())).isInstanceOf(ReorgBeyondHorizonException.class)
                .hasMessageContaining("below the blocks held");
        // an old block replayed past the horizon is a duplicate, not an error
        assertThat(feed(a.get(1).applied())).isEmpty();
    }

    @Test
    void anAppliedWhoseParentIsNotTheTipRaises() throws Exception {
        var a = chain("a", 1, 3, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        var stray = block(CHAIN, 4, "stray", TestEvents.hash("elsewhere"), T0_MS).erc20(ERC20, A, B, 1);
        assertThatThrownBy(() -> feed(stray.applied())).isInstanceOf(ReorgBeyondHorizonException.class);
    }

    @Test
    void theHeldChainSurvivesACheckpoint() throws Exception {
        var a = chain("a", 1, 3, TestEvents.hash("genesis"), 10);
        for (var b : a) {
            feed(b.applied());
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(4);
        harness.initializeState(snapshot);
        harness.open();
        var fork = chain("b", 3, 1, a.get(1).hash, 100);
        assertThat(feed(a.get(1).applied(), fork.get(0).applied()))
                .containsExactly(a.get(2).reverted(), fork.get(0).applied());
    }
}
