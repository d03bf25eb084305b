package io.chaintrack.api.query;

import io.chaintrack.api.config.HealthConfig;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.proto.v1.ConsumerGroupLag;
import io.chaintrack.proto.v1.QueueDepth;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Queue depth: how far each job's consumer group is behind the end of the chain-events topic, from the
 * offsets the group committed (Flink commits them on every checkpoint). Without configured brokers the
 * answer is UNKNOWN, never a guess; brokers that do not answer in time give ERROR with the reason.
 * One reading (OK or ERROR) answers every health call for lag-refresh-interval, so a burst of probes on
 * this replica costs the brokers one round of admin calls: describe, end offsets, all groups' offsets
 * (and start offsets only when some group has not committed a partition).
 */
@Singleton
public final class KafkaLagProbe {
    public static final String OK = "OK";
    public static final String UNKNOWN = "UNKNOWN";
    public static final String ERROR = "ERROR";

    private record Reading(QueueDepth depth, Instant at) {}

    private final String bootstrapServers;
    private final HealthConfig config;
    private final Clock clock;
    private final String topic = TopicCatalog.CHAIN_EVENTS.name();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Reading last;
    private Admin admin;

    public KafkaLagProbe(@Value("${chaintrack.kafka.bootstrap-servers:}") String bootstrapServers, HealthConfig config,
                         Clock clock) {
        this.bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.trim();
        this.config = config;
        this.clock = clock;
    }

    public QueueDepth measure() {
        if (bootstrapServers.isEmpty()) {
            return QueueDepth.newBuilder().setTopic(topic).setState(UNKNOWN)
                    .setDetail("Kafka is not configured for the API (chaintrack.kafka.bootstrap-servers)").build();
        }
        Reading previous = last;
        if (fresh(previous)) {
            return previous.depth();
        }
        // one caller reads; while it waits on the brokers the others keep answering with the previous reading
        if (previous == null) {
            refreshing.lock();
        } else if (!refreshing.tryLock()) {
            return previous.depth();
        }
        try {
            Reading current = last;
            if (fresh(current)) {
                return current.depth();
            }
            QueueDepth depth = read();
            if (!Thread.currentThread().isInterrupted()) {
                last = new Reading(depth, clock.instant());
            }
            return depth;
        } finally {
            refreshing.unlock();
        }
    }

    private boolean fresh(Reading reading) {
        if (reading == null) {
            return false;
        }
        Instant now = clock.instant();
        // a clock stepped back does not extend a reading's life
        return !now.isBefore(reading.at()) && now.isBefore(reading.at().plus(config.lagRefreshInterval()));
    }

    private QueueDepth read() {
        QueueDepth.Builder out = QueueDepth.newBuilder().setTopic(topic);
        long deadline = System.nanoTime() + config.kafkaTimeout().toNanos();
        try {
            Admin a = admin();
            List<TopicPartition> partitions = get(a.describeTopics(List.of(topic)).allTopicNames(), deadline).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
            config.consumerGroups().forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)));
            KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> endsFuture = a.listOffsets(latest).all();
            KafkaFuture<Map<String, Map<TopicPartition, OffsetAndMetadata>>> committedFuture = specs.isEmpty()
                    ? KafkaFuture.completedFuture(Map.of()) : a.listConsumerGroupOffsets(specs).all();
            Map<TopicPartition, ListOffsetsResultInfo> ends = get(endsFuture, deadline);
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = get(committedFuture, deadline);

            Set<TopicPartition> uncommitted = new LinkedHashSet<>();
            for (String group : config.consumerGroups()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
                partitions.stream().filter(tp -> offsets.get(tp) == null).forEach(uncommitted::add);
            }
            Map<TopicPartition, ListOffsetsResultInfo> starts = Map.of();
            if (!uncommitted.isEmpty()) {
                Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                uncommitted.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
                starts = get(a.listOffsets(earliest).all(), deadline);
            }
            for (String group : config.consumerGroups()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
                long lag = 0;
                int notCommitted = 0;
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata c = offsets.get(tp);
                    long from = c != null ? c.offset() : starts.get(tp).offset();
                    if (c == null) {
                        notCommitted++;
                    }
                    lag += Math.max(0, ends.get(tp).offset() - from);
                }
                out.addGroups(ConsumerGroupLag.newBuilder().setGroupId(group).setLag(lag)
                        .setPartitions(partitions.size()).setUncommittedPartitions(notCommitted));
            }
            return out.setState(OK).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out.setState(ERROR).setDetail("interrupted").build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return out.clearGroups().setState(ERROR).setDetail("Kafka at " + bootstrapServers + " did not answer: " + cause).build();
        }
    }

    /** The admin calls of one reading share one kafka-timeout. */
    private static <T> T get(KafkaFuture<T> future, long deadlineNanos) throws Exception {
        return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
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
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }
}
