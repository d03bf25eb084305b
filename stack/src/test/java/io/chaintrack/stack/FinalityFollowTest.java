package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Finality against a real node: ingest + balances follow a paced Hardhat chain (a block every 300 ms) with reorgs up to
 * 3 blocks deep, under 0 confirmations and a reorg depth of 4, and the API is read over REST at every block. Every block
 * the API ever served as final is still the node's block at that height at the end (no final block is reorged out),
 * while blocks that were reorged out were served (not final) on the way; at each block the newest 1 h window of every
 * holder equals the node's balance there (balanceOf / eth_getBalance) and, in the head's hour, is provisional.
 */
class FinalityFollowTest {
    private static final long CHAIN_ID = 31337;
    private static final int REORG_DEPTH = 4;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** block number -> hash, for every block the API served a transfer of as final. */
    private final Map<Long, String> servedFinal = new TreeMap<>();
    /** number:hash of every block the API served a transfer of. */
    private final Set<String> served = new HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private long highestFinalizedBlock = -1;

    @Test
    void noBlockServedAsFinalIsReorgedOutAndOpenWindowsAreTheNodesBalancesAtEachBlock() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            ChainScenario scenario = new ChainScenario(chain, 20261217L, 4);
            scenario.deploy();
            scenario.blocks(2, 3);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofSeconds(1), null);
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN_ID, "hardhat").endpoint(node.url()).startBlock(1)
                    .pollInterval(Duration.ofMillis(200)).reorgDepth(REORG_DEPTH).build(), kafka.bootstrapServers());
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "finality-balances", false),
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("finality-follow");
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                String base = "http://127.0.0.1:" + api.httpPort();
                for (int round = 0; round < 8; round++) {
                    // a fork: blocks that the API serves, then lose to a longer chain from the snapshot
                    ChainScenario.Snapshot snapshot = scenario.snapshot();
                    int depth = 1 + round % 3;
                    for (int i = 0; i < depth; i++) {
                        step(scenario, chain, base);
                    }
                    scenario.revert(snapshot);
                    for (int i = 0; i < depth + 2; i++) {
                        step(scenario, chain, base);
                    }
                }
                // the chain grows past the reorg depth so the last fork's blocks become final too
                for (int i = 0; i < REORG_DEPTH + 2; i++) {
                    step(scenario, chain, base);
                }
                long head = chain.blockNumber();
                Await.until(() -> {
                    observe(base);
                    return highestFinalizedBlock >= head - REORG_DEPTH;
                }, 30_000, () -> "finalizedBlock " + highestFinalizedBlock + ", expected head " + head + " - " + REORG_DEPTH);

                // the node's chain is now the truth: every block served as final must be on it
                List<String> orphanedFinal = new ArrayList<>();
                for (Map.Entry<Long, String> e : servedFinal.entrySet()) {
                    String nodeHash = chain.block(e.getKey()).getHash();
                    if (!nodeHash.equals(e.getValue())) {
                        orphanedFinal.add(e.getKey() + " " + e.getValue() + " (node " + nodeHash + ")");
                    }
                }
                long orphanedServed = served.stream().filter(s -> {
                    String[] p = s.split(":", 2);
                    try {
                        return !chain.block(Long.parseLong(p[0])).getHash().equals(p[1]);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).count();
                assertThat(orphanedFinal).as("blocks served as final that the node reorged out").isEmpty();
                assertThat(violations).as("answers that disagreed with the node or with themselves").isEmpty();
                assertThat(orphanedServed).as("reorged-out blocks the API served (not as final) on the way").isPositive();
                assertThat(servedFinal).as("blocks served as final").hasSizeGreaterThan(10);
                // exactly the reorg depth below the head: the follower can still revert anything above it
                assertThat(highestFinalizedBlock).isEqualTo(head - REORG_DEPTH);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** One paced block, then, once the API serves it, the answers checked against the node at that block. */
    private void step(ChainScenario scenario, HardhatChain chain, String base) throws Exception {
        scenario.block(1 + served.size() % 3);
        Thread.sleep(300);
        long head = chain.blockNumber();
        String hash = chain.block(head).getHash();
        Await.until(() -> {
            observe(base);
            return served.contains(head + ":" + hash) || transfersOfBlockServed(base, head, hash);
        }, 60_000, () -> "block " + head + " " + hash + " not served");
        List<String> last = new ArrayList<>();
        Await.until(() -> {
            last.clear();
            last.addAll(windowMismatches(chain, scenario, base, head));
            return last.isEmpty();
        }, 30_000, () -> "open windows at block " + head + ": " + last);
    }

    /** Whether the API serves the block as canonical (every paced block carries transfers). */
    private boolean transfersOfBlockServed(String base, long number, String hash) {
        JsonObject page = get(base + "/v1/chains/" + CHAIN_ID + "/transfers?from_block=" + number + "&to_block=" + number);
        for (JsonElement t : page.getAsJsonArray("transfers")) {
            if (t.getAsJsonObject().get("blockHash").getAsString().equals(hash)) {
                return true;
            }
        }
        return false;
    }

    /** Reads every transfer the API serves and records the blocks, final or not; a final block may never change hash. */
    private void observe(String base) {
        String cursor = "";
        do {
            JsonObject page = get(base + "/v1/chains/" + CHAIN_ID + "/transfers?limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            long finalizedBlock = page.get("finalizedBlock").isJsonNull() ? -1 : page.get("finalizedBlock").getAsLong();
            if (finalizedBlock < highestFinalizedBlock) {
                violations.add("finalizedBlock went back from " + highestFinalizedBlock + " to " + finalizedBlock);
            }
            highestFinalizedBlock = Math.max(highestFinalizedBlock, finalizedBlock);
            for (JsonElement e : page.getAsJsonArray("transfers")) {
                JsonObject t = e.getAsJsonObject();
                long number = t.get("blockNumber").getAsLong();
                String hash = t.get("blockHash").getAsString();
                served.add(number + ":" + hash);
                boolean fin = t.get("finalized").getAsBoolean();
                if (fin != (finalizedBlock >= 0 && number <= finalizedBlock)) {
                    violations.add("block " + number + " finalized=" + fin + " with finalizedBlock " + finalizedBlock);
                }
                if (fin) {
                    String before = servedFinal.putIfAbsent(number, hash);
                    if (before != null && !before.equals(hash)) {
                        violations.add("final block " + number + " served as " + before + " and later as " + hash);
                    }
                }
            }
            cursor = page.get("nextCursor").getAsString();
        } while (!cursor.isEmpty());
    }

    /**
     * The newest 1 h window of each holder (ERC-20 and native) served by the API against the node at {@code head}; in
     * the head's hour it must be provisional. Native balances are changes since block 0 (the follower starts at 1).
     */
    private List<String> windowMismatches(HardhatChain chain, ChainScenario s, String base, long head) throws Exception {
        List<String> out = new ArrayList<>();
        long hour = chain.block(head).getTimestamp().longValueExact() / 3600 * 3600;
        for (String holder : s.holders()) {
            List<BigInteger> node = chain.readAll(List.of(
                    new HardhatChain.Read(s.erc20(), call("balanceOf", addr(holder)), head),
                    new HardhatChain.Read(holder, null, head), new HardhatChain.Read(holder, null, 0)));
            Map<String, BigInteger> expected = new HashMap<>();
            expected.put(s.erc20().toLowerCase(), node.get(0));
            expected.put(Addresses.NATIVE, node.get(1).subtract(node.get(2)));
            for (Map.Entry<String, BigInteger> e : expected.entrySet()) {
                if (e.getValue().signum() == 0) {
                    continue;
                }
                JsonObject history = get(base + "/v1/chains/" + CHAIN_ID + "/addresses/" + holder.toLowerCase() + "/tokens/"
                        + e.getKey() + "/history");
                JsonArray windows = history.getAsJsonArray("windows");
                if (windows.isEmpty()) {
                    out.add(holder + " " + e.getKey() + ": no window, node " + e.getValue());
                    continue;
                }
                JsonObject newest = windows.get(windows.size() - 1).getAsJsonObject();
                String balance = newest.get("balance").getAsString();
                if (!new BigInteger(balance).equals(e.getValue())) {
                    out.add(holder + " " + e.getKey() + ": window " + balance + ", node " + e.getValue() + " at " + head);
                }
                long start = Instant.parse(newest.get("windowStart").getAsString()).getEpochSecond();
                if (start == hour && !newest.get("provisional").getAsBoolean()) {
                    out.add(holder + " " + e.getKey() + ": the head's window is not provisional");
                }
                if (newest.get("provisional").getAsBoolean() && newest.get("finalized").getAsBoolean()) {
                    out.add(holder + " " + e.getKey() + ": a provisional window marked finalized");
                }
            }
        }
        return out;
    }

    private JsonObject get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError(url + " answered " + r.statusCode() + ": " + r.body());
            }
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
