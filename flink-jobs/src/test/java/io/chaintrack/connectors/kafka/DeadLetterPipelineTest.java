package io.chaintrack.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeadLetterPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void emptyTopics() throws InterruptedException {
        KafkaTestSupport.recreateTopic(kafka.bootstrapServers(), TopicCatalog.CHAIN_EVENTS);
        KafkaTestSupport.recreateTopic(kafka.bootstrapServers(), TopicCatalog.DEAD_LETTERS);
    }

    private static List<ChainEvent> readBounded(String groupId) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        List<ChainEvent> decoded = new ArrayList<>();
        try (CloseableIterator<ChainEvent> it = ChainEventKafka.read(env, "",
                        ChainEventKafka.source(kafka.bootstrapServers(), groupId, true),
                        ChainEventKafka.deadLetterSink(kafka.bootstrapServers()))
                .executeAndCollect(groupId)) {
            it.forEachRemaining(decoded::add);
        }
        return decoded;
    }

    /**
     * What the ingest job writes: transactions, each ending in an invisible commit marker, plus an aborted one.
     * A bounded read must still finish, with the committed events only.
     */
    @Test
    void boundedReadOfATransactionalTopicFinishesWithCommittedEventsOnly() throws Exception {
        List<ChainEvent> events = new SyntheticChain(SyntheticChainConfig.defaults().withTransfersPerBlock(5)).next(12);
        byte[] key = TopicCatalog.CHAIN_EVENTS.keySerializer().serialize("", SyntheticChainConfig.DEFAULT_CHAIN_ID);
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bounded-read-test");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int batch = 0; batch < 3; batch++) {
                producer.beginTransaction();
                for (ChainEvent e : events.subList(batch * 4, batch * 4 + 4)) {
                    producer.send(new ProducerRecord<>(TopicCatalog.CHAIN_EVENTS.name(), key, e.toByteArray()));
                }
                producer.commitTransaction();
                if (batch == 1) {
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(TopicCatalog.CHAIN_EVENTS.name(), key, events.get(0).toByteArray()));
                    producer.flush();
                    producer.abortTransaction();
                }
            }
        }
        assertThat(readBounded("bounded-transactional-read")).isEqualTo(events);
        assertThat(KafkaTestSupport.readAll(kafka.bootstrapServers(), TopicCatalog.DEAD_LETTERS.name(), false)).isEmpty();
    }

    @Test
    void garbageAmongValidEventsGoesToTheDeadLetterTopicAndTheBoundedJobFinishes() throws Exception {
        SyntheticChainConfig config = SyntheticChainConfig.defaults().withTransfersPerBlock(20).withReorgs(0.2, 2);
        List<ChainEvent> events = new SyntheticChain(config).next(30);
        byte[] key = TopicCatalog.CHAIN_EVENTS.keySerializer().serialize("", config.chainId());
        Map<Integer, byte[]> garbageAt = Map.of(
                5, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                17, ChainEvent.newBuilder().setHeadNumber(3).build().toByteArray(),
                29, "not protobuf at all".getBytes(StandardCharsets.UTF_8));
        Map<Long, byte[]> garbageByOffset = new LinkedHashMap<>();
        int partition = -1;
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events.size(); i++) {
                if (garbageAt.containsKey(i)) {
                    RecordMetadata m = producer.send(new ProducerRecord<>(TopicCatalog.CHAIN_EVENTS.name(), key, garbageAt.get(i))).get();
                    garbageByOffset.put(m.offset(), garbageAt.get(i));
                    partition = m.partition();
                }
                producer.send(new ProducerRecord<>(TopicCatalog.CHAIN_EVENTS.name(), key, events.get(i).toByteArray())).get();
            }
        }

        assertThat(readBounded("dead-letter-test")).isEqualTo(events);

        List<ConsumerRecord<byte[], byte[]>> letters = KafkaTestSupport.readAll(kafka.bootstrapServers(), TopicCatalog.DEAD_LETTERS.name(), false);
        assertThat(letters).hasSize(3);
        List<Long> offsets = new ArrayList<>(garbageByOffset.keySet());
        for (int i = 0; i < letters.size(); i++) {
            ConsumerRecord<byte[], byte[]> letter = letters.get(i);
            long offset = offsets.get(i);
            assertThat(letter.value()).isEqualTo(garbageByOffset.get(offset));
            assertThat(letter.key()).isEqualTo(key);
            assertThat(header(letter, DeadLetterSerializationSchema.HEADER_SOURCE_TOPIC)).isEqualTo(TopicCatalog.CHAIN_EVENTS.name());
            assertThat(header(letter, DeadLetterSerializationSchema.HEADER_SOURCE_PARTITION)).isEqualTo(Integer.toString(partition));
            assertThat(header(letter, DeadLetterSerializationSchema.HEADER_SOURCE_OFFSET)).isEqualTo(Long.toString(offset));
            assertThat(header(letter, DeadLetterSerializationSchema.HEADER_ERROR)).isNotBlank();
        }
        assertThat(header(letters.get(1), DeadLetterSerializationSchema.HEADER_ERROR)).contains("type");
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
