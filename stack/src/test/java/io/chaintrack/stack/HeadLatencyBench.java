package io.chaintrack.stack;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Head latency benchmark (scripts/bench-head-latency.sh; not part of the test suite: runs only with -Dbench.head=true).
 * A Hardhat node mines a block every bench.block-ms (300) with 1-3 ERC-20/721/1155/ETH transactions and a reorg
 * (evm_snapshot, 3 blocks, evm_revert, new blocks) every 40 blocks, while IngestJob (EVM source) → Kafka → BalanceJob →
 * PostgreSQL run as the one-command stack configures them (one local environment, 5 s checkpoints, 1 s head poll,
 * default sink batching). Per block: wall time when evm_mine returned → first time PostgreSQL shows its transfers
 * (by block hash) and current_balances stamped at its number or later, polled every 5 ms.
 */
class HeadLatencyBench {
    private static final long CHAIN_ID = 31337;

    private record Mined(long number, String hash, long minedNanos) {}

    @Test
    void blockMinedToBalancesServed() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench.head"), "benchmark: run with -Dbench.head=true");
        int blocks = Integer.getInteger("bench.blocks", 200);
        long blockMs = Long.getLong("bench.block-ms", 300);
        String label = System.getProperty("bench.label", "run");
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
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN_ID, "hardhat")
                    .endpoint(node.url()).startBlock(1).pollInterval(Duration.ofSeconds(1)).build(), kafka.bootstrapServers());
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "bench-balances", false),
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("head-latency-bench");
            Map<String, Long> seen = new ConcurrentHashMap<>();
            List<Mined> mined = new ArrayList<>();
            int reverted = 0;
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
                long start = chain.blockNumber();
                awaitVisible(db, chain.block(start).getHash(), start, 120_000);
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
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            report(label, blocks, blockMs, mined, seen, reverted);
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

    private static void report(String label, int blocks, long blockMs, List<Mined> mined, Map<String, Long> seen,
                               int reverted) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (Mined m : mined) {
            Long t = seen.get(m.hash);
            if (t != null) {
                ms.add((t - m.minedNanos) / 1e6);
            }
        }
        ms.sort(Double::compare);
        String line = String.format(Locale.ROOT,
                "%s %s: %d blocks every %d ms (%d in reorged-out branches), %d measured: p50 %.0f ms, p95 %.0f ms, max %.0f ms",
                Instant.now(), label, blocks, blockMs, reverted, ms.size(), pct(ms, 0.50), pct(ms, 0.95),
                ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1));
        System.out.println("HEAD-LATENCY " + line);
        Path out = Path.of("target", "head-latency-" + label + ".txt");
        Files.createDirectories(out.getParent());
        StringBuilder all = new StringBuilder(line).append('\n');
        ms.forEach(v -> all.append(String.format(Locale.ROOT, "%.1f%n", v)));
        Files.writeString(out, all);
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
