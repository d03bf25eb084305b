package io.chaintrack.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.kafka.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {
    @TempDir
    Path state;

    @Test
    void topicsAndTransactionalRecordsSurviveARestartFromTheStateDirectory() throws Exception {
        String topic = TopicCatalog.DEAD_LETTERS.name();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(state)) {
            broker.createTopics(TopicCatalog.all());
            broker.createTopics(TopicCatalog.all()); // idempotent
            try (Admin admin = Admin.create(broker.clientProperties())) {
                Map<String, TopicDescription> topics = admin.describeTopics(
                        List.of(TopicCatalog.CHAIN_EVENTS.name(), topic)).allTopicNames().get();
                assertThat(topics.get(TopicCatalog.CHAIN_EVENTS.name()).partitions()).hasSize(TopicCatalog.CHAIN_EVENTS.partitions());
            }
            // a transaction on one broker needs the replication-factor-1 transaction log settings
            Properties p = broker.clientProperties();
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-test");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                // block-time timestamps: long past, and far beyond the broker's default 1 h future limit
                long[] timestamps = {1_500_000_000_000L, System.currentTimeMillis() + 86_400_000L * 365, 1_700_000_000_000L};
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(topic, null, timestamps[i], "k" + i, "v" + i));
                }
                producer.commitTransaction();
            }
            assertThat(readCommitted(broker, topic, 3)).containsExactly("v0", "v1", "v2");
        }
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(state)) {
            again.createTopics(TopicCatalog.all());
            assertThat(readCommitted(again, topic, 3)).containsExactly("v0", "v1", "v2");
        }
    }

    static List<String> readCommitted(EmbeddedKafkaBroker broker, String topic, int expected) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
