package io.chaintrack.connectors.evm.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainConfig.ReceiptsMode;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.InconsistentChainDataException;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.RecordedRpcServer;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Hardhat cannot produce, from hand-made responses (src/test/resources/evm/handmade): callTracer and
 * trace_block internal transfers (reverted frames, delegatecalls, creates, selfdestructs), withdrawals,
 * eth_getBlockReceipts with blob fees, and logs that break their standard in every way the mapper knows.
 */
class HandmadeResponsesTest {
    private static final Path DIR = HardhatNode.moduleDir().resolve("src/test/resources/evm/handmade");
    private static final String A = "0x" + "aa".repeat(20);
    private static final String B = "0x" + "bb".repeat(20);
    private static final String C = "0x" + "cc".repeat(20);
    private static final String D = "0x" + "dd".repeat(20);
    private static final String F = "0x" + "f0".repeat(20);
    private static final String G = "0x" + "60".repeat(20);
    private static final String M = "0x" + "99".repeat(20);
    private static final String V = "0x" + "77".repeat(20);
    private static final String T20 = "0x" + "20".repeat(20);
    private static final String T1155 = "0x" + "1155".repeat(10);
    private static final String Z = Addresses.ZERO;
    private static final BigInteger ETH = BigInteger.TEN.pow(18);

    private static EvmChainConfig.Builder config(String url) {
        return EvmChainConfig.builder(1, "handmade").endpoint(url).startBlock(256).blocksPerFetch(1);
    }

    private static ChainEvent read(EvmChainConfig config, EvmMetrics metrics, Path... dirs) throws Exception {
        try (RecordedRpcServer server = new RecordedRpcServer(dirs);
             RpcChainReader reader = new RpcChainReader(config.toBuilder().clearEndpoints().endpoint(server.url()).build(),
                     metrics)) {
            List<ChainEvent> events = reader.fetch(256, 256).events();
            assertThat(events).hasSize(1);
            return events.get(0);
        }
    }

    private record Row(int tx, int log, String trace, int batch, String token, String from, String to,
                       BigInteger amount, BigInteger id, String operator) {}

    private static Row nat(int tx, String trace, String from, String to, BigInteger amount) {
        return new Row(tx, -1, trace, 0, Addresses.NATIVE, from, to, amount, BigInteger.ZERO, "");
    }

    private static List<Row> rows(ChainEvent e) {
        List<Row> out = new ArrayList<>();
        for (Transfer t : e.getTransfersList()) {
            out.add(new Row(t.getTxIndex(), t.getLogIndex(), t.getTraceAddress(), t.getBatchIndex(), t.getToken(),
                    t.getFromAddress(), t.getToAddress(), Uint256.decode(t.getAmount()), Uint256.decode(t.getTokenId()),
                    t.getOperator()));
        }
        return out;
    }

    private static BigInteger gwei(long n) {
        return BigInteger.valueOf(n).multiply(BigInteger.TEN.pow(9));
    }

    private static List<Row> expected(String burnTo) {
        BigInteger max = Uint256.MAX;
        return List.of(
                nat(0, "", A, C, ETH),
                nat(0, "0", C, B, ETH.multiply(BigInteger.valueOf(4)).divide(BigInteger.TEN)),
                nat(0, "0.0", B, F, ETH.divide(BigInteger.valueOf(20))),
                nat(0, "4", C, G, ETH.divide(BigInteger.valueOf(100))),
                nat(0, "5", G, B, ETH.divide(BigInteger.valueOf(100))),
                nat(0, "fee", A, M, gwei(50_000L * 2)),
                nat(0, "burn", A, burnTo, gwei(50_000L * 10)),
                nat(1, "fee", B, M, gwei(30_000L)),
                nat(1, "burn", B, burnTo, gwei(30_000L * 10)),
                new Row(2, 0, "", 0, T20, D, A, max, BigInteger.ZERO, ""),
                new Row(2, 5, "", 0, T1155, A, B, BigInteger.valueOf(10), BigInteger.ONE, D),
                new Row(2, 5, "", 1, T1155, A, B, BigInteger.valueOf(20), BigInteger.TWO, D),
                new Row(2, 5, "", 2, T1155, A, B, BigInteger.valueOf(30), BigInteger.valueOf(3), D),
                new Row(2, 7, "", 0, T1155, Z, B, BigInteger.valueOf(4), BigInteger.valueOf(9), D),
                nat(2, "fee", D, M, gwei(100_000L).divide(BigInteger.TWO)),
                nat(2, "burn", D, burnTo, gwei(1_000_000L).add(BigInteger.valueOf(0x20000L * 3))),
                nat(0, "withdrawal", Z, V, ETH),
                nat(1, "withdrawal", Z, V, gwei(1)));
    }

    @Test
    void callTracerTracesBlockReceiptsWithdrawalsAndMalformedLogs() throws Exception {
        EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());
        ChainEvent e = read(config("http://x/").traces(TraceMode.CALL_TRACER).receipts(ReceiptsMode.BLOCK).build(), metrics,
                DIR.resolve("block256"));
        assertThat(rows(e)).containsExactlyElementsOf(expected(Z));
        assertThat(e.getBlock().getFeeRecipient()).isEqualTo(M);
        assertThat(e.getBlock().getChainId()).isEqualTo(1);
        assertThat(e.getHeadNumber()).isEqualTo(0x105);
        assertThat(e.getTransfersList()).filteredOn(t -> t.getTraceAddress().equals("withdrawal"))
                .allSatisfy(t -> assertThat(t.getTxHash()).isEmpty());
        assertThat(e.getTransfersList()).filteredOn(t -> t.getToken().equals(T1155))
                .allSatisfy(t -> assertThat(t.getStandard()).isEqualTo(TokenStandard.TOKEN_STANDARD_ERC1155));
        assertThat(metrics.skippedLogs.labelValues("handmade", "data_length").get()).isEqualTo(2.0);
        assertThat(metrics.skippedLogs.labelValues("handmade", "topic_count").get()).isEqualTo(2.0);
        assertThat(metrics.skippedLogs.labelValues("handmade", "address_topic").get()).isEqualTo(1.0);
        assertThat(metrics.skippedLogs.labelValues("handmade", "batch_encoding").get()).isEqualTo(1.0);
        assertThat(metrics.skippedLogs.labelValues("handmade", "malformed_hex").get()).isEqualTo(1.0);
        assertThat(metrics.skippedLogs.labelValues("handmade", "removed").get()).isEqualTo(1.0);
    }

    @Test
    void everyTransferCarriesTheKindOfItsSource() throws Exception {
        ChainEvent e = read(config("http://x/").traces(TraceMode.CALL_TRACER).build(), EvmMetrics.on(new PrometheusRegistry()),
                DIR.resolve("block256"));
        // in expected() order: path 4 is a CREATE, path 5 the SELFDESTRUCT frame, 0 / 0.0 CALL frames
        assertThat(e.getTransfersList()).extracting(Transfer::getKind).containsExactly(
                TransferKind.TRANSFER_KIND_CALL, TransferKind.TRANSFER_KIND_INTERNAL, TransferKind.TRANSFER_KIND_INTERNAL,
                TransferKind.TRANSFER_KIND_INTERNAL, TransferKind.TRANSFER_KIND_SELFDESTRUCT,
                TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN,
                TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN,
                TransferKind.TRANSFER_KIND_LOG, TransferKind.TRANSFER_KIND_LOG, TransferKind.TRANSFER_KIND_LOG,
                TransferKind.TRANSFER_KIND_LOG, TransferKind.TRANSFER_KIND_LOG,
                TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN,
                TransferKind.TRANSFER_KIND_WITHDRAWAL, TransferKind.TRANSFER_KIND_WITHDRAWAL);
    }

    @Test
    void traceBlockGivesTheSameTransfersAsCallTracer() throws Exception {
        ChainEvent viaCallTracer = read(config("http://x/").traces(TraceMode.CALL_TRACER).build(),
                EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("block256"));
        ChainEvent viaTraceBlock = read(config("http://x/").traces(TraceMode.TRACE_BLOCK).build(),
                EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("block256"));
        assertThat(viaTraceBlock).isEqualTo(viaCallTracer);
    }

    @Test
    void withoutTracesOnlyTopLevelValueFeesAndWithdrawalsAreNative() throws Exception {
        ChainEvent e = read(config("http://x/").build(), EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("block256"));
        assertThat(rows(e)).filteredOn(r -> r.trace().matches("[0-9.]+")).isEmpty();
        assertThat(rows(e)).hasSize(expected(Z).size() - 4);
    }

    @Test
    void theBaseFeeGoesWhereTheChainSendsIt() throws Exception {
        String vault = "0x4200000000000000000000000000000000000019";
        ChainEvent e = read(config("http://x/").traces(TraceMode.CALL_TRACER).baseFeeRecipient(vault).build(),
                EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("block256"));
        assertThat(rows(e)).containsExactlyElementsOf(expected(vault));
    }

    @Test
    void tracesOrReceiptsOfAnotherBlockAreNeverEmitted() {
        EvmChainConfig c = config("http://x/").traces(TraceMode.CALL_TRACER).maxFetchAttempts(2).build();
        assertThatThrownBy(() -> read(c, EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("trace-of-another-block"),
                DIR.resolve("block256")))
                .isInstanceOf(InconsistentChainDataException.class)
                .hasMessageContaining("chain handmade: blocks 256..256 still inconsistent after 2 fetches, nothing emitted")
                .hasMessageContaining("call trace 1 of block 256 is for 0x" + "c1".repeat(32));
        assertThatThrownBy(() -> read(c, EvmMetrics.on(new PrometheusRegistry()), DIR.resolve("receipts-of-another-block"),
                DIR.resolve("block256")))
                .isInstanceOf(InconsistentChainDataException.class)
                .hasMessageContaining("receipt 2 claims block hash 0x" + "c2".repeat(32));
    }
}
