package io.chaintrack.connectors.evm.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainConfig.ReceiptsMode;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.evm.testkit.RecordedRpcServer;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mainnet-format answers of eras Hardhat cannot produce, hand-made by scripts/handmade-era-fixtures.py from the
 * documented JSON-RPC formats (its docstrings state each block's content; none is a copy of a real block):
 * <ul>
 *   <li>pre-byzantium: block 1,000,000, receipts with {@code root} and no {@code status}; tx0 sends 1 ETH with
 *       100,000 gas, uses all of it and its top-level frame fails "Out of gas" (callTracer "out of gas"), its
 *       inner 0.5 ETH call undone with it; tx1 a plain 21,000-gas 2 ETH transfer; tx2 3 ETH using 60,000 of
 *       200,000 gas. Gas price 50 gwei, no base fee.</li>
 *   <li>numeric-status: block 5,000,000, status sent as the JSON numbers 1 and 0.</li>
 * </ul>
 * Expected values are computed by hand below (amount x gas price), not by the mapper.
 */
class EraFixturesTest {
    static final Path DIR = HardhatNode.moduleDir().resolve("src/test/resources/evm/handmade");
    static final String A = "0x" + "aa".repeat(20);
    static final String B = "0x" + "bb".repeat(20);
    static final String C = "0x" + "cc".repeat(20);
    static final String D = "0x" + "dd".repeat(20);
    static final String M = "0x" + "99".repeat(20);
    static final BigInteger ETH = BigInteger.TEN.pow(18);
    static final BigInteger GWEI = BigInteger.TEN.pow(9);

    static ChainEvent read(EvmChainConfig.Builder config, EvmMetrics metrics, long block, String folder)
            throws Exception {
        try (RecordedRpcServer server = new RecordedRpcServer(DIR.resolve(folder));
             RpcChainReader reader = new RpcChainReader(config.endpoint(server.url()).startBlock(block)
                     .blocksPerFetch(1).receipts(ReceiptsMode.BLOCK).build(), metrics)) {
            List<ChainEvent> events = reader.fetch(block, block).events();
            assertThat(events).hasSize(1);
            return events.get(0);
        }
    }

    record Native(int tx, String trace, String from, String to, BigInteger amount) {}

    static List<Native> natives(ChainEvent e) {
        List<Native> out = new ArrayList<>();
        for (Transfer t : e.getTransfersList()) {
            out.add(new Native(t.getTxIndex(), t.getTraceAddress(), t.getFromAddress(), t.getToAddress(),
                    Uint256.decode(t.getAmount())));
        }
        return out;
    }

    static BigInteger wei(long gas, long gwei) {
        return BigInteger.valueOf(gas).multiply(BigInteger.valueOf(gwei)).multiply(GWEI);
    }

    /** The failed tx0 pays 100,000 gas and moves nothing; tx1 and tx2 move their value and pay their gas. */
    private static final List<Native> PRE_BYZANTIUM = List.of(
            new Native(0, "fee", A, M, wei(100_000, 50)),
            new Native(1, "", B, A, ETH.multiply(BigInteger.TWO)),
            new Native(1, "fee", B, M, wei(21_000, 50)),
            new Native(2, "", D, C, ETH.multiply(BigInteger.valueOf(3))),
            new Native(2, "fee", D, M, wei(60_000, 50)));

    private static double normalised(EvmMetrics m, String kind, String outcome) {
        return m.receiptNormalisations.labelValues("era", kind, outcome).get();
    }

    @ParameterizedTest
    @EnumSource(value = TraceMode.class, names = {"CALL_TRACER", "TRACE_BLOCK"})
    void aPreByzantiumFailedTransactionMovesNoValueWhateverTheTraceFormat(TraceMode mode) throws Exception {
        EvmMetrics m = EvmMetrics.on(new PrometheusRegistry());
        ChainEvent e = read(EvmChainConfig.builder(1, "era").traces(mode), m, 1_000_000, "pre-byzantium");
        assertThat(natives(e)).containsExactlyElementsOf(PRE_BYZANTIUM);
        assertThat(normalised(m, TxOutcome.STATUS_FROM_TRACE, "failed")).isEqualTo(1.0);
        assertThat(normalised(m, TxOutcome.STATUS_FROM_TRACE, "success")).isEqualTo(2.0);
    }

    @Test
    void withoutTracesAPreByzantiumTransactionThatUsedAllItsGasFailed() throws Exception {
        EvmMetrics m = EvmMetrics.on(new PrometheusRegistry());
        ChainEvent e = read(EvmChainConfig.builder(1, "era"), m, 1_000_000, "pre-byzantium");
        assertThat(natives(e)).containsExactlyElementsOf(PRE_BYZANTIUM);
        assertThat(normalised(m, TxOutcome.STATUS_FROM_GAS, "failed")).isEqualTo(1.0);
        assertThat(normalised(m, TxOutcome.STATUS_FROM_GAS, "success")).isEqualTo(2.0);
        assertThat(normalised(m, TxOutcome.STATUS_FROM_TRACE, "failed")).isZero();
    }

    @Test
    void aStatusGivenAsAJsonNumberIsReadAndCounted() throws Exception {
        EvmMetrics m = EvmMetrics.on(new PrometheusRegistry());
        ChainEvent e = read(EvmChainConfig.builder(1, "era"), m, 5_000_000, "numeric-status");
        assertThat(natives(e)).containsExactly(
                new Native(0, "", A, B, ETH),
                new Native(0, "fee", A, M, wei(21_000, 20)),
                new Native(1, "fee", C, M, wei(30_000, 20)));
        assertThat(normalised(m, TxOutcome.NUMERIC_STATUS, "success")).isEqualTo(1.0);
        assertThat(normalised(m, TxOutcome.NUMERIC_STATUS, "failed")).isEqualTo(1.0);
    }

    @Test
    void statusSpellings() {
        BigInteger g = BigInteger.valueOf(50_000);
        assertThat(TxOutcome.decide("0x1", null, g, g)).isEqualTo(new TxOutcome(true, null));
        assertThat(TxOutcome.decide("0x0", null, g, g)).isEqualTo(new TxOutcome(false, null));
        assertThat(TxOutcome.decide("1", null, g, g)).isEqualTo(new TxOutcome(true, TxOutcome.NUMERIC_STATUS));
        assertThat(TxOutcome.decide("0x01", null, g, g)).isEqualTo(new TxOutcome(true, TxOutcome.NUMERIC_STATUS));
        assertThat(TxOutcome.decide("0", null, g, g)).isEqualTo(new TxOutcome(false, TxOutcome.NUMERIC_STATUS));
        assertThat(TxOutcome.decide(null, true, g, BigInteger.TEN)).isEqualTo(new TxOutcome(false, TxOutcome.STATUS_FROM_TRACE));
        BigInteger plain = BigInteger.valueOf(21_000);
        assertThat(TxOutcome.decide(null, null, plain, plain)).isEqualTo(new TxOutcome(true, TxOutcome.STATUS_FROM_GAS));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TxOutcome.decide("2", null, g, g))
                .hasMessageContaining("neither 0 nor 1");
    }
}
