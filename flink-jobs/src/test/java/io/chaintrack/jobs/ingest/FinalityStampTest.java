package io.chaintrack.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import org.junit.jupiter.api.Test;

/** The finalized block stamped on events: what the follower can no longer revert under each finality policy. */
class FinalityStampTest {
    private static ChainEvent event(ChainEventType type, long number) {
        return ChainEvent.newBuilder().setType(type)
                .setBlock(BlockHeader.newBuilder().setChainId(31337).setNumber(number).setHash("0x" + number))
                .setHeadNumber(number + 3).build();
    }

    private static EvmChainConfig evm(FinalityPolicy finality, int reorgDepth) {
        return EvmChainConfig.builder(31337, "hardhat").endpoint("http://127.0.0.1:1/")
                .finality(finality).reorgDepth(reorgDepth).build();
    }

    @Test
    void underConfirmationsTheFollowersReorgDepthBelowTheBlockIsFinal() {
        FinalityStamp stamp = FinalityStamp.of(evm(FinalityPolicy.confirmations(2), 8));
        assertThat(stamp.map(event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 20)).getFinalizedNumber()).isEqualTo(12);
        // nothing is final before the chain is deeper than the reorg depth
        assertThat(stamp.map(event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 7)).hasFinalizedNumber()).isFalse();
        // a revert says nothing about finality
        assertThat(stamp.map(event(ChainEventType.CHAIN_EVENT_TYPE_REVERTED, 20)).hasFinalizedNumber()).isFalse();
    }

    @Test
    void underANodeTagEveryEmittedBlockIsFinal() {
        // the follower emits only blocks at or below the node's finalized / safe block
        assertThat(FinalityStamp.of(evm(FinalityPolicy.finalized(), 128)).map(event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 20))
                .getFinalizedNumber()).isEqualTo(20);
        assertThat(FinalityStamp.of(evm(FinalityPolicy.safe(), 128)).map(event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 0))
                .getFinalizedNumber()).isZero();
    }

    @Test
    void theSyntheticChainIsFinalBelowItsDeepestReorg() {
        SyntheticChainConfig config = SyntheticChainConfig.defaults();
        long depth = config.reorgProbability() > 0 ? config.maxReorgDepth() + 1 : 0;
        assertThat(FinalityStamp.of(config).revertibleDepth()).isEqualTo(depth);
        assertThat(FinalityStamp.of(config).map(event(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, 100)).getFinalizedNumber())
                .isEqualTo(100 - depth);
    }
}
