package io.chaintrack.jobs.ingest;

import io.chaintrack.jobs.common.JobEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.connectors.kafka.KafkaTestSupport;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job on a Flink MiniCluster writing into a real in-process Kafka broker. */
class IngestJobTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    static EmbeddedKafkaBroker kafka;

    @TempDir
    Path savepoints;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** Each test starts from an empty chain-events topic. */
    @BeforeEach
    void freshTopic() throws InterruptedException {
        KafkaTestSupport.recreateTopic(kafka.bootstrapServers(), TopicCatalog.CHAIN_EVENTS);
    }

    private static StreamExecutionEnvironment env(Configuration conf) {
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        JobEnvironment.configure(env, Duration.ofMillis(200), null);
        return env;
    }

    /** The generator's sequence, each APPLIED event stamped with its finalized block as the job's finality stamp does. */
    private static List<ChainEvent> expected(SyntheticChainConfig config) {
        SyntheticChain chain = new SyntheticChain(config);
        FinalityStamp stamp = FinalityStamp.of(config);
        List<ChainEvent> all = new ArrayList<>();
        while (chain.hasNext()) {
            all.add(stamp.map(chain.next()));
        }
        return all;
    }

    /** Committed records of the chain-events topic, checked to be keyed by chain id, in one partition, stamped with block time. */
    private static List<ChainEvent> committedEvents(long chainId) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readAll(kafka.bootstrapServers(), TopicCatalog.CHAIN_EVENTS.name(), true);
        List<ChainEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChainEvent e = ChainEvent.parseFrom(r.value());
            assertThat(TopicCatalog.CHAIN_EVENTS.keyDeserializer().deserialize(r.topic(), r.key())).isEqualTo(chainId);
            assertThat(r.partition()).isEqualTo(records.get(0).partition());
            assertThat(r.timestamp()).isEqualTo(e.getBlock().getTimestamp() * 1000L);
            events.add(e);
        }
        return events;
    }

    @Test
    void exactlyOnceIngestWritesTheGeneratorSequenceInOrder() throws Exception {
        SyntheticChainConfig config = SyntheticChainConfig.defaults()
                .withSeed(11).withTransfersPerBlock(25).withAddresses(500).withReorgs(0.1, 3).withBlockCount(150);
        StreamExecutionEnvironment env = env(new Configuration());
        IngestJob.buildSynthetic(env, config, kafka.bootstrapServers());
        env.execute("ingest-test");

        List<ChainEvent> expected = expected(config);
        assertThat(expected).anyMatch(e -> e.getType() == io.chaintrack.proto.v1.ChainEventType.CHAIN_EVENT_TYPE_REVERTED);
        assertThat(committedEvents(config.chainId())).isEqualTo(expected);
    }

    @Test
    void stopWithSavepointMidStreamAndResumeLosesAndDuplicatesNothing() throws Exception {
        SyntheticChainConfig config = SyntheticChainConfig.defaults()
                .withSeed(12).withTransfersPerBlock(10).withAddresses(300).withReorgs(0.1, 3)
                .withBlocksPerSecond(60).withBlockCount(400);
        List<ChainEvent> expected = expected(config);

        StreamExecutionEnvironment first = env(new Configuration());
        IngestJob.buildSynthetic(first, config, kafka.bootstrapServers());
        JobClient job = first.executeAsync("ingest-before-savepoint");
        int seen = 0;
        while (seen < 40) {
            Thread.sleep(200);
            seen = committedEvents(config.chainId()).size();
        }
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
        List<ChainEvent> beforeResume = committedEvents(config.chainId());
        assertThat(beforeResume.size()).as("stopped mid-stream").isLessThan(expected.size());
        assertThat(beforeResume).isEqualTo(expected.subList(0, beforeResume.size()));

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = env(restore);
        IngestJob.buildSynthetic(second, config.withBlocksPerSecond(0), kafka.bootstrapServers());
        second.execute("ingest-after-savepoint");

        assertThat(committedEvents(config.chainId())).isEqualTo(expected);
    }
}
