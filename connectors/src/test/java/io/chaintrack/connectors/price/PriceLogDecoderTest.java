package io.chaintrack.connectors.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/** Oracles: event topics from web3j's keccak of the event signatures, log words written out by hand in the ABI layout. */
class PriceLogDecoderTest {
    private static final BigInteger Q96 = BigInteger.ONE.shiftLeft(96);

    @Test
    void topicsAreTheKeccakOfTheEventSignatures() {
        assertThat(PriceLogDecoder.SYNC).isEqualTo(Hash.sha3String("Sync(uint112,uint112)"));
        assertThat(PriceLogDecoder.V3_SWAP).isEqualTo(Hash.sha3String("Swap(address,address,int256,int256,uint160,uint128,int24)"));
        assertThat(PriceLogDecoder.ANSWER_UPDATED).isEqualTo(Hash.sha3String("AnswerUpdated(int256,uint256,uint256)"));
        assertThat(PriceLogDecoder.PAIR_CREATED).isEqualTo(Hash.sha3String("PairCreated(address,address,address,uint256)"));
        assertThat(PriceLogDecoder.POOL_CREATED).isEqualTo(Hash.sha3String("PoolCreated(address,address,uint24,int24,address)"));
    }

    @Test
    void logsDecodeFromTheirAbiLayout() {
        String pool = "0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc";
        var sync = PriceLogDecoder.decode(pool, List.of(PriceLogDecoder.SYNC), "0x" + word(1234) + word(5678)).orElseThrow();
        assertThat(sync).isEqualTo(new PriceLogDecoder.V2Reserves(pool, BigInteger.valueOf(1234), BigInteger.valueOf(5678)));

        String sender = "0x000000000000000000000000" + "11".repeat(20);
        // amount0 = -5 (two's complement), amount1 = 7, sqrtPriceX96 = 2^96, liquidity 10^18, tick = -1
        String data = "0x" + "f".repeat(63) + "b" + word(7) + word16(Q96) + word16(BigInteger.TEN.pow(18)) + "f".repeat(64);
        var swap = PriceLogDecoder.decode(pool, List.of(PriceLogDecoder.V3_SWAP, sender, sender), data).orElseThrow();
        assertThat(swap).isEqualTo(new PriceLogDecoder.V3State(pool, Q96, BigInteger.TEN.pow(18), -1));

        var answer = PriceLogDecoder.decode(pool, List.of(PriceLogDecoder.ANSWER_UPDATED, "0x" + word(345_012_345_678L),
                "0x" + word(42)), "0x" + word(1_700_000_000)).orElseThrow();
        assertThat(answer).isEqualTo(new PriceLogDecoder.AggregatorAnswer(pool, BigInteger.valueOf(345_012_345_678L),
                BigInteger.valueOf(42), 1_700_000_000));

        assertThat(PriceLogDecoder.decode(pool, List.of("0x" + word(1)), "0x")).isEmpty();
        assertThatThrownBy(() -> PriceLogDecoder.decode(pool, List.of(PriceLogDecoder.SYNC), "0x" + word(1)))
                .hasMessageContaining("Sync log with 1 topics and 1 data words; expected 1 and 2");
    }

    private static String word(long v) {
        return String.format("%064x", v);
    }

    private static String word16(BigInteger v) {
        return String.format("%64s", v.toString(16)).replace(' ', '0');
    }
}
