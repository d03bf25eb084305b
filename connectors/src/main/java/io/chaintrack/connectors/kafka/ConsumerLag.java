package io.chaintrack.connectors.kafka;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each job's consumer group is behind the end of a topic, from the offsets the group committed (Flink
 * commits them on every checkpoint), written to consumer_lag (V31) for the API's health: the API reads the
 * table and never talks to Kafka. One reading is one round of admin calls: describe, end offsets, all groups'
 * offsets (and start offsets only when some group has not committed a partition).
 */
public final class ConsumerLag {
    public static final List<String> DEFAULT_GROUPS = List.of("chaintrack-balances", "chaintrack-analytics");

    /** Lag over all partitions; a partition without a committed offset counts from the earliest offset. */
    public record GroupLag(String groupId, long lag, int partitions, int uncommittedPartitions) {}

    private ConsumerLag() {}

    public static Admin admin(String bootstrapServers, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "chaintrack-consumer-lag");
        return Admin.create(props);
    }

    /** One reading; the admin calls share {@code timeout}. */
    public static List<GroupLag> read(Admin admin, String topic, List<String> groups, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = get(admin.describeTopics(List.of(topic)).allTopicNames(), deadline).get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)));
        KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> endsFuture = admin.listOffsets(latest).all();
        KafkaFuture<Map<String, Map<TopicPartition, OffsetAndMetadata>>> committedFuture = specs.isEmpty()
                ? KafkaFuture.completedFuture(Map.of()) : admin.listConsumerGroupOffsets(specs).all();
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(endsFuture, deadline);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = get(committedFuture, deadline);

        Set<TopicPartition> uncommitted = new LinkedHashSet<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
            partitions.stream().filter(tp -> offsets.get(tp) == null).forEach(uncommitted::add);
        }
        Map<TopicPartition, ListOffsetsResultInfo> starts = Map.of();
        if (!uncommitted.isEmpty()) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            uncommitted.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            starts = get(admin.listOffsets(earliest).all(), deadline);
        }
        List<GroupLag> out = new ArrayList<>();
        for (String group : groups) {
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
            out.add(new GroupLag(group, lag, partitions.size(), notCommitted));
        }
        return out;
    }

    /** Upserts one reading; returns the rows written. */
    public static int write(Connection c, String topic, List<GroupLag> lags, Instant at) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO consumer_lag (topic, group_id, lag, partitions,"
                + " uncommitted_partitions, reported_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (topic, group_id) DO UPDATE SET"
                + " lag = EXCLUDED.lag, partitions = EXCLUDED.partitions, uncommitted_partitions = EXCLUDED.uncommitted_partitions,"
                + " reported_at = EXCLUDED.reported_at")) {
            for (GroupLag g : lags) {
                st.setString(1, topic);
                st.setString(2, g.groupId());
                st.setLong(3, g.lag());
                st.setInt(4, g.partitions());
                st.setInt(5, g.uncommittedPartitions());
                st.setTimestamp(6, Timestamp.from(at));
                st.addBatch();
            }
            return lags.isEmpty() ? 0 : st.executeBatch().length;
        }
    }

    private static <T> T get(KafkaFuture<T> future, long deadlineNanos) throws Exception {
        return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
