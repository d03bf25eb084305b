package io.chaintrack.connectors.evm.reorg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.testkit.BalanceFold;
import io.chaintrack.connectors.evm.testkit.FakeChain;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The converge loop on a fake chain: reorgs of every shape end on the node's chain, exactly. */
class TailFollowerTest {
    private final EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());

    private TailFollower follower(FakeChain chain, int depth, long start) {
        return new TailFollower(chain, "fake", depth, 4, null, start, List.of(), metrics);
    }

    /** Steps until the follower holds the chain's head (or fails). */
    private static List<ChainEvent> drain(TailFollower f, FakeChain chain) {
        List<ChainEvent> out = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TailFollower.Step s = f.step();
            out.addAll(s.events());
            if (s.idle() && f.next() == chain.head() + 1 && !f.window().isEmpty()
                    && f.window().get(f.window().size() - 1).getBlock().getHash().equals(chain.hash(chain.head()))) {
                return out;
            }
        }
        throw new AssertionError("follower did not converge");
    }

    private static List<String> describe(List<ChainEvent> events) {
        List<String> out = new ArrayList<>();
        for (ChainEvent e : events) {
            out.add((e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED ? "+" : "-") + e.getBlock().getNumber());
        }
        return out;
    }

    private static void assertFoldsTo(List<ChainEvent> events, FakeChain chain, long from) {
        BalanceFold fold = new BalanceFold();
        events.forEach(fold::accept);
        assertThat(fold.violations()).isEmpty();
        for (long n = from; n <= chain.head(); n++) {
            assertThat(fold.hashAt(n)).as("block %d", n).isEqualTo(chain.hash(n));
        }
        assertThat(fold.canonical()).hasSize((int) (chain.head() - from + 1));
    }

    @Test
    void followsInOrderWithoutReorg() {
        FakeChain chain = new FakeChain(10);
        List<ChainEvent> out = drain(follower(chain, 5, 3), chain);
        assertThat(describe(out)).containsExactly("+3", "+4", "+5", "+6", "+7", "+8", "+9");
    }

    @Test
    void revertsOrphansNewestFirstWithTheirTransfersThenAppliesTheNewFork() {
        FakeChain chain = new FakeChain(11);
        TailFollower f = follower(chain, 5, 1);
        List<ChainEvent> first = drain(f, chain);
        chain.reorg(3, 4);
        List<ChainEvent> second = drain(f, chain);
        assertThat(describe(second)).containsExactly("-10", "-9", "-8", "+8", "+9", "+10", "+11");
        for (int i = 0; i < 3; i++) {
            ChainEvent reverted = second.get(i);
            ChainEvent applied = first.get(first.size() - 1 - i);
            assertThat(reverted.getBlock()).isEqualTo(applied.getBlock());
            assertThat(reverted.getTransfersList()).isEqualTo(applied.getTransfersList());
        }
        List<ChainEvent> all = new ArrayList<>(first);
        all.addAll(second);
        assertFoldsTo(all, chain, 1);
    }

    @Test
    void aShorterForkIsSeenThroughTheHeadCheckEvenWithoutNewBlocks() {
        FakeChain chain = new FakeChain(11);
        TailFollower f = follower(chain, 5, 1);
        List<ChainEvent> all = new ArrayList<>(drain(f, chain));
        chain.reorg(4, 1);
        List<ChainEvent> second = drain(f, chain);
        assertThat(describe(second)).containsExactly("-10", "-9", "-8", "-7", "+7");
        all.addAll(second);
        assertFoldsTo(all, chain, 1);
    }

    @Test
    void convergesWhenTheChainMovesAgainWhileItIsCatchingUp() {
        FakeChain chain = new FakeChain(12);
        TailFollower f = follower(chain, 8, 1);
        List<ChainEvent> all = new ArrayList<>(drain(f, chain));
        chain.reorg(2, 3);
        // the next fetch happens after yet another reorg, and one that swings back deeper
        chain.beforeNextFetch(() -> chain.reorg(4, 6));
        all.addAll(drain(f, chain));
        chain.reorg(1, 1);
        chain.extend(2);
        all.addAll(drain(f, chain));
        assertFoldsTo(all, chain, 1);
    }

    @Test
    void aRestartedFollowerRevertsBlocksItsPredecessorApplied() {
        FakeChain chain = new FakeChain(10);
        TailFollower before = follower(chain, 5, 2);
        List<ChainEvent> all = new ArrayList<>(drain(before, chain));
        TailFollower after = new TailFollower(chain, "fake", 5, 4, null, before.next(), before.window(), metrics);
        chain.reorg(2, 2);
        List<ChainEvent> second = drain(after, chain);
        assertThat(describe(second)).containsExactly("-9", "-8", "+8", "+9");
        all.addAll(second);
        assertFoldsTo(all, chain, 2);
    }

    @Test
    void aReorgDeeperThanTheBoundFailsWithANamedException() {
        FakeChain chain = new FakeChain(20);
        TailFollower f = follower(chain, 3, 1);
        drain(f, chain);
        chain.reorg(5, 6);
        assertThatThrownBy(() -> drain(f, chain))
                .isInstanceOf(ReorgDepthExceededException.class)
                .hasMessageContaining("chain fake: reorg deeper than the bound of 3 blocks")
                .hasMessageContaining("block 19 is no longer canonical")
                .hasMessageContaining("16..19")
                .hasMessageContaining("raise reorgDepth")
                .satisfies(e -> assertThat(((ReorgDepthExceededException) e).forkBelow()).isEqualTo(16));
    }

    @Test
    void aReorgExactlyAtTheBoundIsFollowed() {
        FakeChain chain = new FakeChain(20);
        TailFollower f = follower(chain, 3, 1);
        List<ChainEvent> all = new ArrayList<>(drain(f, chain));
        chain.reorg(3, 3);
        List<ChainEvent> second = drain(f, chain);
        assertThat(describe(second)).containsExactly("-19", "-18", "-17", "+17", "+18", "+19");
        all.addAll(second);
        assertFoldsTo(all, chain, 1);
    }

    @Test
    void aForkBelowTheFirstFollowedBlockNamesTheBackfillBoundary() {
        FakeChain chain = new FakeChain(12);
        TailFollower f = follower(chain, 10, 9);
        drain(f, chain);
        chain.reorg(4, 4);
        assertThatThrownBy(() -> drain(f, chain))
                .isInstanceOf(ReorgDepthExceededException.class)
                .hasMessageContaining("the head follower started at block 9; blocks before it were backfilled as final");
    }

    @Test
    void withConfirmationsItEmitsOnlyBuriedBlocks() {
        FakeChain chain = new FakeChain(10).confirmations(3);
        TailFollower f = follower(chain, 5, 0);
        List<ChainEvent> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.addAll(f.step().events());
        }
        assertThat(describe(out)).last().isEqualTo("+6");
    }

    @Test
    void aBoundedFollowerFinishesAfterItsEndBlock() {
        FakeChain chain = new FakeChain(10);
        TailFollower f = new TailFollower(chain, "fake", 5, 4, 6L, 2, List.of(), metrics);
        List<ChainEvent> out = new ArrayList<>();
        TailFollower.Step s;
        do {
            s = f.step();
            out.addAll(s.events());
        } while (!s.finished());
        assertThat(describe(out)).containsExactly("+2", "+3", "+4", "+5", "+6");
    }
}
