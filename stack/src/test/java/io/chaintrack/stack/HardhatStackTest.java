package io.chaintrack.stack;

import io.chaintrack.jobs.common.JobEnvironment;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.api.QueryApi;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.ChainScenario;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesResponse;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The stack's --rpc-url path on real parts: a Hardhat node with ERC-20/721/1155 and ETH activity and reorgs,
 * IngestJob (EVM source, hardhat preset from block 0) → Kafka → BalanceJob → PostgreSQL → REST; served balances,
 * native ones absolute (genesis prefunding included), equal the node's own.
 */
class HardhatStackTest {
    private static final long HARDHAT_CHAIN_ID = 31337;

    @Test
    void followsHardhatThroughReorgsAndServesTheNodesBalances() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain chain = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            ChainScenario scenario = new ChainScenario(chain, 20261122L, 5);
            scenario.deploy();
            scenario.blocks(8, 4);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofMillis(400), null);
            // with the tables: the ingest job also looks token metadata up (and reports consumer lag) as in the stack
            IngestJob.buildEvm(env, EvmChainConfig.builder(HARDHAT_CHAIN_ID, "hardhat")
                    .preset(ChainPresets.HARDHAT).endpoint(node.url()).startBlock(0).pollInterval(Duration.ofMillis(150)).reorgDepth(12)
                    .build(), kafka.bootstrapServers(), PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()));
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "hardhat-balances", false),
                    PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password())
                            .withBatching(100, Duration.ofMillis(50)),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("hardhat-stack");
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                awaitIndexed(chain, api);
                int reorgs = 0;
                for (int[] round : new int[][] {{3, 4}, {2, 3}}) {
                    ChainScenario.Snapshot snapshot = scenario.snapshot();
                    scenario.blocks(round[0], 4);
                    awaitIndexed(chain, api);
                    scenario.revert(snapshot);
                    scenario.blocks(round[1], 4);
                    awaitIndexed(chain, api);
                    reorgs++;
                }
                assertThat(reorgs).isEqualTo(2);
                // tables are written by separate sinks, each flushing on its own batch interval: the block row
                // can land a flush before the balance rows of that block, so wait for the balances to settle
                List<List<String>> last = new ArrayList<>(List.of(List.of()));
                try {
                    Await.until(() -> {
                        last.set(0, mismatches(chain, scenario, api));
                        return last.get(0).isEmpty();
                    }, 20_000, () -> "mismatches " + last.get(0));
                } catch (AssertionError e) {
                    // fall through to the assertion below, which names every mismatch
                }
                assertThat(last.get(0)).as("API balances vs the node's").isEmpty();
                // the ERC-20's metadata, read by the pipeline from the contract, served with the balances
                List<BalanceView> metadata = new ArrayList<>();
                Await.until(() -> {
                    metadata.clear();
                    for (String holder : scenario.holders()) {
                        GetBalancesResponse.Builder r = GetBalancesResponse.newBuilder();
                        JsonFormat.parser().merge(get(api, "/v1/chains/" + HARDHAT_CHAIN_ID + "/addresses/" + holder + "/balances"), r);
                        r.getBalancesList().stream().filter(b -> b.getToken().equals(scenario.erc20().toLowerCase())
                                && b.getSymbol().equals("CTT")).forEach(metadata::add);
                    }
                    return !metadata.isEmpty();
                }, 30_000, () -> "ERC-20 metadata served for " + scenario.erc20());
                assertThat(metadata.get(0).getName()).isEqualTo("Chaintrack Test Token");
                assertThat(metadata.get(0).getDecimals()).isEqualTo(18);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Every balance the API serves for the scenario's holders against balanceOf / eth_getBalance at the head. */
    private List<String> mismatches(HardhatChain chain, ChainScenario s, QueryApi api) throws Exception {
        long head = chain.blockNumber();
        List<String> out = new ArrayList<>();
        for (String holder : s.holders()) {
            Map<String, BigInteger> served = balances(api, holder);
            List<HardhatChain.Read> reads = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            reads.add(new HardhatChain.Read(s.erc20(), call("balanceOf", addr(holder)), head));
            keys.add(s.erc20() + "#0");
            reads.add(new HardhatChain.Read(s.erc721(), call("balanceOf", addr(holder)), head));
            keys.add(s.erc721() + "#0");
            for (BigInteger id : s.multiIds()) {
                reads.add(new HardhatChain.Read(s.erc1155(), call("balanceOf", addr(holder), u(id)), head));
                keys.add(s.erc1155() + "#" + id);
            }
            // the hardhat preset credits the prefunded balances in block 0: the API's native balance is absolute
            reads.add(new HardhatChain.Read(holder, null, head));
            keys.add(Addresses.NATIVE + "#0");
            List<BigInteger> values = chain.readAll(reads);
            for (int i = 0; i < keys.size(); i++) {
                BigInteger expected = values.get(i);
                BigInteger actual = served.getOrDefault(keys.get(i).toLowerCase(), BigInteger.ZERO);
                if (!expected.equals(actual)) {
                    out.add(holder + " " + keys.get(i) + ": node " + expected + ", API " + actual);
                }
            }
        }
        return out;
    }

    private Map<String, BigInteger> balances(QueryApi api, String holder) throws Exception {
        GetBalancesResponse.Builder response = GetBalancesResponse.newBuilder();
        JsonFormat.parser().merge(get(api, "/v1/chains/" + HARDHAT_CHAIN_ID + "/addresses/" + holder + "/balances"), response);
        Map<String, BigInteger> out = new TreeMap<>();
        for (BalanceView b : response.getBalancesList()) {
            out.put(b.getToken() + "#" + (b.getTokenId().isEmpty() ? "0" : b.getTokenId()), new BigInteger(b.getBalance()));
        }
        return out;
    }

    /** Waits until the API's latest indexed block is the node's head, hash included. */
    private static void awaitIndexed(HardhatChain chain, QueryApi api) throws Exception {
        long head = chain.blockNumber();
        new ApiProbe(api).awaitIndexed(HARDHAT_CHAIN_ID, head, chain.block(head).getHash());
    }

    private static String get(QueryApi api, String path) throws Exception {
        return new ApiProbe(api).get(path);
    }
}
