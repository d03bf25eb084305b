package io.chaintrack.jobs.prices;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.AggregatorAnswer;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.PoolCreated;
import io.chaintrack.proto.v1.PriceLog;
import io.chaintrack.proto.v1.V2Reserves;
import io.chaintrack.proto.v1.V3SwapState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The minute rows of one price source through applies, reverts, discovery, restore and pruning; values by hand. */
class PriceMinuteFunctionTest {
    private static final long CHAIN = 31337;
    private static final long T0 = 1_767_225_600L; // 2026-01-01T00:00:00Z, a minute boundary
    private static final String POOL = addr(0x100);
    private static final String V3POOL = addr(0x300);
    private static final String FEED = addr(0x200);
    private static final String FACTORY = addr(0x400);
    private static final String FOUND = addr(0x500);
    private static final String A = addr(0xa);
    private static final String B = addr(0xb);
    private static final String C = addr(0xc);
    private static final PriceSourcesConfig CONFIG = PriceSourcesConfig.parse(
            List.of("v2:" + POOL + ":" + B + ":" + A, "v3:" + V3POOL + ":" + A + ":" + C),
            List.of("v2:" + FACTORY), List.of(A + "=" + FEED + ":8", C + "=" + FEED + ":8:" + B), List.of());

    private KeyedOneInputStreamOperatorTestHarness<String, ChainEvent, PriceRow> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(3);
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChainEvent, PriceRow> harness(int depth) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PriceMinuteFunction(CONFIG, depth)), PriceLogSlices::key, Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void v2MinuteRowIsTheLastSyncInTheMinuteAndARevertRecomputesIt() throws Exception {
        process(applied(10, "a10", T0 + 5, sync(POOL, 1000, 2500)));
        // token0 = A (lower address): 2500/1000 = 2.5 B per A, depth 2 x 2500; token1 = B: 0.4 A per B, depth 2000
        assertThat(drain()).containsExactly(
                row(A, "uniswap-v2:" + POOL, T0, B, "base", "2.5", "5000", T0 + 5, 10),
                row(B, "uniswap-v2:" + POOL, T0, A, "base", "0.4", "2000", T0 + 5, 10));
        process(applied(11, "a11", T0 + 20, sync(POOL, 999, 1), sync(POOL, 2000, 1000)));
        assertThat(drain()).containsExactly(
                row(A, "uniswap-v2:" + POOL, T0, B, "base", "0.5", "2000", T0 + 20, 11),
                row(B, "uniswap-v2:" + POOL, T0, A, "base", "2", "4000", T0 + 20, 11));
        process(reverted(applied(11, "a11", T0 + 20, sync(POOL, 999, 1), sync(POOL, 2000, 1000))));
        assertThat(drain()).as("block 10 is again the minute's last").containsExactly(
                row(A, "uniswap-v2:" + POOL, T0, B, "base", "2.5", "5000", T0 + 5, 10),
                row(B, "uniswap-v2:" + POOL, T0, A, "base", "0.4", "2000", T0 + 5, 10));
        process(applied(11, "b11", T0 + 70, sync(POOL, 4000, 1000)));
        assertThat(drain()).containsExactly(
                row(A, "uniswap-v2:" + POOL, T0 + 60, B, "base", "0.25", "2000", T0 + 70, 11),
                row(B, "uniswap-v2:" + POOL, T0 + 60, A, "base", "4", "8000", T0 + 70, 11));
        process(reverted(applied(11, "b11", T0 + 70, sync(POOL, 4000, 1000))));
        assertThat(drain()).as("nothing canonical is left in that minute").containsExactly(
                PriceRow.deletion(CHAIN, A, "uniswap-v2:" + POOL, (T0 + 60) * 1000),
                PriceRow.deletion(CHAIN, B, "uniswap-v2:" + POOL, (T0 + 60) * 1000));
        process(reverted(applied(11, "other-hash", T0 + 70, sync(POOL, 4000, 1000))));
        assertThat(drain()).as("a revert of a block not held changes nothing").isEmpty();
    }

    @Test
    void feedAnswersPriceEachConfiguredTokenAndANonPositiveAnswerWithdrawsTheMinute() throws Exception {
        process(applied(10, "a10", T0 + 1, answer(FEED, 200_012_345_678L)));
        assertThat(drain()).containsExactly(
                row(A, "chainlink:" + FEED, T0, "USD", "whole", "2000.12345678", null, T0 + 1, 10),
                row(C, "chainlink:" + FEED, T0, B, "whole", "2000.12345678", null, T0 + 1, 10));
        process(applied(11, "a11", T0 + 2, answer(FEED, -5)));
        assertThat(drain()).containsExactly(
                PriceRow.deletion(CHAIN, A, "chainlink:" + FEED, T0 * 1000),
                PriceRow.deletion(CHAIN, C, "chainlink:" + FEED, T0 * 1000));
    }

    @Test
    void v3PricesBothDirectionsFromSqrtPriceExactly() throws Exception {
        // sqrtPriceX96 = 2^96 * 3 / 2: price token0 in token1 = 9/4, token1 in token0 = 4/9
        BigInteger sqrt = BigInteger.ONE.shiftLeft(95).multiply(BigInteger.valueOf(3));
        process(applied(10, "a10", T0, swap(V3POOL, sqrt, BigInteger.valueOf(1_000_000))));
        List<PriceRow> rows = drain();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).token()).isEqualTo(A);
        assertThat(rows.get(0).price()).isEqualByComparingTo("2.25");
        assertThat(rows.get(0).liquidity()).as("2 L sqrtP / 2^96 = 3,000,000").isEqualByComparingTo("3000000");
        assertThat(rows.get(1).token()).isEqualTo(C);
        assertThat(rows.get(1).price()).isEqualByComparingTo(new BigDecimal("4").divide(new BigDecimal("9"), PriceRowsMath.MC));
        assertThat(rows.get(1).liquidity()).as("2 L 2^96 / sqrtP = 4,000,000/3")
                .isEqualByComparingTo(new BigDecimal("4000000").divide(new BigDecimal("3"), PriceRowsMath.MC));
    }

    @Test
    void aPoolCountsOnlyOnceItsFactoryCreatedItAndSurvivesARestore() throws Exception {
        process(applied(9, "a9", T0, sync(FOUND, 10, 20)));
        assertThat(drain()).as("a Sync of an unknown emitter").isEmpty();
        assertThat(harness.numKeyedStateEntries()).as("and nothing is held for it").isZero();
        process(applied(10, "a10", T0 + 61, created(FACTORY, A, C, FOUND), sync(FOUND, 3, 12)));
        assertThat(drain()).containsExactly(
                row(A, "uniswap-v2:" + FOUND, T0 + 60, C, "base", "4", "24", T0 + 61, 10),
                row(C, "uniswap-v2:" + FOUND, T0 + 60, A, "base", "0.25", "6", T0 + 61, 10));

        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(3);
        harness.initializeState(snapshot);
        harness.open();
        process(reverted(applied(10, "a10", T0 + 61, created(FACTORY, A, C, FOUND), sync(FOUND, 3, 12))));
        assertThat(drain()).as("restored state still knows the pool and its block").containsExactly(
                PriceRow.deletion(CHAIN, A, "uniswap-v2:" + FOUND, (T0 + 60) * 1000),
                PriceRow.deletion(CHAIN, C, "uniswap-v2:" + FOUND, (T0 + 60) * 1000));
    }

    @Test
    void prunesBlocksNoReorgCanReachButKeepsTheNewestOfThemForItsMinute() throws Exception {
        // depth 3: at tip 20 the gate lets reorgs revert 18..20 only; blocks 10..17 fall in minute T0, 18..20 in T0+60
        for (int n = 10; n <= 20; n++) {
            process(applied(n, "a" + n, time(n), sync(POOL, 1000, 1000 + n)));
        }
        drain();
        for (int n = 20; n >= 18; n--) {
            process(reverted(applied(n, "a" + n, time(n), sync(POOL, 1000, 1000 + n))));
        }
        assertThat(drain()).as("each revert hands the minute back to the block below it, the last one empties it")
                .extracting(PriceRow::blockNumber).containsExactly(19L, 19L, 18L, 18L, null, null);
        process(applied(18, "b18", T0 + 8, sync(POOL, 1000, 5000)));
        assertThat(drain()).extracting(r -> r.price().toPlainString(), PriceRow::blockNumber)
                .containsExactly(tuple("5", 18L), tuple("0.2", 18L));
        process(reverted(applied(18, "b18", T0 + 8, sync(POOL, 1000, 5000))));
        assertThat(drain()).as("block 17, the newest block no reorg can reach, is held for its minute")
                .extracting(r -> r.price().toPlainString(), PriceRow::blockNumber)
                .containsExactly(tuple("1.017", 17L), tuple(new BigDecimal("1000")
                        .divide(new BigDecimal("1017"), PriceRowsMath.MC).stripTrailingZeros().toPlainString(), 17L));
        // blocks 10..16 were dropped: a (forced) revert of 17 finds nothing else in the minute
        process(reverted(applied(17, "a17", time(17), sync(POOL, 1000, 1017))));
        assertThat(drain()).hasSize(2).allMatch(PriceRow::delete);
    }

    private static long time(int n) {
        return n <= 17 ? T0 + n - 10 : T0 + 60 + n;
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    // ---------------------------------------------------------------- helpers

    /** The one rounding the job uses, for expectations that are not finite decimals. */
    static final class PriceRowsMath {
        static final java.math.MathContext MC = io.chaintrack.core.price.PriceMath.PRECISION;
    }

    private void process(ChainEvent e) throws Exception {
        harness.processElement(e, e.getBlock().getNumber());
    }

    private List<PriceRow> drain() {
        List<PriceRow> rows = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return rows;
    }

    private static PriceRow row(String token, String source, long minuteSec, String quote, String unit, String price,
                                String liquidity, long asOfSec, long block) {
        return new PriceRow(CHAIN, token, source, minuteSec * 1000, quote, unit, new BigDecimal(price),
                liquidity == null ? null : new BigDecimal(liquidity), asOfSec * 1000, block, false);
    }

    private static ChainEvent applied(long number, String hash, long time, PriceLog... logs) {
        ChainEvent.Builder b = ChainEvent.newBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(BlockHeader.newBuilder().setChainId(CHAIN).setNumber(number).setHash(hash).setTimestamp(time));
        for (int i = 0; i < logs.length; i++) {
            b.addPriceLogs(logs[i].toBuilder().setLogIndex(i));
        }
        return b.build();
    }

    private static ChainEvent reverted(ChainEvent e) {
        return e.toBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED).build();
    }

    private static PriceLog sync(String pool, long r0, long r1) {
        return PriceLog.newBuilder().setAddress(pool).setV2Reserves(V2Reserves.newBuilder()
                .setReserve0(Uint256.encode(BigInteger.valueOf(r0))).setReserve1(Uint256.encode(BigInteger.valueOf(r1)))).build();
    }

    private static PriceLog swap(String pool, BigInteger sqrt, BigInteger liquidity) {
        return PriceLog.newBuilder().setAddress(pool).setV3Swap(V3SwapState.newBuilder()
                .setSqrtPriceX96(Uint256.encode(sqrt)).setLiquidity(Uint256.encode(liquidity))).build();
    }

    private static PriceLog answer(String aggregator, long answer) {
        return PriceLog.newBuilder().setAddress(aggregator).setAnswer(AggregatorAnswer.newBuilder()
                .setAnswer(ByteString.copyFrom(BigInteger.valueOf(answer).toByteArray())).setUpdatedAt(1)).build();
    }

    private static PriceLog created(String factory, String token0, String token1, String pool) {
        return PriceLog.newBuilder().setAddress(factory).setPoolCreated(PoolCreated.newBuilder()
                .setToken0(token0).setToken1(token1).setPool(pool).setFee(-1)).build();
    }

    private static String addr(int n) {
        return String.format("0x%040x", n);
    }
}
