package io.chaintrack.jobs.prices;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.junit.jupiter.api.Test;

/** The price job's graph: every operator named, stateful ones and the sink under stable uids, no Kryo; it fits next to the others. */
class PriceJobTopologyTest {
    private static final List<String> UIDS = List.of(PriceJob.UID_STRIP, PriceJob.UID_CANONICAL_GATE, PriceJob.UID_SLICES,
            PriceJob.UID_MINUTES, PriceJob.UID_SINK);

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static Map<String, StreamNode> byUid(StreamGraph graph) {
        return graph.getStreamNodes().stream().filter(n -> n.getTransformationUID() != null)
                .collect(Collectors.toMap(StreamNode::getTransformationUID, Function.identity()));
    }

    /** A sink that drops rows: only the graph is looked at. */
    private static final class NoSink implements Sink<PriceRow> {
        @Override
        public SinkWriter<PriceRow> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(PriceRow element, Context ctx) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void workflowNamesEveryOperatorAndKeysTheStatefulOnes() {
        StreamExecutionEnvironment env = env();
        var events = env.fromData(List.of(ChainEvent.newBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(BlockHeader.newBuilder().setChainId(1).setNumber(1).setHash("h1")).build()), ProtobufTypeInfo.CHAIN_EVENT);
        PriceJob.defineWorkflow(env, events, NoSink::new, PriceSourcesConfig.NONE, 64);
        StreamGraph graph = env.getStreamGraph();
        Map<String, StreamNode> nodes = byUid(graph);
        assertThat(nodes.keySet()).containsAll(UIDS);
        assertThat(graph.getStreamNodes()).allSatisfy(n -> assertThat(n.getOperatorName()).isNotBlank());
        Set<String> keyed = graph.getStreamNodes().stream().filter(n -> n.getStatePartitioners().length > 0)
                .map(StreamNode::getTransformationUID).collect(Collectors.toSet());
        assertThat(keyed).containsExactlyInAnyOrder(PriceJob.UID_CANONICAL_GATE, PriceJob.UID_MINUTES);
        StreamNode sink = nodes.get(PriceJob.UID_SINK);
        assertThat(sink.getInEdges()).singleElement().satisfies(e -> {
            assertThat(e.getPartitioner()).isInstanceOf(ForwardPartitioner.class);
            assertThat(graph.getStreamNode(e.getSourceId()).getTransformationUID()).isEqualTo(PriceJob.UID_MINUTES);
        });
    }

    @Test
    void runsInOneEnvironmentWithTheBalanceAndAnalyticsJobsAsTheStackDoes() {
        StreamExecutionEnvironment env = env();
        KafkaInput input = new KafkaInput("localhost:9", "test", true);
        PostgresSinkOptions pg = PostgresSinkOptions.of("jdbc:postgresql://localhost:9/chaintrack", "chaintrack", "secret");
        BalanceJob.addToEnvironment(env, input, pg, BalanceJobConfig.defaults());
        AnalyticsJob.addToEnvironment(env, input, pg, AnalyticsConfig.defaults(), 100);
        PriceJob.addToEnvironment(env, input, pg, PriceSourcesConfig.NONE, 128);
        Map<String, StreamNode> nodes = byUid(env.getStreamGraph()); // duplicate uids would fail here
        assertThat(nodes.keySet()).containsAll(UIDS).contains("prices-chain-events-kafka-source");
    }
}
