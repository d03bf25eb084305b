package io.chaintrack.connectors.evm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.fetch.HeadPoll;
import io.chaintrack.connectors.evm.testkit.FakeChain;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Split and enumerator checkpoints survive a round trip bit for bit; the backfill plan follows the policy. */
class SourceStateSerializersTest {

    private static List<ChainEvent> window(int from, int to) {
        FakeChain chain = new FakeChain(to + 1);
        return chain.fetch(from, to).events();
    }

    @Test
    void splitsRoundTripIncludingTheTailWindow() throws IOException {
        EvmSplit backfill = new EvmSplit(EvmSplit.Kind.BACKFILL, 100, 199, 150, List.of());
        EvmSplit tail = new EvmSplit(EvmSplit.Kind.TAIL, 200, EvmSplit.UNBOUNDED, 210, window(205, 209));
        EvmSplit boundedTail = EvmSplit.tail(200, 300L);
        for (EvmSplit s : List.of(backfill, tail, boundedTail)) {
            byte[] bytes = EvmSplitSerializer.INSTANCE.serialize(s);
            EvmSplit back = EvmSplitSerializer.INSTANCE.deserialize(EvmSplitSerializer.INSTANCE.getVersion(), bytes);
            assertThat(back).isEqualTo(s);
            assertThat(back.splitId()).isEqualTo(s.splitId());
        }
        EvmSplit back = EvmSplitSerializer.INSTANCE.deserialize(1, EvmSplitSerializer.INSTANCE.serialize(tail));
        assertThat(back.window().get(4).getTransfersList()).isEqualTo(tail.window().get(4).getTransfersList());
        assertThat(back.endBlock()).isNull();
        assertThat(boundedTail.endBlock()).isEqualTo(300L);
    }

    @Test
    void enumeratorStateRoundTrips() throws IOException {
        EvmEnumeratorState s = new EvmEnumeratorState(true, 120, 999, 1000, false,
                List.of(EvmSplit.backfill(0, 19), new EvmSplit(EvmSplit.Kind.TAIL, 5, EvmSplit.UNBOUNDED, 8, window(5, 7))));
        byte[] bytes = EvmEnumeratorStateSerializer.INSTANCE.serialize(s);
        assertThat(EvmEnumeratorStateSerializer.INSTANCE.deserialize(1, bytes)).isEqualTo(s);
    }

    @Test
    void unknownVersionsAreRefusedByName() {
        assertThatThrownBy(() -> EvmSplitSerializer.INSTANCE.deserialize(7, new byte[0]))
                .hasMessageContaining("unknown EvmSplit serializer version 7");
        assertThatThrownBy(() -> EvmEnumeratorStateSerializer.INSTANCE.deserialize(9, new byte[0]))
                .hasMessageContaining("unknown EVM enumerator state version 9");
    }

    @Test
    void splitStateAdvancesOnlyWithEmittedEvents() {
        List<ChainEvent> events = window(10, 14);
        EvmSplitState state = new EvmSplitState(EvmSplit.tail(10, null), 3);
        events.forEach(state::onEmitted);
        assertThat(state.next()).isEqualTo(15);
        assertThat(state.toSplit().window()).hasSize(4).first().extracting(e -> e.getBlock().getNumber()).isEqualTo(11L);
        state.onEmitted(events.get(4).toBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED).build());
        assertThat(state.next()).isEqualTo(14);
        assertThat(state.toSplit().window()).hasSize(3);
        assertThatThrownBy(() -> state.onEmitted(events.get(1)))
                .hasMessageContaining("expected block 14 but emitted 11");
    }

    private static EvmChainConfig config(FinalityPolicy policy, long start, Long end) {
        return EvmChainConfig.builder(1, "plan").endpoint("http://127.0.0.1:1/").finality(policy)
                .startBlock(start).endBlock(end).reorgDepth(10).build();
    }

    @Test
    void backfillStopsReorgDepthBelowTheHeadOrAtTheFinalizedTag() {
        assertThat(BackfillPlan.of(config(FinalityPolicy.confirmations(2), 0, null), new HeadPoll(100, 98, null)))
                .isEqualTo(new BackfillPlan(90, 91, true));
        assertThat(BackfillPlan.of(config(FinalityPolicy.confirmations(20), 0, null), new HeadPoll(100, 80, null)))
                .isEqualTo(new BackfillPlan(80, 81, true));
        assertThat(BackfillPlan.of(config(FinalityPolicy.finalized(), 0, null), new HeadPoll(100, 97, null)))
                .isEqualTo(new BackfillPlan(97, 98, true));
        assertThat(BackfillPlan.of(config(FinalityPolicy.safe(), 0, null), new HeadPoll(100, 95, null)))
                .isEqualTo(new BackfillPlan(90, 91, true));
        // a bounded range inside the final part needs no head follower
        assertThat(BackfillPlan.of(config(FinalityPolicy.confirmations(0), 5, 50L), new HeadPoll(100, 100, null)))
                .isEqualTo(new BackfillPlan(50, 51, false));
        // starting above the head: nothing to backfill
        assertThat(BackfillPlan.of(config(FinalityPolicy.confirmations(0), 500, null), new HeadPoll(100, 100, null)))
                .isEqualTo(new BackfillPlan(499, 500, true));
    }
}
