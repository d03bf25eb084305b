package io.chaintrack.jobs.balances;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.KafkaInput;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.junit.jupiter.api.Test;

/** The job graph: every operator named, every stateful one and every sink under its stable uid, no Kryo anywhere. */
class BalanceJobTopologyTest {
    private static final List<String> UIDS = List.of(BalanceJob.UID_VALIDATE, BalanceJob.UID_REJECTED_SINK,
            BalanceJob.UID_WATERMARKS, BalanceJob.UID_ROWS, BalanceJob.UID_DELTAS, BalanceJob.UID_WINDOWED_BALANCES,
            BalanceJob.UID_CHAIN_TOTALS, BalanceJob.UID_CHAINS_SINK, BalanceJob.UID_BLOCKS_SINK,
            BalanceJob.UID_TRANSFERS_SINK, BalanceJob.UID_BALANCE_WINDOWS_SINK, BalanceJob.UID_CURRENT_BALANCES_SINK,
            BalanceJob.UID_CHAIN_TOTALS_SINK, BalanceJob.UID_TOKEN_TOTALS_SINK, BalanceJob.UID_NFT_OWNERS,
            BalanceJob.UID_NFT_OWNERS_SINK);

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        // serializers are created while the graph is built: a generic (Kryo) type on any edge fails here
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static Map<String, StreamNode> byUid(StreamGraph graph) {
        return graph.getStreamNodes().stream().filter(n -> n.getTransformationUID() != null)
                .collect(Collectors.toMap(StreamNode::getTransformationUID, Function.identity()));
    }

    @Test
    void workflowNamesEveryOperatorAndGivesStatefulOnesStableUids() {
        StreamExecutionEnvironment env = env();
        var events = env.fromData(List.of(TestEvents.block(1, 1, "b1", TestEvents.hash("b0"), TestEvents.T0_MS)
                .erc20(TestEvents.ERC20, TestEvents.address(1), TestEvents.address(2), 5).applied()), ProtobufTypeInfo.CHAIN_EVENT);
        BalanceSinks sinks = new BalanceSinks(new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(),
                new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>(),
                new CollectingSink<>(), new CollectingSink<>());
        BalanceJob.defineWorkflow(env, events, sinks, BalanceJobConfig.defaults());
        StreamGraph graph = env.getStreamGraph();

        Map<String, StreamNode> nodes = byUid(graph);
        assertThat(nodes.keySet()).containsAll(UIDS);
        assertThat(nodes.get(BalanceJob.UID_WINDOWED_BALANCES).getOperatorName()).isEqualTo("windowed-balances");
        assertThat(nodes.get(BalanceJob.UID_CHAIN_TOTALS).getOperatorName()).isEqualTo("chain-totals");
        assertThat(nodes.get(BalanceJob.UID_NFT_OWNERS).getOperatorName()).isEqualTo("nft-owner-rows");
        assertThat(graph.getStreamNodes()).allSatisfy(n -> assertThat(n.getOperatorName()).isNotBlank());
        // keyed operators: the two stateful functions; every sink is fed forward by the operator that owns its keys
        Set<String> keyed = graph.getStreamNodes().stream().filter(n -> n.getStatePartitioners().length > 0)
                .map(StreamNode::getTransformationUID).collect(Collectors.toSet());
        assertThat(keyed).contains(BalanceJob.UID_WINDOWED_BALANCES, BalanceJob.UID_CHAIN_TOTALS);
        Map<String, String> feeds = Map.of(
                BalanceJob.UID_BLOCKS_SINK, BalanceJob.UID_ROWS, BalanceJob.UID_TRANSFERS_SINK, BalanceJob.UID_ROWS,
                BalanceJob.UID_BALANCE_WINDOWS_SINK, BalanceJob.UID_WINDOWED_BALANCES,
                BalanceJob.UID_CURRENT_BALANCES_SINK, BalanceJob.UID_WINDOWED_BALANCES,
                BalanceJob.UID_CHAIN_TOTALS_SINK, BalanceJob.UID_CHAIN_TOTALS,
                BalanceJob.UID_TOKEN_TOTALS_SINK, BalanceJob.UID_CHAIN_TOTALS,
                BalanceJob.UID_CHAINS_SINK, BalanceJob.UID_CHAIN_TOTALS, BalanceJob.UID_NFT_OWNERS_SINK, BalanceJob.UID_NFT_OWNERS);
        feeds.forEach((sinkUid, producerUid) -> {
            StreamNode sink = nodes.get(sinkUid);
            assertThat(sink.getInEdges()).as(sinkUid).singleElement().satisfies(e -> {
                assertThat(e.getPartitioner()).as(sinkUid).isInstanceOf(ForwardPartitioner.class);
                assertThat(graph.getStreamNode(e.getSourceId()).getTransformationUID()).as(sinkUid).isEqualTo(producerUid);
            });
            assertThat(sink.getParallelism()).as(sinkUid).isEqualTo(nodes.get(producerUid).getParallelism());
        });
    }

    @Test
    void theGenericTypeGuardBitesWhereKryoWouldBeUsed() {
        StreamExecutionEnvironment env = env();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            env.fromData(List.of(new java.util.ArrayList<String>())).name("generic").map(x -> x).name("identity")
                    .sinkTo(new CollectingSink<>()).name("sink");
            env.getStreamGraph();
        }).hasStackTraceContaining("Generic types have been disabled");
    }

    @Test
    void wholeJobFromKafkaToPostgresBuildsWithCheckpointing() {
        StreamExecutionEnvironment env = env();
        BalanceJob.addToEnvironment(env, new KafkaInput("localhost:9", "balances-test", true),
                PostgresSinkOptions.of("jdbc:postgresql://localhost:9/chaintrack", "chaintrack", "secret"),
                BalanceJobConfig.defaults());
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        Map<String, StreamNode> nodes = byUid(env.getStreamGraph());
        assertThat(nodes.keySet()).containsAll(UIDS).contains("chain-events-kafka-source", "decode-chain-events");
    }
}
