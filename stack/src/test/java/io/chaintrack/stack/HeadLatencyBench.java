package io.chaintrack.stack;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.Topic;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Head latency benchmark (scripts/bench-head-latency.sh; not part of the test suite: runs only with -Dbench.head=true).
 * A Hardhat node mines a block every bench.block-ms (300) with 1-3 ERC-20/721/1155/ETH transactions and a reorg
 * (evm_snapshot, 3 blocks, evm_revert, new blocks) every 40 blocks, while IngestJob (EVM source) → Kafka → BalanceJob →
 * PostgreSQL run as the one-command stack configures them (one local environment, 5 s checkpoints, 250 ms head poll,
 * default sink batching), once per mode of bench.modes (default "subscription,polling": new heads by the newHeads
 * WebSocket subscription, then by polling alone), each on a fresh node, broker and database. Per block: wall time
 * when evm_mine returned → first time a consumer of the chain-events topic sees its APPLIED event (stage 1: head
 * detection, fetch, Kafka write) → first time PostgreSQL shows its transfers (by block hash) and current_balances
 * stamped at its number or later, polled every 5 ms (stage 2: balance job and sinks).
 */
class HeadLatencyBench {
    private static final long CHAIN_ID = 31337;

    private record Mined(long number, String hash, long minedNanos) {}

    /** One mode's samples in ms: mined → in Kafka, mined → served. */
    private record Result(String mode, int blocks, int reverted, List<Double> kafka, List<Double> served,
                          double notifications, double subscriptionPolls, double timerPolls) {}

    @Test
    void blockMinedToBalancesServed() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench.head"), "benchmark: run with -Dbench.head=true");
        int blocks = Integer.getInteger("bench.blocks", 200);
        long blockMs = Long.getLong("bench.block-ms", 300);
        String label = System.getProperty("bench.label", "run");
        List<Result> results = new ArrayList<>();
        for (String mode : System.getProperty("bench.modes", "subscription,polling").split(",")) {
            results.add(run(mode.trim(), blocks, blockMs));
        }
        report(label, blocks, blockMs, results);
    }

    private Result run(String mode, int blocks, long blockMs) throws Exception {
        if (!mode.equals("subscription") && !mode.equals("polling")) {
            throw new IllegalArgumentException("bench.modes: subscription or polling, was " + mode);
        }
        String chainName = "hardhat-" + mode;
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            ChainScenario scenario = new ChainScenario(chain, 20261207L, 6);
            scenario.deploy();
            scenario.blocks(3, 3);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofSeconds(5), null);
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN_ID, chainName)
                    .endpoint(node.url()).startBlock(1).pollInterval(Duration.ofMillis(250))
                    .headSubscription(mode.equals("subscription")).build(), kafka.bootstrapServers());
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "bench-balances", false),
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("head-latency-bench-" + mode);
            Map<String, Long> seen = new ConcurrentHashMap<>();
            Map<String, Long> inKafka = new ConcurrentHashMap<>();
            List<Mined> mined = new ArrayList<>();
            int reverted = 0;
            EvmMetrics metrics = EvmMetrics.on(PrometheusRegistry.defaultRegistry);
            double notifications0;
            double subscriptionPolls0;
            double timerPolls0;
            Thread consumer = new Thread(() -> consume(kafka.bootstrapServers(), inKafka), "bench-kafka");
            consumer.setDaemon(true);
            consumer.start();
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
                long start = chain.blockNumber();
                awaitVisible(db, chain.block(start).getHash(), start, 120_000);
                notifications0 = metrics.headNotifications.labelValues(chainName).get();
                subscriptionPolls0 = metrics.headPolls.labelValues(chainName, "subscription").get();
                timerPolls0 = metrics.headPolls.labelValues(chainName, "timer").get();
                Thread poller = new Thread(() -> poll(db, mined, seen), "bench-poller");
                poller.setDaemon(true);
                poller.start();
                long next = System.nanoTime();
                ChainScenario.Snapshot snapshot = null;
                int sinceSnapshot = 0;
                for (int i = 0; i < blocks; i++) {
                    next += blockMs * 1_000_000L;
                    if (i % 40 == 20) {
                        snapshot = scenario.snapshot();
                        sinceSnapshot = 0;
                    }
                    if (snapshot != null && sinceSnapshot == 3) {
                        scenario.revert(snapshot);
                        snapshot = null;
                        reverted += 3;
                    }
                    scenario.block(1 + (i % 3));
                    long minedAt = System.nanoTime();
                    long n = chain.blockNumber();
                    synchronized (mined) {
                        mined.add(new Mined(n, chain.block(n).getHash(), minedAt));
                    }
                    sinceSnapshot++;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                }
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline && !allSeen(mined, seen, chain)) {
                    Thread.sleep(100);
                }
                poller.interrupt();
                poller.join(5_000);
            } finally {
                consumer.interrupt();
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            consumer.join(10_000);
            List<Double> kafkaMs = new ArrayList<>();
            List<Double> servedMs = new ArrayList<>();
            for (Mined m : mined) {
                Long k = inKafka.get(m.hash);
                Long t = seen.get(m.hash);
                if (t != null) {
                    servedMs.add((t - m.minedNanos) / 1e6);
                }
                if (k != null && t != null) {
                    kafkaMs.add((k - m.minedNanos) / 1e6);
                }
            }
            return new Result(mode, blocks, reverted, kafkaMs, servedMs,
                    metrics.headNotifications.labelValues(chainName).get() - notifications0,
                    metrics.headPolls.labelValues(chainName, "subscription").get() - subscriptionPolls0,
                    metrics.headPolls.labelValues(chainName, "timer").get() - timerPolls0);
        }
    }

    /** First time each block's APPLIED event is readable in the chain-events topic. */
    private static void consume(String bootstrap, Map<String, Long> inKafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-head-latency");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        Topic<Long, ChainEvent> topic = TopicCatalog.CHAIN_EVENTS;
        try (KafkaConsumer<Long, ChainEvent> c = new KafkaConsumer<>(props, topic.keyDeserializer(), topic.valueDeserializer())) {
            c.subscribe(List.of(topic.name()));
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<Long, ChainEvent> r : c.poll(Duration.ofMillis(50))) {
                    if (r.value() != null && r.value().getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
                        inKafka.putIfAbsent(r.value().getBlock().getHash(), System.nanoTime());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every block still canonical on the node was seen. */
    private static boolean allSeen(List<Mined> mined, Map<String, Long> seen, HardhatChain chain) throws Exception {
        synchronized (mined) {
            for (Mined m : mined) {
                if (!seen.containsKey(m.hash) && chain.block(m.number).getHash().equals(m.hash)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void poll(Connection db, List<Mined> mined, Map<String, Long> seen) {
        try (PreparedStatement hashes = db.prepareStatement(
                "SELECT DISTINCT block_hash FROM transfers WHERE chain_id = ? AND block_number >= ?");
             PreparedStatement balances = db.prepareStatement(
                     "SELECT coalesce(max(block_number), -1) FROM current_balances WHERE chain_id = ?")) {
            while (!Thread.currentThread().isInterrupted()) {
                List<Mined> pending = new ArrayList<>();
                synchronized (mined) {
                    for (Mined m : mined) {
                        if (!seen.containsKey(m.hash)) {
                            pending.add(m);
                        }
                    }
                }
                if (!pending.isEmpty()) {
                    long low = pending.stream().mapToLong(Mined::number).min().orElseThrow();
                    Set<String> visible = new HashSet<>();
                    hashes.setLong(1, CHAIN_ID);
                    hashes.setLong(2, low);
                    try (ResultSet rs = hashes.executeQuery()) {
                        while (rs.next()) {
                            visible.add(rs.getString(1));
                        }
                    }
                    balances.setLong(1, CHAIN_ID);
                    long balancesAt;
                    try (ResultSet rs = balances.executeQuery()) {
                        rs.next();
                        balancesAt = rs.getLong(1);
                    }
                    long now = System.nanoTime();
                    for (Mined m : pending) {
                        if (visible.contains(m.hash) && balancesAt >= m.number) {
                            seen.put(m.hash, now);
                        }
                    }
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private static void awaitVisible(Connection db, String hash, long number, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT 1 FROM transfers WHERE block_hash = ? AND (SELECT max(block_number) FROM current_balances) >= ?")) {
            while (System.currentTimeMillis() < deadline) {
                ps.setString(1, hash);
                ps.setLong(2, number);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                } catch (java.sql.SQLException e) {
                    // tables not migrated yet
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("block " + number + " " + hash + " not indexed in " + timeoutMs + " ms");
    }

    private static void report(String label, int blocks, long blockMs, List<Result> results) throws Exception {
        StringBuilder lines = new StringBuilder();
        StringBuilder samples = new StringBuilder();
        for (Result r : results) {
            r.served.sort(Double::compare);
            r.kafka.sort(Double::compare);
            String line = String.format(Locale.ROOT,
                    "%s %s %s: %d blocks every %d ms (%d in reorged-out branches), %d measured: served p50 %.0f ms,"
                            + " p95 %.0f ms, max %.0f ms; in Kafka p50 %.0f ms, p95 %.0f ms, max %.0f ms;"
                            + " newHeads notifications %.0f, head polls by subscription %.0f, by timer %.0f",
                    Instant.now(), label, r.mode, blocks, blockMs, r.reverted, r.served.size(), pct(r.served, 0.50),
                    pct(r.served, 0.95), max(r.served), pct(r.kafka, 0.50), pct(r.kafka, 0.95), max(r.kafka),
                    r.notifications, r.subscriptionPolls, r.timerPolls);
            System.out.println("HEAD-LATENCY " + line);
            lines.append(line).append('\n');
            samples.append("# ").append(r.mode).append(": served ms, then in-Kafka ms\n");
            r.served.forEach(v -> samples.append(String.format(Locale.ROOT, "%.1f%n", v)));
            samples.append("#\n");
            r.kafka.forEach(v -> samples.append(String.format(Locale.ROOT, "%.1f%n", v)));
        }
        if (results.size() == 2) {
            Result a = results.get(0);
            Result b = results.get(1);
            String ratio = String.format(Locale.ROOT, "ratio %s/%s: served p50 %.2f, p95 %.2f; in Kafka p50 %.2f, p95 %.2f",
                    a.mode, b.mode, pct(a.served, 0.5) / pct(b.served, 0.5), pct(a.served, 0.95) / pct(b.served, 0.95),
                    pct(a.kafka, 0.5) / pct(b.kafka, 0.5), pct(a.kafka, 0.95) / pct(b.kafka, 0.95));
            System.out.println("HEAD-LATENCY " + ratio);
            lines.append(ratio).append('\n');
        }
        Path out = Path.of("target", "head-latency-" + label + ".txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, lines.toString() + samples);
    }

    private static double max(List<Double> sorted) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
