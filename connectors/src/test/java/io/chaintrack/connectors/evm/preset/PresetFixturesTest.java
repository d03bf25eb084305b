package io.chaintrack.connectors.evm.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainConfig.ReceiptsMode;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.RecordedRpcServer;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rewards, the DAO fork and genesis through the mainnet preset, on hand-made mainnet-format answers written by
 * scripts/handmade-era-fixtures.py (its docstrings give each block's content). Expected values are computed by
 * hand in the comments, or are published figures (mainnet's genesis: 8,893 accounts, 72,009,990.49948 ETH).
 */
class PresetFixturesTest {
    private static final Path DIR = HardhatNode.moduleDir().resolve("src/test/resources/evm/handmade");
    private static final BigInteger ETH = BigInteger.TEN.pow(18);
    private static final String A = "0x" + "aa".repeat(20);
    private static final String B = "0x" + "bb".repeat(20);
    private static final String M = "0x" + "99".repeat(20);
    private static final String Z = Addresses.ZERO;

    private static ChainEvent read(long block, String folder) throws Exception {
        try (RecordedRpcServer server = new RecordedRpcServer(DIR.resolve(folder));
             RpcChainReader reader = new RpcChainReader(EvmChainConfig.builder(1, "mainnet").preset(ChainPresets.MAINNET)
                     .traces(TraceMode.NONE).receipts(ReceiptsMode.BLOCK).endpoint(server.url()).startBlock(block)
                     .blocksPerFetch(1).build(), EvmMetrics.on(new PrometheusRegistry()))) {
            List<ChainEvent> events = reader.fetch(block, block).events();
            assertThat(events).hasSize(1);
            return events.get(0);
        }
    }

    private record Row(TransferKind kind, int index, String trace, String from, String to, BigInteger wei) {}

    private static List<Row> rows(ChainEvent e) {
        List<Row> out = new ArrayList<>();
        for (Transfer t : e.getTransfersList()) {
            out.add(new Row(t.getKind(), t.getTxIndex(), t.getTraceAddress(), t.getFromAddress(), t.getToAddress(),
                    Uint256.decode(t.getAmount())));
        }
        return out;
    }

    private static BigInteger eth(String decimal) {
        return new BigDecimal(decimal).multiply(new BigDecimal(ETH)).toBigIntegerExact();
    }

    @Test
    void aBlockWithUnclesPaysMinerUnclesAndNephewRewards() throws Exception {
        ChainEvent e = read(3_000_000, "uncles");
        String u1 = "0x" + "e1".repeat(20);
        String u2 = "0x" + "e2".repeat(20);
        assertThat(rows(e)).containsExactly(
                new Row(TransferKind.TRANSFER_KIND_CALL, 0, "", A, B, ETH),
                new Row(TransferKind.TRANSFER_KIND_FEE, 0, "fee", A, M, eth("0.00042")),     // 21,000 x 20 gwei
                new Row(TransferKind.TRANSFER_KIND_BLOCK_REWARD, 0, "reward", Z, M, eth("5")),
                new Row(TransferKind.TRANSFER_KIND_UNCLE_REWARD, 0, "uncle", Z, u1, eth("4.375")),   // (8-1) x 5 / 8
                new Row(TransferKind.TRANSFER_KIND_BLOCK_REWARD, 0, "nephew", Z, M, eth("0.15625")), // 5 / 32
                new Row(TransferKind.TRANSFER_KIND_UNCLE_REWARD, 1, "uncle", Z, u2, eth("3.125")),   // (8-3) x 5 / 8
                new Row(TransferKind.TRANSFER_KIND_BLOCK_REWARD, 1, "nephew", Z, M, eth("0.15625")));
    }

    @Test
    void theDaoForkMovesTheDrainedBalancesToTheRefundContractBeforeTheBlockReward() throws Exception {
        ChainEvent e = read(1_920_000, "dao-fork");
        String refund = "0xbf4ed7b27f1d666546e30d74d50d173d20bca754";
        assertThat(rows(e)).containsExactly(
                new Row(TransferKind.TRANSFER_KIND_IRREGULAR, 0, "irregular",
                        "0xd4fe7bc31cedb7bfb8a345f31e668033056b2728", refund, eth("1000")),
                new Row(TransferKind.TRANSFER_KIND_IRREGULAR, 1, "irregular",
                        "0xb3fb0e5aba0e20e5c49d252dfd30e102b171a425", refund, eth("0.5")),
                new Row(TransferKind.TRANSFER_KIND_IRREGULAR, 115, "irregular",
                        "0x807640a13483f8ac783c557fcdf27be11ea4ac7a", refund, BigInteger.valueOf(12_345)),
                new Row(TransferKind.TRANSFER_KIND_BLOCK_REWARD, 0, "reward", Z, M, eth("5")));
    }

    @Test
    void mainnetBlockZeroCreditsEveryGenesisAllocation() throws Exception {
        ChainEvent e = read(0, "mainnet-genesis");
        // 8,893 accounts are allocated; two of them (0x00c40fe2..., 0x5ed3f1eb...) with 0 wei have nothing to credit
        assertThat(e.getTransfersCount()).isEqualTo(8_893 - 2);
        assertThat(e.getTransfersList()).noneMatch(t -> t.getToAddress().equals("0x00c40fe2095423509b9fd9b754323158af2310f3"));
        assertThat(e.getTransfersList()).allSatisfy(t -> {
            assertThat(t.getKind()).isEqualTo(TransferKind.TRANSFER_KIND_GENESIS);
            assertThat(t.getFromAddress()).isEqualTo(Z);
        });
        BigInteger total = e.getTransfersList().stream().map(t -> Uint256.decode(t.getAmount()))
                .reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(total).isEqualTo(eth("72009990.49948"));
        // the chain-events topic and producer accept 8 MiB (k8s/base/kafka/topics/chain-events.yaml, ChainEventKafka)
        assertThat(e.getSerializedSize()).isLessThan(8 * 1024 * 1024);
        assertThat(e.getTransfersList()).filteredOn(t -> t.getToAddress().equals("0x000d836201318ec6899a67540690382780743280"))
                .singleElement().satisfies(t -> assertThat(Uint256.decode(t.getAmount())).isEqualTo(eth("200")));
    }

    @Test
    void rewardScheduleOfTheBuiltInPresets() {
        ChainPreset m = ChainPresets.MAINNET;
        assertThat(m.rewardAt(0)).isZero();
        assertThat(m.rewardAt(1)).isEqualTo(eth("5"));
        assertThat(m.rewardAt(4_369_999)).isEqualTo(eth("5"));
        assertThat(m.rewardAt(4_370_000)).isEqualTo(eth("3"));
        assertThat(m.rewardAt(7_279_999)).isEqualTo(eth("3"));
        assertThat(m.rewardAt(7_280_000)).isEqualTo(eth("2"));
        assertThat(m.rewardAt(15_537_393)).isEqualTo(eth("2"));
        assertThat(m.rewardAt(15_537_394)).isZero();
        assertThat(m.irregularAt(1_920_000)).singleElement().satisfies(c -> assertThat(c.drained()).hasSize(116));
        assertThat(ChainPresets.SEPOLIA.rewardAt(1_450_408)).isEqualTo(eth("2"));
        assertThat(ChainPresets.SEPOLIA.rewardAt(1_450_409)).isZero();
        assertThat(GenesisAllocations.load(ChainPresets.SEPOLIA.genesis().allocation())).isNotEmpty();
        assertThat(ChainPresets.HARDHAT.rewardAt(5)).isZero();
    }

    @Test
    void presetsAreSelectedByNameOrFileAndGiveTheirDefaults(@TempDir Path dir) throws Exception {
        EvmChainConfig c = EvmChainConfig.builder(1, "m").endpoint("http://x/").preset(ChainPresets.resolve("mainnet")).build();
        assertThat(c.finality()).isEqualTo(FinalityPolicy.finalized());
        assertThat(c.traces()).isEqualTo(TraceMode.CALL_TRACER);
        EvmChainConfig overridden = EvmChainConfig.builder(1, "m").endpoint("http://x/").preset(ChainPresets.MAINNET)
                .traces(TraceMode.NONE).finality(FinalityPolicy.confirmations(3)).build();
        assertThat(overridden.traces()).isEqualTo(TraceMode.NONE);
        assertThat(overridden.finality()).isEqualTo(FinalityPolicy.confirmations(3));
        assertThat(EvmChainConfig.builder(5, "x").endpoint("http://x/").build().preset()).isEqualTo(ChainPresets.CUSTOM);
        assertThat(EvmChainConfig.builder(1, "m").endpoint("http://x/").preset(ChainPresets.MAINNET).nativeTransfers(false)
                .build().traces()).as("tokens only: no traces").isEqualTo(TraceMode.NONE);
        assertThatThrownBy(() -> EvmChainConfig.builder(5, "x").endpoint("http://x/").preset(ChainPresets.MAINNET).build())
                .hasMessageContaining("preset mainnet is for chain id 1, not 5");

        Path file = dir.resolve("mychain.json");
        Files.writeString(file, """
                {"name": "mychain", "chainId": 4242,
                 "genesis": {"config": {"chainId": 4242},
                             "alloc": {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": {"balance": "1000"},
                                       "0xBBbbBBbbBBbbBBbbBBbbBBbbBBbbBBbbBBbbBBbb": {"balance": "0x10"},
                                       "0xcccccccccccccccccccccccccccccccccccccccc": {"balance": "0"}}},
                 "blockRewards": [{"fromBlock": 0, "wei": "2000000000000000000"}], "rewardsEndBlock": 100,
                 "irregular": [{"block": 7, "to": "0xdddddddddddddddddddddddddddddddddddddddd", "drained": ["%s"]}],
                 "finality": "12", "traces": "trace_block"}
                """.formatted(A));
        ChainPreset p = ChainPresets.resolve(file.toString());
        assertThat(p.chainId()).isEqualTo(4242L);
        assertThat(p.rewardAt(99)).isEqualTo(eth("2"));
        assertThat(p.rewardAt(100)).isZero();
        assertThat(p.finality()).isEqualTo(FinalityPolicy.confirmations(12));
        assertThat(p.traces()).isEqualTo(TraceMode.TRACE_BLOCK);
        assertThat(p.irregularAt(7)).singleElement().satisfies(ch -> assertThat(ch.drained()).containsExactly(A));
        assertThat(GenesisAllocations.load(p.genesis().allocation())).containsExactly(
                new GenesisAllocations.Allocation(A, BigInteger.valueOf(1000)),
                new GenesisAllocations.Allocation(B, BigInteger.valueOf(16)));
        assertThatThrownBy(() -> ChainPresets.resolve("nosuchchain"))
                .hasMessageContaining("neither a built-in ([custom, mainnet, sepolia, hardhat, anvil, bitcoin, bitcoin-testnet, bitcoin-regtest, litecoin, ");
    }
}
