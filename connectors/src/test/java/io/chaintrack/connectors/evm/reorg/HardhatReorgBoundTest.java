package io.chaintrack.connectors.evm.reorg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On a real node: a reorg within the bound is followed, one deeper than the bound stops the follower by name. */
class HardhatReorgBoundTest {

    private static List<ChainEvent> followToHead(TailFollower f, HardhatChain chain) throws Exception {
        List<ChainEvent> out = new ArrayList<>();
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        for (int i = 0; i < 200; i++) {
            TailFollower.Step s = f.step();
            out.addAll(s.events());
            List<ChainEvent> w = f.window();
            if (s.idle() && !w.isEmpty() && w.get(w.size() - 1).getBlock().getHash().equals(hash)) {
                return out;
            }
        }
        throw new AssertionError("follower did not reach head " + head);
    }

    @Test
    void aReorgPastTheBoundFailsWithReorgDepthExceeded() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            ChainScenario s = new ChainScenario(chain, 11, 4);
            s.deploy();
            s.blocks(3, 2);
            EvmChainConfig config = EvmChainConfig.builder(31337, "hardhat-bound").endpoint(node.url()).reorgDepth(3).build();
            EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
            try (RpcChainReader reader = new RpcChainReader(config, metrics)) {
                TailFollower f = new TailFollower(reader, "hardhat-bound", 3, 4, null, 1, List.of(), metrics);
                followToHead(f, chain);

                ChainScenario.Snapshot within = s.snapshot();
                s.blocks(2, 2);
                followToHead(f, chain);
                s.revert(within);
                s.blocks(3, 2);
                List<ChainEvent> events = followToHead(f, chain);
                assertThat(events).filteredOn(e -> e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED).hasSize(2);

                long forkPoint = chain.blockNumber();
                ChainScenario.Snapshot deep = s.snapshot();
                s.blocks(5, 2);
                followToHead(f, chain);
                s.revert(deep);
                s.blocks(6, 2);
                assertThatThrownBy(() -> followToHead(f, chain))
                        .isInstanceOf(ReorgDepthExceededException.class)
                        .hasMessageContaining("chain hardhat-bound: reorg deeper than the bound of 3 blocks")
                        .hasMessageContaining("block " + (forkPoint + 5) + " is no longer canonical")
                        .hasMessageContaining("raise reorgDepth");
            }
        }
    }
}
