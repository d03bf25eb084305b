package io.chaintrack.jobs.analytics.bench;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.jobs.analytics.AnalyticsConfig;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Benchmark, not a test (scripts/bench-pipeline.sh): preloads N synthetic transfers into an in-process
 * Kafka topic, then runs the balance and analytics jobs (or one of them) bounded, with checkpointing, in a
 * local MiniCluster into embedded PostgreSQL, and prints one markdown table row per run:
 * parallelism, jobs, transfers, seconds, transfers/s, rows written per transfer, peak heap and peak RSS.
 * Args: transfers parallelism jobs(both|analytics|balances) chains checkpointSeconds
 */
public final class PipelineBenchmark {
    public static void main(String[] args) throws Exception {
        long transfers = Long.parseLong(args[0]);
        int parallelism = Integer.parseInt(args[1]);
        String jobs = args[2];
        int chains = Integer.parseInt(args[3]);
        int checkpointSeconds = Integer.parseInt(args[4]);
        int perBlock = 100;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(Files.createTempDirectory("bench-kafka"));
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            kafka.createTopics(TopicCatalog.all());
            long[] counts = preload(kafka, chains, transfers / chains / perBlock, perBlock);

            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 16);
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
            // state is larger than the JobManager's in-memory checkpoint limit: checkpoints go to files
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    Files.createTempDirectory("bench-checkpoints").toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            env.enableCheckpointing(Duration.ofSeconds(checkpointSeconds).toMillis(), CheckpointingMode.EXACTLY_ONCE);
            if (!jobs.equals("analytics")) {
                BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "bench-balances", true),
                        PostgresSinkOptions.of(pg.jdbcUrl(), pg.user(), pg.password()), BalanceJobConfig.defaults());
            }
            if (!jobs.equals("balances")) {
                AnalyticsJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "bench-analytics", true),
                        PostgresSinkOptions.of(pg.jdbcUrl(), pg.user(), pg.password()), AnalyticsConfig.defaults(), 5000);
            }
            double jvmCpu0 = jvmCpuSeconds();
            double pgCpu0 = PostgresCpu.seconds(pg);
            long t0 = System.nanoTime();
            env.execute("bench-" + jobs + "-p" + parallelism);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double jvmCpu = jvmCpuSeconds() - jvmCpu0;
            double pgCpu = PostgresCpu.seconds(pg) - pgCpu0;
            Thread.sleep(1500); // let PostgreSQL publish its table statistics
            long rows = rowsWritten(pg);
            // CPU seconds do not depend on what else the shared machine runs: transfers per CPU-second x cores bounds the rate
            System.out.printf(Locale.ROOT, "| %d | %s | %,d | %,d | %.1f | %,.0f | %.3f | %d | %d | %.0f | %.0f | %,.0f |%n",
                    parallelism, jobs, counts[0], counts[1], seconds, counts[0] / seconds, (double) rows / counts[0],
                    peakHeapMiB(), peakRssMiB(), jvmCpu, pgCpu, counts[0] / (jvmCpu + pgCpu));
        }
        System.exit(0);
    }

    /** Produces every chain's events, interleaved block by block; returns {applied transfers, events}. */
    static long[] preload(EmbeddedKafkaBroker kafka, int chains, long blocksPerChain, int perBlock) {
        Properties p = kafka.clientProperties();
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "10485760");
        long transfers = 0;
        long events = 0;
        try (KafkaProducer<Long, ChainEvent> producer = new KafkaProducer<>(p,
                TopicCatalog.CHAIN_EVENTS.keySerializer(), TopicCatalog.CHAIN_EVENTS.valueSerializer())) {
            SyntheticChain[] gens = new SyntheticChain[chains];
            for (int c = 0; c < chains; c++) {
                SyntheticChainConfig d = SyntheticChainConfig.defaults();
                gens[c] = new SyntheticChain(new SyntheticChainConfig(d.chainId() + c, 7 + c, d.genesisTime(),
                        d.blockIntervalSeconds(), 0, perBlock, 100_000, d.zipfExponent(), d.erc20Tokens(), d.erc721Tokens(),
                        d.erc1155Tokens(), d.erc1155IdsPerToken(), true, d.reorgProbability(), d.maxReorgDepth(), blocksPerChain));
            }
            boolean more = true;
            while (more) {
                more = false;
                for (int c = 0; c < chains; c++) {
                    if (gens[c].hasNext()) {
                        more = true;
                        ChainEvent e = gens[c].next();
                        if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
                            transfers += e.getTransfersCount();
                        }
                        events++;
                        producer.send(new ProducerRecord<>(TopicCatalog.CHAIN_EVENTS.name(), e.getBlock().getChainId(), e));
                    }
                }
            }
            producer.flush();
        }
        return new long[] {transfers, events};
    }

    static long rowsWritten(EmbeddedPostgresServer pg) throws Exception {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet t = s.executeQuery("SELECT current_setting('track_counts'), (SELECT sum(n_live_tup) FROM pg_stat_all_tables WHERE schemaname = 'public')")) {
            t.next();
            System.err.println("track_counts=" + t.getString(1) + " live rows=" + t.getString(2));
        }
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet t = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd FROM pg_stat_all_tables "
                     + "WHERE schemaname = 'public' AND n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_ins + n_tup_upd DESC")) {
            while (t.next()) {
                System.err.printf(Locale.ROOT, "rows written %s: %,d inserted, %,d updated%n", t.getString(1), t.getLong(2), t.getLong(3));
            }
        }
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_all_tables WHERE schemaname = 'public'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    static long peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        return -1;
    }
}
