package io.chaintrack.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.connectors.synthetic.SyntheticChainSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IngestJobCommandLineTest {
    @Test
    void optionsBecomeTheSyntheticConfigAndDelivery() {
        IngestJob job = new IngestJob();
        new CommandLine(job).parseArgs("--bootstrap-servers", "localhost:9092", "--source", "synthetic",
                "--chain-id", "77", "--seed", "5", "--transfers-per-block", "3", "--blocks", "10", "--native", "false",
                "--reorg-probability", "0.2", "--max-reorg-depth", "2", "--blocks-per-second", "4.5",
                "--delivery", "exactly-once", "--checkpoint-interval", "500ms");
        SyntheticChainConfig config = ((SyntheticChainSource) job.createSource()).config();
        assertThat(config).isEqualTo(SyntheticChainConfig.defaults().withChainId(77).withSeed(5).withTransfersPerBlock(3)
                .withBlockCount(10).withTokens(4, 2, 2, false).withReorgs(0.2, 2).withBlocksPerSecond(4.5));
        assertThat(job.delivery).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(job.checkpointInterval).isEqualTo(Duration.ofMillis(500));

        IngestJob defaults = new IngestJob();
        new CommandLine(defaults).parseArgs("--bootstrap-servers", "k:1");
        assertThat(((SyntheticChainSource) defaults.createSource()).config()).isEqualTo(SyntheticChainConfig.defaults());
        assertThat(defaults.delivery).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void badValuesAreUsageErrorsNamingTheValue() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new IngestJob()).setErr(new PrintWriter(err));
        int code = cli.execute("--bootstrap-servers", "k:1", "--reorg-probability", "0.9");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("reorgProbability").contains("0.9");

        StringWriter err2 = new StringWriter();
        int code2 = new CommandLine(new IngestJob()).setErr(new PrintWriter(err2))
                .execute("--bootstrap-servers", "k:1", "--delivery", "sometimes");
        assertThat(code2).isEqualTo(2);
        assertThat(err2.toString()).contains("sometimes");
        assertThatThrownBy(() -> new CommandLine(new IngestJob()).parseArgs("--source", "synthetic"))
                .isInstanceOf(CommandLine.MissingParameterException.class).hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void topologyHasNamedOperatorsWithStableUidsAtParallelismOne() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        IngestJob.buildSynthetic(env, SyntheticChainConfig.defaults(), "localhost:1");
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        StreamGraph graph = env.getStreamGraph();
        List<StreamNode> nodes = List.copyOf(graph.getStreamNodes());
        assertThat(nodes).extracting(StreamNode::getTransformationUID).contains(IngestJob.SOURCE_UID);
        assertThat(nodes).extracting(StreamNode::getTransformationUID)
                .anyMatch(uid -> uid != null && uid.startsWith(IngestJob.SINK_UID));
        assertThat(nodes).allMatch(n -> n.getParallelism() == 1, "parallelism 1");
        assertThat(nodes).extracting(StreamNode::getOperatorName).anyMatch(n -> n.contains("chain-source"));
    }
}
