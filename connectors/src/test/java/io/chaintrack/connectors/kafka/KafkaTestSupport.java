package io.chaintrack.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Test helper (shared through the test-jar): reads a whole topic as it is now, without consumer groups. */
public final class KafkaTestSupport {
    private KafkaTestSupport() {}

    /**
     * Every record up to the current end of each partition, partition by partition in offset order.
     * With {@code committedOnly} the end is the last stable offset and aborted or open transactions are skipped.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, boolean committedOnly) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition tp : partitions) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumer.position(tp) < end.get(tp)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + tp + " up to offset " + end.get(tp));
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** Deletes {@code topic} if it exists and creates it empty, so each test starts from offset 0. */
    public static void recreateTopic(String bootstrapServers, Topic<?, ?> topic) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get().contains(topic.name())) {
                admin.deleteTopics(List.of(topic.name())).all().get();
            }
            // deletion completes asynchronously: retry until the name is free again
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1))).all().get();
                    return;
                } catch (ExecutionException e) {
                    if (attempt >= 100) {
                        throw new IllegalStateException("could not recreate topic " + topic.name(), e.getCause());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list or delete topic " + topic.name(), e.getCause());
        }
    }
}
