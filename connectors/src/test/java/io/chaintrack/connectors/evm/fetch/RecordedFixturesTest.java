package io.chaintrack.connectors.evm.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.testkit.BalanceFold;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.RecordFixtures;
import io.chaintrack.connectors.evm.testkit.RecordedRpcServer;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decoding of responses recorded from the Hardhat node (src/test/resources/evm/recorded/basic, scenario in its
 * scenario.json and {@link RecordFixtures}), replayed by a stub server: every token transfer the scenario made
 * comes out exactly once, and native transfers fold to the recorded eth_getBalance changes block by block.
 */
class RecordedFixturesTest {
    private static final Path DIR = HardhatNode.moduleDir().resolve("src/test/resources/evm/recorded/basic");
    private static RecordedRpcServer server;
    private static JsonNode scenario;
    private static List<String> a;
    private static String erc20;
    private static String erc721;
    private static String erc1155;
    private static List<ChainEvent> events;
    private static EvmMetrics metrics;
    private static int httpCallsForSecondFetch;

    @BeforeAll
    static void replay() throws Exception {
        scenario = new ObjectMapper().readTree(DIR.resolve("scenario.json").toFile());
        a = new ArrayList<>();
        scenario.get("accounts").forEach(n -> a.add(n.asText()));
        erc20 = scenario.get("erc20").asText();
        erc721 = scenario.get("erc721").asText();
        erc1155 = scenario.get("erc1155").asText();
        server = new RecordedRpcServer(DIR);
        metrics = EvmMetrics.on(new PrometheusRegistry());
        try (RpcChainReader reader = new RpcChainReader(RecordFixtures.config(server.url()), metrics)) {
            assertThat(reader.poll(-1).latest()).isEqualTo(8);
            events = new ArrayList<>(reader.fetch(1, 4).events());
            int before = server.httpCalls();
            events.addAll(reader.fetch(5, 8).events());
            httpCallsForSecondFetch = server.httpCalls() - before;
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Token(long block, TokenStandard standard, String token, String from, String to, long id,
                         long amount, int batchIndex, String operator) {}

    private static List<Token> tokenTransfers() {
        List<Token> out = new ArrayList<>();
        for (ChainEvent e : events) {
            for (Transfer t : e.getTransfersList()) {
                if (t.getStandard() != TokenStandard.TOKEN_STANDARD_NATIVE) {
                    long id = t.getTokenId().isEmpty() ? -1 : Uint256.decode(t.getTokenId()).longValueExact();
                    out.add(new Token(t.getBlockNumber(), t.getStandard(), t.getToken(), t.getFromAddress(), t.getToAddress(),
                            id, Uint256.decode(t.getAmount()).longValueExact(), t.getBatchIndex(), t.getOperator()));
                }
            }
        }
        return out;
    }

    @Test
    void everyTokenTransferOfTheScenarioExactlyOnce() {
        String z = Addresses.ZERO;
        var e20 = TokenStandard.TOKEN_STANDARD_ERC20;
        var e721 = TokenStandard.TOKEN_STANDARD_ERC721;
        var e1155 = TokenStandard.TOKEN_STANDARD_ERC1155;
        assertThat(tokenTransfers()).containsExactly(
                new Token(5, e20, erc20, z, a.get(1), -1, 1000, 0, ""),
                new Token(5, e721, erc721, z, a.get(2), 7, 1, 0, ""),
                new Token(5, e1155, erc1155, z, a.get(3), 1, 50, 0, a.get(0)),
                new Token(6, e20, erc20, a.get(1), a.get(2), -1, 250, 0, ""),
                new Token(6, e721, erc721, a.get(2), a.get(3), 7, 1, 0, ""),
                new Token(6, e1155, erc1155, a.get(3), a.get(4), 1, 20, 0, a.get(3)),
                new Token(6, e1155, erc1155, z, a.get(1), 2, 5, 0, a.get(0)),
                new Token(6, e1155, erc1155, z, a.get(1), 3, 6, 1, a.get(0)),
                new Token(7, e20, erc20, a.get(2), z, -1, 100, 0, ""),
                new Token(7, e721, erc721, a.get(3), z, 7, 1, 0, ""),
                new Token(7, e1155, erc1155, a.get(1), a.get(0), 2, 1, 0, a.get(1)),
                new Token(7, e1155, erc1155, a.get(1), a.get(0), 3, 2, 1, a.get(1)));
        assertThat(metrics.skippedLogs.labelValues("recorded", "topic_count").get())
                .as("the OddEmitter's two-topic Transfer").isEqualTo(1.0);
    }

    @Test
    void nativeTransfersFoldToTheRecordedBalanceChangesAtEveryBlock() throws Exception {
        BalanceFold fold = new BalanceFold();
        events.forEach(fold::accept);
        List<String> holders = new ArrayList<>(a);
        holders.add(scenario.get("coinbase").asText());
        try (HardhatChain viaStub = new HardhatChain(server.url())) {
            List<BigInteger> recorded = viaStub.readAll(RecordFixtures.balanceReads(a, erc20, erc721, erc1155, 8));
            int k = 0;
            BigInteger[] genesis = new BigInteger[holders.size()];
            for (long b = 0; b <= 8; b++) {
                for (int i = 0; i < holders.size(); i++) {
                    BigInteger node = recorded.get(k++);
                    if (b == 0) {
                        genesis[i] = node;
                    } else {
                        assertThat(genesis[i].add(fold.balance(Addresses.NATIVE, holders.get(i), b)))
                                .as("eth balance of %s at block %d", holders.get(i), b).isEqualTo(node);
                    }
                }
            }
            for (String h : a) {
                assertThat(fold.balance(erc20, h, 8)).isEqualTo(recorded.get(k++));
                assertThat(fold.balance(erc721, h, 8)).isEqualTo(recorded.get(k++));
                for (long id = 1; id <= 3; id++) {
                    assertThat(fold.balance(erc1155, h, BigInteger.valueOf(id), 8)).isEqualTo(recorded.get(k++));
                }
            }
            assertThat(fold.minted(erc20, 8)).isEqualTo(recorded.get(k));
        }
    }

    @Test
    void aFailedTransactionMovesOnlyItsFee() {
        ChainEvent block7 = events.get(6);
        List<Transfer> ofFailed = block7.getTransfersList().stream().filter(t -> t.getTxIndex() == 4).toList();
        assertThat(ofFailed).extracting(Transfer::getTraceAddress).containsExactly("fee", "burn");
        assertThat(ofFailed).allSatisfy(t -> {
            assertThat(t.getFromAddress()).isEqualTo(a.get(4));
            assertThat(t.getLogIndex()).isEqualTo(-1);
        });
        assertThat(ofFailed.get(0).getToAddress()).isEqualTo(scenario.get("coinbase").asText());
        assertThat(ofFailed.get(1).getToAddress()).isEqualTo(Addresses.ZERO);
    }

    @Test
    void naturalKeysAreUniqueAndEventsAreLinked() {
        Set<String> keys = new HashSet<>();
        for (ChainEvent e : events) {
            for (Transfer t : e.getTransfersList()) {
                String key = t.getBlockHash() + "/" + t.getTxIndex() + "/" + t.getLogIndex() + "/" + t.getTraceAddress()
                        + "/" + t.getBatchIndex();
                assertThat(keys.add(key)).as("duplicate natural key %s", key).isTrue();
                assertThat(t.getChainId()).isEqualTo(31337);
                assertThat(t.getBlockHash()).isEqualTo(e.getBlock().getHash());
            }
        }
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getBlock().getParentHash()).isEqualTo(events.get(i - 1).getBlock().getHash());
        }
        assertThat(events).extracting(e -> e.getBlock().getNumber()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void fallsBackToPerTransactionReceiptsOnceAndReadsFourBlocksInTwoHttpCalls() {
        // Hardhat has no eth_getBlockReceipts: asked for the first four blocks only, then never again
        assertThat(server.calls("eth_getBlockReceipts")).isEqualTo(4);
        // blocks + logs + their guard header in one batch, receipts of the block's transactions in the other
        assertThat(httpCallsForSecondFetch).isEqualTo(2);
        assertThat(server.calls("eth_getLogs")).isEqualTo(2);
    }

    @Test
    void anEndpointOfAnotherChainIsRefusedByName() {
        var mainnet = io.chaintrack.connectors.evm.EvmChainConfig.builder(1, "mainnet").endpoint(server.url()).build();
        try (RpcChainReader reader = new RpcChainReader(mainnet, EvmMetrics.on(new PrometheusRegistry()))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.poll(-1))
                    .isInstanceOf(ChainIdMismatchException.class)
                    .hasMessage("chain mainnet is configured as chain id 1 but its endpoint serves chain id 31337");
        }
    }
}
