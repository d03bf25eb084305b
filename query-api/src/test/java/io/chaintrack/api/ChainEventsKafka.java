package io.chaintrack.api;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.connectors.kafka.TopicCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test helper: the chain-events topic of an in-process broker, as the health checks measure it. Records are
 * produced one at a time and acknowledged before the next; a group's committed offsets are set for every partition.
 */
final class ChainEventsKafka implements AutoCloseable {
    static final String TOPIC = TopicCatalog.CHAIN_EVENTS.name();
    static final int PARTITIONS = TopicCatalog.CHAIN_EVENTS.partitions();

    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    private ChainEventsKafka(KafkaProducer<byte[], byte[]> producer, Admin admin) {
        this.producer = producer;
        this.admin = admin;
    }

    /** Creates the topic on {@code kafka} and opens a producer and an admin client on it. */
    static ChainEventsKafka create(EmbeddedKafkaBroker kafka) {
        kafka.createTopics(List.of(TopicCatalog.CHAIN_EVENTS));
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        try {
            return new ChainEventsKafka(producer, Admin.create(kafka.clientProperties()));
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** One record without a key, written to {@code partition} and acknowledged. */
    void produce(int partition, byte value) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, partition, null, new byte[] {value})).get();
    }

    /** Sets {@code group}'s committed offset of every partition p to {@code offsetOf(p)}. */
    void commit(String group, IntToLongFunction offsetOf) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            commits.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(offsetOf.applyAsLong(p)));
        }
        admin.alterConsumerGroupOffsets(group, commits).all().get();
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            admin.close();
        }
    }
}
