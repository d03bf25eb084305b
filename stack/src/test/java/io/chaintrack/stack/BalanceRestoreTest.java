package io.chaintrack.stack;

import io.chaintrack.jobs.common.JobEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.synthetic.GroundTruth;
import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill-and-restore mid-stream: the balance job is stopped with a savepoint while blocks (with reorgs) are
 * still arriving, restarted from it, and the tables then equal the synthetic chain's ground truth — nothing
 * lost, nothing doubled.
 */
class BalanceRestoreTest {
    private static final SyntheticChainConfig CHAIN = SyntheticChainConfig.defaults()
            .withSeed(4242L).withBlockCount(240).withTransfersPerBlock(15).withAddresses(60)
            .withReorgs(0.08, 3).withBlocksPerSecond(40);
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @Test
    void restoredFromASavepointMidStreamTheTablesEqualGroundTruth(@TempDir Path savepoints) throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            // rows must show up within a fraction of the stream's 6 s for "stopped mid-stream" to be observable
            PostgresSinkOptions sinks = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password())
                    .withBatching(500, Duration.ofMillis(200));
            // one chain fills one of the topic's partitions: the others must count as idle quickly for windows to close
            BalanceJobConfig config = new BalanceJobConfig(List.of(WINDOW), Duration.ofDays(1), Duration.ofSeconds(1));

            StreamExecutionEnvironment ingest = StreamExecutionEnvironment.getExecutionEnvironment();
            ingest.setParallelism(1);
            JobEnvironment.configure(ingest, Duration.ofMillis(300), null);
            IngestJob.buildSynthetic(ingest, CHAIN, kafka.bootstrapServers());
            JobClient ingesting = ingest.executeAsync("restore-ingest");

            StreamExecutionEnvironment first = StreamExecutionEnvironment.getExecutionEnvironment();
            first.setParallelism(2);
            first.enableCheckpointing(300);
            BalanceJob.addToEnvironment(first, new KafkaInput(kafka.bootstrapServers(), "restore", false), sinks, config);
            JobClient running = first.executeAsync("restore-balances-1");
            long reached = awaitLastBlock(postgres, 60);
            String savepoint = running.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            long stoppedAt = lastBlock(postgres);
            ingesting.getJobExecutionResult().get(120, TimeUnit.SECONDS);
            assertThat(stoppedAt).as("stopped mid-stream").isBetween(reached, CHAIN.blockCount() - 1);
            assertThat(Files.list(savepoints).count()).isPositive();

            SyntheticChain chain = new SyntheticChain(CHAIN);
            GroundTruth truth = GroundTruth.track(chain);
            while (chain.hasNext()) {
                chain.next();
            }
            assertThat(truth.orphanedHashes()).isNotEmpty();
            Map<String, String> expected = asStrings(truth.balancesAt(truth.head()));

            // restored Kafka splits keep the unbounded run's (absent) stopping offsets, so the second run
            // follows the topic and is cancelled once the tables have caught up with the chain's head
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            StreamExecutionEnvironment second = StreamExecutionEnvironment.getExecutionEnvironment(restore);
            second.setParallelism(2);
            second.enableCheckpointing(300);
            BalanceJob.addToEnvironment(second, new KafkaInput(kafka.bootstrapServers(), "restore", false), sinks, config);
            JobClient resumed = second.executeAsync("restore-balances-2");
            try {
                awaitLastBlock(postgres, truth.head());
                long deadline = System.currentTimeMillis() + 30_000;
                while (!currentBalances(postgres).equals(expected) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                // windows close on the watermark, which moves once the empty partitions count as idle
                while (windowBalances(postgres).size() <= 50 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                resumed.cancel().get(30, TimeUnit.SECONDS);
            }
            assertThat(currentBalances(postgres)).isEqualTo(expected);
            Map<String, String> windows = windowBalances(postgres);
            assertThat(windows).as("windows emitted before the head").hasSizeGreaterThan(50);
            windows.forEach((k, balance) -> {
                String[] p = k.split("\\|");
                BalanceKey key = new BalanceKey(CHAIN.chainId(), p[0], new BigInteger(p[1]), p[2]);
                Instant end = Instant.ofEpochSecond(Long.parseLong(p[3]) + WINDOW.toSeconds());
                assertThat(balance).as("window %s", k).isEqualTo(truth.balanceAtTime(key, end).toString());
            });
            assertThat(scalar(postgres, "SELECT transfers FROM chain_totals WHERE chain_id = " + CHAIN.chainId()))
                    .isEqualTo(truth.canonicalTransfers().size());
            assertThat(scalar(postgres, "SELECT count(*) FROM transfers WHERE canonical"))
                    .isEqualTo(truth.canonicalTransfers().size());
        }
    }

    private static long awaitLastBlock(EmbeddedPostgresServer postgres, long atLeast) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        long last = 0;
        while (System.currentTimeMillis() < deadline) {
            last = lastBlock(postgres);
            if (last >= atLeast) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("balance job reached block " + last + ", expected " + atLeast);
    }

    private static long lastBlock(EmbeddedPostgresServer postgres) throws Exception {
        return scalar(postgres, "SELECT coalesce(max(last_block), 0) FROM chain_totals");
    }

    private static long scalar(EmbeddedPostgresServer postgres, String sql) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, String> currentBalances(EmbeddedPostgresServer postgres) throws Exception {
        return query(postgres, "SELECT token || '|' || token_id || '|' || address, balance::text FROM current_balances"
                + " WHERE balance <> 0");
    }

    private static Map<String, String> windowBalances(EmbeddedPostgresServer postgres) throws Exception {
        return query(postgres, "SELECT token || '|' || token_id || '|' || address || '|' || extract(epoch FROM window_start)::bigint,"
                + " balance::text FROM balance_windows WHERE transfers_in + transfers_out > 0");
    }

    private static Map<String, String> query(EmbeddedPostgresServer postgres, String sql) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static Map<String, String> asStrings(Map<BalanceKey, BigInteger> balances) {
        Map<String, String> out = new TreeMap<>();
        balances.forEach((k, v) -> out.put(k.token() + "|" + k.tokenId() + "|" + k.address(), v.toString()));
        return out;
    }
}
