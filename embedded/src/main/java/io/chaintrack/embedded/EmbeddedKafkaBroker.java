package io.chaintrack.embedded;

import io.chaintrack.connectors.kafka.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka (broker + controller in one process) for the one-command stack and tests.
 * Internal topics use replication factor 1 so transactions (exactly-once sinks) work on one broker.
 * With a state directory its logs survive a restart; without one everything is deleted on close.
 * Logs are kept forever and record timestamps (block times) may lie anywhere in the future.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** Fixed so a state directory formatted by one run is accepted by the next (base64 of "chaintrack-local"). */
    static final String CLUSTER_ID = "Y2hhaW50cmFjay1sb2NhbA";

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** A throw-away broker on free ports. */
    public static EmbeddedKafkaBroker start() {
        return start(null);
    }

    /**
     * @param stateDirectory where the logs live across restarts (formatted on first use); null for a temporary one
     */
    public static EmbeddedKafkaBroker start(Path stateDirectory) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setClusterId(CLUSTER_ID);
            boolean formatted = false;
            if (stateDirectory != null) {
                Files.createDirectories(stateDirectory);
                nodes.setBaseDirectory(stateDirectory);
                formatted = isFormatted(stateDirectory);
            }
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    // records carry block time as timestamp: time-based retention would delete a synthetic
                    // chain's 2023-dated events within minutes, and the 1 h future-timestamp limit would
                    // reject a fast synthetic chain once its block time passes the wall clock
                    .setConfigProp("log.retention.ms", "-1")
                    .setConfigProp("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                    .setDeleteOnClose(stateDirectory == null)
                    .build();
            try {
                if (!formatted) {
                    cluster.format();
                }
                LoopbackControllerSocket.release(cluster);
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception e) {
                closeQuietly(cluster, e);
                throw e;
            }
            return new EmbeddedKafkaBroker(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka broker did not start"
                    + (stateDirectory == null ? "" : " from state directory " + stateDirectory), e);
        }
    }

    private static boolean isFormatted(Path stateDirectory) throws java.io.IOException {
        try (var files = Files.walk(stateDirectory, 3)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("meta.properties"));
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Exception cause) {
        try {
            cluster.close();
        } catch (Exception suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Client properties with the bootstrap servers set. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing ones are left as they are. */
    public void createTopics(Collection<? extends Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            Map<String, ? extends java.util.concurrent.Future<Void>> results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics on " + bootstrapServers(), e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka broker did not shut down cleanly", e);
        }
    }
}
