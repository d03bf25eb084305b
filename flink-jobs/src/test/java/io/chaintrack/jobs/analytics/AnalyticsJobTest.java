package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.analytics.model.SqlRow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AnalyticsJobTest {
    @Test
    void everyOperatorHasAStableUidAndNoTypeFallsBackToKryo() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var events = env.fromData(List.of(Chains.applied(1, 0, Chains.T0)), ProtobufTypeInfo.CHAIN_EVENT).uid("events");
        AnalyticsJob.defineWorkflow(env, events, producer -> new DiscardingSink<SqlRow>(), AnalyticsConfig.defaults());
        Set<String> uids = new HashSet<>();
        List<Transformation<?>> all = env.getTransformations();
        Set<Transformation<?>> seen = new HashSet<>();
        for (Transformation<?> t : all) {
            for (Transformation<?> x : t.getTransitivePredecessors()) {
                if (!seen.add(x)) {
                    continue;
                }
                assertThat(x.getOutputType()).as(x.getName()).isNotInstanceOf(GenericTypeInfo.class);
                if (x.getUid() != null) {
                    uids.add(x.getUid());
                }
            }
        }
        assertThat(uids).contains(AnalyticsJob.UID_FINALIZER, AnalyticsJob.UID_LEDGER, AnalyticsJob.UID_TOTALS,
                AnalyticsJob.UID_WINDOWS, AnalyticsJob.UID_SCORER, AnalyticsJob.UID_LARGE, AnalyticsJob.UID_DAILY,
                AnalyticsJob.UID_FORECASTER, AnalyticsJob.UID_REGISTRY, AnalyticsJob.UID_GLOBAL,
                AnalyticsJob.UID_GLOBAL_FORECASTER, AnalyticsJob.UID_GLOBAL_FORECASTER + "-sink",
                AnalyticsJob.UID_TOTALS + "-sink", AnalyticsJob.UID_GLOBAL + "-sink");
        for (Transformation<?> x : seen) {
            boolean partitionOrSideOutput = x.getClass().getSimpleName().matches("(Partition|SideOutput|Union)Transformation");
            if (!partitionOrSideOutput) {
                assertThat(x.getUid()).as("uid of " + x.getName()).isNotNull();
            }
        }
    }

    @Test
    void theKafkaReadOperatorsKeepTheirSavepointUidsAndNames() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AnalyticsJob.addToEnvironment(env, new KafkaInput("localhost:9", "analytics-test", true),
                PostgresSinkOptions.of("jdbc:postgresql://localhost:9/chaintrack", "chaintrack", ""),
                AnalyticsConfig.defaults(), 100);
        Map<String, String> namesByUid = new HashMap<>();
        env.getStreamGraph().getStreamNodes().forEach(n -> namesByUid.put(n.getTransformationUID(), n.getOperatorName()));
        // the uids of builds before the Kafka wiring was shared, byte for byte
        assertThat(namesByUid).containsKeys("analytics-chain-events-kafka-source")
                .containsEntry("analytics-decode-chain-events", "analytics-decode-chain-events")
                .containsEntry("analytics-dead-letter-sink", "analytics-dead-letter-sink: Writer");
    }

    @Test
    void optionsParseAndBadValuesAreNamed() {
        AnalyticsJob job = new AnalyticsJob();
        new CommandLine(job).parseArgs("--bootstrap-servers", "k:9092", "--jdbc-url", "jdbc:postgresql://x/y",
                "--window", "30m", "--baseline-windows", "12", "--chain-start-block", "10=500", "--checkpoint-interval", "PT5S");
        AnalyticsConfig c = job.config();
        assertThat(c.window()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.baselineWindows()).isEqualTo(12);
        assertThat(c.startBlock(10)).isEqualTo(500);
        assertThat(c.startBlock(1)).isZero();
        assertThat(job.run.checkpointInterval).isEqualTo(Duration.ofSeconds(5));

        StringWriter err = new StringWriter();
        int exit = new CommandLine(new AnalyticsJob()).setErr(new PrintWriter(err)).execute(
                "--bootstrap-servers", "k", "--jdbc-url", "u", "--window", "soon");
        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("not a duration: 'soon'");
        assertThatThrownBy(() -> AnalyticsConfig.defaults().withHorizon(0)).hasMessageContaining("reorg-horizon-blocks must be >= 1");
        assertThatThrownBy(() -> AnalyticsConfig.defaults().withBaseline(24, 30)).hasMessageContaining("min-baseline-windows");

        StringWriter err2 = new StringWriter();
        int batch = new CommandLine(new AnalyticsJob()).setErr(new PrintWriter(err2)).execute(
                "--bootstrap-servers", "k", "--jdbc-url", "u", "--batch");
        assertThat(batch).isNotZero();
        assertThat(err2.toString()).contains("--batch needs --bounded");
    }
}
