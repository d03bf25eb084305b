package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.api.QueryApi;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.utxo.synthetic.BitcoinRpcServer;
import io.chaintrack.connectors.utxo.synthetic.SyntheticUtxoChain;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

/**
 * A UTXO chain end to end: the synthetic Bitcoin-regtest chain served in Bitcoin Core's formats, followed through
 * live reorgs by the ingest job (bitcoin-regtest preset) → Kafka → balance job → PostgreSQL → API. Every address's
 * balance at every block, over REST and gRPC, equals the chain's UTXO set at that block (its own ground truth).
 */
class UtxoStackTest {
    private static final long CHAIN = UtxoNetwork.BITCOIN_REGTEST.chainId();

    @Test
    void everyBalanceAtEveryBlockEqualsTheUtxoSetOverRestAndGrpc() throws Exception {
        SyntheticUtxoChain chain = new SyntheticUtxoChain(2026, UtxoNetwork.BITCOIN_REGTEST, 10, 4);
        for (int i = 0; i < 10; i++) {
            chain.mine();
        }
        try (BitcoinRpcServer node = new BitcoinRpcServer(chain, 3);
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(TopicCatalog.all());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofMillis(400), null);
            PostgresSinkOptions tables = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN, "bitcoin-regtest").preset(ChainPresets.resolve("bitcoin-regtest"))
                    .endpoint(node.url()).startBlock(0).finality(FinalityPolicy.confirmations(0)).reorgDepth(8)
                    .pollInterval(Duration.ofMillis(150)).build(), kafka.bootstrapServers(), tables);
            BalanceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "utxo-balances", false),
                    tables.withBatching(100, Duration.ofMillis(50)),
                    BalanceJobConfig.of(List.of(Duration.ofHours(1)), Duration.ofDays(1)));
            JobClient job = env.executeAsync("utxo-stack");
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", api.grpcPort()).usePlaintext().build();
                try {
                    awaitIndexed(chain, api);
                    for (int depth : new int[] {2, 3, 1}) {
                        chain.mine();
                        chain.mine();
                        awaitIndexed(chain, api);
                        chain.reorg(depth);
                        awaitIndexed(chain, api);
                    }
                    assertThat(chain.reorgs()).isEqualTo(3);
                    Set<String> accounts = new TreeSet<>();
                    for (long h = 0; h <= chain.height(); h++) {
                        accounts.addAll(chain.balancesAt(h).keySet());
                    }
                    List<String> mismatches = new ArrayList<>();
                    Await.until(() -> {
                        mismatches.clear();
                        mismatches.addAll(mismatches(chain, api, channel, accounts));
                        return mismatches.isEmpty();
                    }, 30_000, () -> mismatches.size() + " mismatches, first " + mismatches.stream().limit(5).toList());
                    assertThat(accounts).hasSizeGreaterThan(10);
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private List<String> mismatches(SyntheticUtxoChain chain, QueryApi api, ManagedChannel channel, Set<String> accounts)
            throws Exception {
        List<String> out = new ArrayList<>();
        var grpc = BalanceServiceGrpc.newBlockingStub(channel);
        for (long h = 0; h <= chain.height(); h++) {
            Map<String, BigInteger> truth = chain.balancesAt(h);
            for (String account : accounts) {
                BigInteger expected = truth.getOrDefault(account, BigInteger.ZERO);
                GetBalancesAtResponse.Builder rest = GetBalancesAtResponse.newBuilder();
                JsonFormat.parser().merge(new ApiProbe(api).get("/v1/chains/" + CHAIN + "/addresses/" + account + "/balances/at?block_number=" + h), rest);
                GetBalancesAtResponse viaGrpc = grpc.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(CHAIN)
                        .setAddress(account).setBlockNumber(h).build());
                BigInteger served = nativeBalance(rest.build());
                if (!expected.equals(served) || !rest.build().equals(viaGrpc)) {
                    out.add(account + "@" + h + ": UTXO set " + expected + ", REST " + served + ", gRPC " + nativeBalance(viaGrpc));
                }
            }
        }
        return out;
    }

    private static BigInteger nativeBalance(GetBalancesAtResponse r) {
        Map<String, BigInteger> byToken = new TreeMap<>();
        for (BalanceView b : r.getBalancesList()) {
            byToken.put(b.getToken(), new BigInteger(b.getBalance()));
        }
        return byToken.getOrDefault("native", BigInteger.ZERO);
    }

    private static void awaitIndexed(SyntheticUtxoChain chain, QueryApi api) throws Exception {
        new ApiProbe(api).awaitIndexed(CHAIN, chain.height(), "0x" + chain.block(chain.height()).hash());
    }
}
