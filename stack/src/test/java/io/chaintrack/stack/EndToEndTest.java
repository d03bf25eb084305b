package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.api.QueryApi;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.synthetic.GroundTruth;
import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.balances.BalanceJobConfig;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.chaintrack.proto.v1.TransferView;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole path on real parts: synthetic chain with reorgs → IngestJob → in-process Kafka → BalanceJob
 * on a MiniCluster → embedded PostgreSQL → query API over REST and gRPC, checked against the chain's ground truth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    private static final SyntheticChainConfig CHAIN = SyntheticChainConfig.defaults()
            .withSeed(20261122L)
            .withBlockCount(300)
            .withTransfersPerBlock(20)
            .withAddresses(80)
            .withReorgs(0.08, 4)
            .withBlocksPerSecond(0);
    private static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(10), Duration.ofHours(1));

    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private QueryApi api;
    private GroundTruth truth;
    private ManagedChannel channel;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, TokenStandard> standards = new HashMap<>();

    @BeforeAll
    void runPipeline() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        kafka = EmbeddedKafkaBroker.start();
        kafka.createTopics(TopicCatalog.all());

        StreamExecutionEnvironment ingest = StreamExecutionEnvironment.getExecutionEnvironment();
        ingest.setParallelism(1);
        ingest.enableCheckpointing(300);
        IngestJob.buildSynthetic(ingest, CHAIN, kafka.bootstrapServers());
        long t0 = System.nanoTime();
        ingest.execute("e2e-ingest");
        System.err.printf("e2e: ingest %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment balances = StreamExecutionEnvironment.getExecutionEnvironment(noKryo);
        balances.setParallelism(2);
        BalanceJob.addToEnvironment(balances,
                new KafkaInput(kafka.bootstrapServers(), "e2e-balances", true),
                PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                BalanceJobConfig.of(WINDOWS, Duration.ofDays(1)));
        t0 = System.nanoTime();
        balances.execute("e2e-balances");
        System.err.printf("e2e: balances %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        SyntheticChain chain = new SyntheticChain(CHAIN);
        truth = GroundTruth.track(chain);
        while (chain.hasNext()) {
            chain.next();
        }

        api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0,
                Map.of("chaintrack.api.window-seconds", WINDOWS.stream().map(Duration::toSeconds).toList()));
        channel = ManagedChannelBuilder.forAddress("localhost", api.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        for (AutoCloseable c : new AutoCloseable[] {api, kafka, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void theChainReorganisedSoTheRunMeansSomething() {
        assertThat(truth.orphanedHashes()).as("orphaned blocks").hasSizeGreaterThan(3);
        assertThat(truth.head()).isEqualTo(CHAIN.blockCount());
    }

    @Test
    void currentBalancesEqualGroundTruthOverRestAndGrpc() throws Exception {
        Map<String, Map<String, BigInteger>> expected = new TreeMap<>();
        truth.balancesAt(truth.head()).forEach((key, balance) ->
                expected.computeIfAbsent(key.address(), a -> new TreeMap<>()).put(assetOf(key), balance));
        assertThat(expected).hasSizeGreaterThan(50);
        var grpc = BalanceServiceGrpc.newBlockingStub(channel);
        for (var entry : expected.entrySet()) {
            String address = entry.getKey();
            GetBalancesResponse rest = get("/v1/chains/" + CHAIN.chainId() + "/addresses/" + address + "/balances",
                    GetBalancesResponse.newBuilder());
            GetBalancesResponse viaGrpc = grpc.getBalances(GetBalancesRequest.newBuilder()
                    .setChainId(CHAIN.chainId()).setAddress(address).build());
            assertThat(viaGrpc).as("gRPC equals REST for %s", address).isEqualTo(rest);

            Map<String, BigInteger> actual = new TreeMap<>();
            for (BalanceView b : rest.getBalancesList()) {
                actual.put(b.getToken() + "#" + (b.getTokenId().isEmpty() ? "0" : b.getTokenId()), new BigInteger(b.getBalance()));
            }
            assertThat(nonZero(actual)).as("balances of %s", address).isEqualTo(nonZero(entry.getValue()));
        }
    }

    @Test
    void balanceHistoryEqualsGroundTruthAtEveryWindowEnd() throws Exception {
        // windows with canonical activity per key and resolution, with in/out counts
        Map<BalanceKey, Map<Long, Map<Long, long[]>>> activity = new HashMap<>();
        for (Transfer t : truth.canonicalTransfers()) {
            for (Duration window : WINDOWS) {
                long size = window.toSeconds();
                long start = Math.floorDiv(t.getBlockTime(), size) * size;
                count(activity, TransferEffects.senderKey(CHAIN.chainId(), t), size, start, 1);
                count(activity, TransferEffects.receiverKey(CHAIN.chainId(), t), size, start, 0);
            }
        }
        assertThat(activity).hasSizeGreaterThan(100);
        Instant from = Instant.ofEpochSecond(CHAIN.genesisTime() - 86_400);
        Instant to = Instant.ofEpochSecond(truth.blockTime(truth.head()) + 86_400);
        var grpc = BalanceServiceGrpc.newBlockingStub(channel);
        int checkedWindows = 0;
        int i = 0;
        for (var entry : activity.entrySet()) {
            BalanceKey key = entry.getKey();
            for (var perSize : entry.getValue().entrySet()) {
                long size = perSize.getKey();
                GetBalanceHistoryRequest request = GetBalanceHistoryRequest.newBuilder()
                        .setChainId(CHAIN.chainId()).setAddress(key.address()).setToken(key.token())
                        .setTokenId(isErc1155(key) ? key.tokenId().toString() : "")
                        .setWindowSeconds((int) size)
                        .setStartTime(Timestamps.fromSeconds(from.getEpochSecond()))
                        .setEndTime(Timestamps.fromSeconds(to.getEpochSecond()))
                        .build();
                String query = "?windowSeconds=" + size + "&startTime=" + from + "&endTime=" + to
                        + (isErc1155(key) ? "&tokenId=" + key.tokenId() : "");
                GetBalanceHistoryResponse rest = get("/v1/chains/" + CHAIN.chainId() + "/addresses/" + key.address()
                        + "/tokens/" + key.token() + "/history" + query, GetBalanceHistoryResponse.newBuilder());
                if (i++ % 7 == 0) {
                    assertThat(grpc.getBalanceHistory(request)).as("gRPC equals REST").isEqualTo(rest);
                }
                Map<Long, BalanceWindowView> served = new TreeMap<>();
                for (BalanceWindowView w : rest.getWindowsList()) {
                    served.put(Timestamps.toSeconds(w.getWindowStart()), w);
                }
                assertThat(served.keySet()).as("windows of %s at %ds", key, size)
                        .isEqualTo(new TreeSet<>(perSize.getValue().keySet()));
                for (var window : perSize.getValue().entrySet()) {
                    long start = window.getKey();
                    BalanceWindowView w = served.get(start);
                    BigInteger expected = truth.balanceAtTime(key, Instant.ofEpochSecond(start + size));
                    assertThat(new BigInteger(w.getBalance())).as("%s window %d+%ds", key, start, size).isEqualTo(expected);
                    assertThat(w.getTransfersOut()).as("out count").isEqualTo(window.getValue()[1]);
                    assertThat(w.getTransfersIn()).as("in count").isEqualTo(window.getValue()[0]);
                    checkedWindows++;
                }
            }
        }
        assertThat(checkedWindows).isGreaterThan(500);
    }

    @Test
    void transfersAreCanonicalCompleteAndNewestFirst() throws Exception {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (Transfer t : truth.canonicalTransfers()) {
            expected.computeIfAbsent(t.getFromAddress(), a -> new TreeSet<>()).add(naturalKey(t));
            expected.computeIfAbsent(t.getToAddress(), a -> new TreeSet<>()).add(naturalKey(t));
        }
        var grpc = TransferServiceGrpc.newBlockingStub(channel);
        int pages = 0;
        for (var entry : expected.entrySet()) {
            String address = entry.getKey();
            List<TransferView> all = new ArrayList<>();
            String cursor = "";
            do {
                ListAddressTransfersResponse page = get("/v1/chains/" + CHAIN.chainId() + "/addresses/" + address
                        + "/transfers?limit=97" + (cursor.isEmpty() ? "" : "&cursor=" + cursor),
                        ListAddressTransfersResponse.newBuilder());
                if (pages++ % 5 == 0) {
                    assertThat(grpc.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                            .setChainId(CHAIN.chainId()).setAddress(address).setLimit(97).setCursor(cursor).build()))
                            .as("gRPC page equals REST page").isEqualTo(page);
                }
                all.addAll(page.getTransfersList());
                cursor = page.getNextCursor();
            } while (!cursor.isEmpty());

            Set<String> seen = new HashSet<>();
            for (int k = 0; k < all.size(); k++) {
                TransferView t = all.get(k);
                assertThat(truth.orphanedHashes()).as("served a transfer of an orphaned block").doesNotContain(t.getBlockHash());
                assertThat(seen.add(naturalKey(t))).as("duplicate transfer").isTrue();
                if (k > 0) {
                    assertThat(all.get(k - 1).getBlockNumber()).as("newest first").isGreaterThanOrEqualTo(t.getBlockNumber());
                }
            }
            assertThat(seen).as("transfers of %s", address).isEqualTo(entry.getValue());
        }
    }

    @Test
    void chainTotalsCountCanonicalBlocksAndTransfers() throws Exception {
        GetChainTotalsResponse rest = get("/v1/chains/" + CHAIN.chainId() + "/totals", GetChainTotalsResponse.newBuilder());
        GetChainTotalsResponse viaGrpc = ChainServiceGrpc.newBlockingStub(channel)
                .getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(CHAIN.chainId()).build());
        assertThat(viaGrpc).isEqualTo(rest);
        assertThat(rest.getTransfers()).isEqualTo(truth.canonicalTransfers().size());
        assertThat(rest.getLastBlock()).isEqualTo(truth.head());
        Map<String, Long> perToken = new TreeMap<>();
        for (Transfer t : truth.canonicalTransfers()) {
            perToken.merge(t.getToken(), 1L, Long::sum);
        }
        Map<String, Long> served = new TreeMap<>();
        rest.getTokensList().forEach(t -> served.put(t.getToken(), t.getTransfers()));
        assertThat(served).isEqualTo(perToken);
    }

    private static void count(Map<BalanceKey, Map<Long, Map<Long, long[]>>> activity, BalanceKey key, long size,
                              long start, int side) {
        activity.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(size, s -> new TreeMap<>())
                .computeIfAbsent(start, s -> new long[2])[side]++;
    }

    private boolean isErc1155(BalanceKey key) {
        if (standards.isEmpty()) {
            truth.canonicalTransfers().forEach(t -> standards.putIfAbsent(t.getToken(), t.getStandard()));
        }
        return standards.get(key.token()) == TokenStandard.TOKEN_STANDARD_ERC1155;
    }

    private static String assetOf(BalanceKey key) {
        return key.token() + "#" + key.tokenId();
    }

    private static Map<String, BigInteger> nonZero(Map<String, BigInteger> balances) {
        Map<String, BigInteger> out = new TreeMap<>();
        balances.forEach((k, v) -> {
            if (v.signum() != 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String naturalKey(Transfer t) {
        return t.getBlockHash() + "|" + t.getTxIndex() + "|" + t.getLogIndex() + "|" + t.getTraceAddress() + "|" + t.getBatchIndex();
    }

    private static String naturalKey(TransferView t) {
        return t.getBlockHash() + "|" + t.getTxIndex() + "|" + t.getLogIndex() + "|" + t.getTraceAddress() + "|" + t.getBatchIndex();
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> T get(String path, Message.Builder builder) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort() + path))
                        .timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        JsonFormat.parser().merge(response.body(), builder);
        return (T) builder.build();
    }
}
