package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.testkit.Await;
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
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once ingest while following a paced Hardhat chain with reorgs: the job (ingest + balances in one environment,
 * as in the stack) is cancelled without a savepoint mid-stream and restarted from its retained checkpoint, so the ingest
 * writes again what it wrote since that checkpoint. Current balances, and the open (provisional) 1 h windows, then equal
 * the node's balances at the head: nothing lost, nothing doubled, no orphaned block left applied.
 */
class HeadRestartTest {
    private static final long CHAIN_ID = 31337;

    @TempDir
    Path checkpoints;

    @Test
    void cancelledWithoutSavepointAndRestartedFromTheCheckpointGivesTheNodesBalances() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
             Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            kafka.createTopics(TopicCatalog.all());
            ChainScenario scenario = new ChainScenario(chain, 20261207L, 5);
            scenario.deploy();
            scenario.blocks(3, 3);

            JobClient first = start(node, kafka, postgres, null);
            paced(scenario, 12);
            awaitIndexed(chain, db);
            paced(scenario, 6);
            Path checkpoint = awaitCheckpoint();
            // more blocks and a reorg after the checkpoint: the restarted ingest writes them again
            ChainScenario.Snapshot snapshot = scenario.snapshot();
            paced(scenario, 3);
            awaitIndexed(chain, db);
            scenario.revert(snapshot);
            paced(scenario, 4);
            Thread.sleep(500);
            first.cancel().get(30, TimeUnit.SECONDS);

            paced(scenario, 4);
            JobClient second = start(node, kafka, postgres, latestCheckpoint().orElse(checkpoint));
            try {
                ChainScenario.Snapshot again = scenario.snapshot();
                paced(scenario, 2);
                scenario.revert(again);
                // block by block at head: once a block is indexed, balances and open windows are the node's at it
                for (int i = 0; i < 5; i++) {
                    paced(scenario, 1);
                    awaitIndexed(chain, db);
                    List<String> atBlock = new ArrayList<>();
                    Await.until(() -> {
                        atBlock.clear();
                        atBlock.addAll(mismatches(chain, scenario, db));
                        return atBlock.isEmpty();
                    }, 20_000, () -> "at block " + atBlock);
                }
                awaitIndexed(chain, db);
                assertThat(orphansServedAsCanonical(chain, db)).as("blocks canonical in the tables but not on the node").isEmpty();
                List<String> last = new ArrayList<>(List.of("not compared"));
                try {
                    Await.until(() -> {
                        last.clear();
                        last.addAll(mismatches(chain, scenario, db));
                        return last.isEmpty();
                    }, 20_000, () -> "mismatches " + last);
                } catch (AssertionError e) {
                    // the assertion below names them
                }
                assertThat(last).as("current balances and open windows against the node").isEmpty();
            } finally {
                second.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private JobClient start(HardhatNode node, EmbeddedKafkaBroker kafka, EmbeddedPostgresServer postgres, Path restore)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        if (restore != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        JobEnvironment.configure(env, Duration.ofMillis(700), null);
        IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN_ID, "hardhat")
                .endpoint(node.url()).startBlock(1).pollInterval(Duration.ofMillis(500)).reorgDepth(12).build(),
                kafka.bootstrapServers());
        BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "restart-balances", false),
                PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
        return env.executeAsync("head-restart");
    }

    private static void paced(ChainScenario scenario, int blocks) throws Exception {
        for (int i = 0; i < blocks; i++) {
            scenario.block(1 + i % 3);
            Thread.sleep(300);
        }
    }

    private Path awaitCheckpoint() throws Exception {
        Await.until(() -> latestCheckpoint().isPresent(), 60_000, () -> "no checkpoint in " + checkpoints);
        return latestCheckpoint().orElseThrow();
    }

    private java.util.Optional<Path> latestCheckpoint() throws Exception {
        try (Stream<Path> walk = Files.walk(checkpoints)) {
            return walk.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
        }
    }

    /** Waits until the node's head block is in the tables as canonical, with balances stamped at it. */
    private static void awaitIndexed(HardhatChain chain, Connection db) throws Exception {
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        Await.until(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM blocks WHERE block_hash = ? AND canonical"
                    + " AND (SELECT max(block_number) FROM current_balances) >= ?")) {
                ps.setString(1, hash);
                ps.setLong(2, head);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (java.sql.SQLException e) {
                return false;
            }
        }, 90_000, () -> "head " + head + " " + hash + " not indexed");
    }

    /** Blocks (and transfers) the tables call canonical whose hash is not the node's at that height. */
    private static List<String> orphansServedAsCanonical(HardhatChain chain, Connection db) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT block_number, block_hash FROM blocks WHERE chain_id = ? AND canonical"
                + " UNION SELECT block_number, block_hash FROM transfers WHERE chain_id = ? AND canonical")) {
            ps.setLong(1, CHAIN_ID);
            ps.setLong(2, CHAIN_ID);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String nodeHash = chain.block(rs.getLong(1)).getHash();
                    if (!nodeHash.equals(rs.getString(2))) {
                        out.add(rs.getLong(1) + " " + rs.getString(2) + " (node " + nodeHash + ")");
                    }
                }
            }
        }
        return out;
    }

    /** ERC-20 and native balances of every holder: current_balances and the open 1 h window against the node at head. */
    private static List<String> mismatches(HardhatChain chain, ChainScenario s, Connection db) throws Exception {
        long head = chain.blockNumber();
        List<String> out = new ArrayList<>();
        for (String holder : s.holders()) {
            List<BigInteger> node = chain.readAll(List.of(
                    new HardhatChain.Read(s.erc20(), call("balanceOf", addr(holder)), head),
                    new HardhatChain.Read(holder, null, head), new HardhatChain.Read(holder, null, 0)));
            BigInteger nativeChange = node.get(1).subtract(node.get(2));
            long hour = chain.block(head).getTimestamp().longValueExact() / 3600 * 3600;
            compare(out, holder + " erc20", node.get(0), db, holder, s.erc20().toLowerCase(), hour);
            compare(out, holder + " native", nativeChange, db, holder, io.chaintrack.core.model.Addresses.NATIVE, hour);
        }
        return out;
    }

    private static void compare(List<String> out, String what, BigInteger expected, Connection db, String holder,
                                String token, long headHourSeconds) throws Exception {
        BigInteger current = one(db, "SELECT balance FROM current_balances WHERE chain_id = ? AND address = ? AND token = ?",
                holder, token);
        BigInteger window = one(db, "SELECT balance FROM balance_windows WHERE chain_id = ? AND address = ? AND token = ?"
                + " AND window_seconds = 3600 ORDER BY window_start DESC LIMIT 1", holder, token);
        Long newestStart = one(db, "SELECT extract(epoch FROM window_start)::bigint FROM balance_windows WHERE chain_id = ?"
                + " AND address = ? AND token = ? AND window_seconds = 3600 ORDER BY window_start DESC LIMIT 1", holder, token)
                .longValueExact();
        Boolean provisional = newestStart == headHourSeconds ? flag(db, holder, token) : Boolean.TRUE;
        if (!expected.equals(current)) {
            out.add(what + ": node " + expected + ", current_balances " + current);
        }
        if (expected.signum() != 0 && !expected.equals(window)) {
            out.add(what + ": node " + expected + ", newest 1 h window " + window);
        }
        if (expected.signum() != 0 && !Boolean.TRUE.equals(provisional)) {
            out.add(what + ": the newest 1 h window is not provisional");
        }
    }

    private static BigInteger one(Connection db, String sql, String holder, String token) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setLong(1, CHAIN_ID);
            ps.setString(2, holder.toLowerCase());
            ps.setString(3, token);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new java.math.BigDecimal(rs.getString(1)).toBigIntegerExact() : BigInteger.ZERO;
            }
        }
    }

    private static Boolean flag(Connection db, String holder, String token) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("SELECT provisional FROM balance_windows WHERE chain_id = ?"
                + " AND address = ? AND token = ? AND window_seconds = 3600 ORDER BY window_start DESC LIMIT 1")) {
            ps.setLong(1, CHAIN_ID);
            ps.setString(2, holder.toLowerCase());
            ps.setString(3, token);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }
}
