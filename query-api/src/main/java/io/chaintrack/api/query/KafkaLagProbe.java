package io.chaintrack.api.query;

import io.chaintrack.api.config.HealthConfig;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.proto.v1.ConsumerGroupLag;
import io.chaintrack.proto.v1.QueueDepth;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Queue depth: how far each job's consumer group is behind the end of the chain-events topic, from the
 * offsets the group committed (Flink commits them on every checkpoint). Without configured brokers the
 * answer is UNKNOWN, never a guess; brokers that do not answer in time give ERROR with the reason.
 */
@Singleton
public final class KafkaLagProbe {
    public static final String OK = "OK";
    public static final String UNKNOWN = "UNKNOWN";
    public static final String ERROR = "ERROR";

    private final String bootstrapServers;
    private final HealthConfig config;
    private final String topic = TopicCatalog.CHAIN_EVENTS.name();
    private Admin admin;

    public KafkaLagProbe(@Value("${chaintrack.kafka.bootstrap-servers:}") String bootstrapServers, HealthConfig config) {
        this.bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.trim();
        this.config = config;
    }

    public QueueDepth measure() {
        QueueDepth.Builder out = QueueDepth.newBuilder().setTopic(topic);
        if (bootstrapServers.isEmpty()) {
            return out.setState(UNKNOWN).setDetail("Kafka is not configured for the API (chaintrack.kafka.bootstrap-servers)").build();
        }
        long timeout = config.kafkaTimeout().toMillis();
        try {
            Admin a = admin();
            TopicDescription description = a.describeTopics(List.of(topic)).allTopicNames().get(timeout, TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            description.partitions().forEach(p -> {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            });
            Map<TopicPartition, ListOffsetsResultInfo> ends = a.listOffsets(latest).all().get(timeout, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> starts = a.listOffsets(earliest).all().get(timeout, TimeUnit.MILLISECONDS);
            for (String group : config.consumerGroups()) {
                Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
                long lag = 0;
                int uncommitted = 0;
                for (TopicPartition tp : ends.keySet()) {
                    OffsetAndMetadata c = committed.get(tp);
                    long from = c != null ? c.offset() : starts.get(tp).offset();
                    if (c == null) {
                        uncommitted++;
                    }
                    lag += Math.max(0, ends.get(tp).offset() - from);
                }
                out.addGroups(ConsumerGroupLag.newBuilder().setGroupId(group).setLag(lag)
                        .setPartitions(ends.size()).setUncommittedPartitions(uncommitted));
            }
            return out.setState(OK).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out.setState(ERROR).setDetail("interrupted").build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return out.setState(ERROR).setDetail("Kafka at " + bootstrapServers + " did not answer: " + cause).build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.kafkaTimeout().toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.kafkaTimeout().toMillis());
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "chaintrack-api-health");
            admin = Admin.create(props);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }
}
