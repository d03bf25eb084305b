package io.chaintrack.core.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Oracles: prices worked by hand from the pools' defining formulas (V2: reserve ratio; V3: (sqrtPriceX96 / 2^96)^2)
 * and the best pick's confidences worked by hand from BestPrice's stated rule.
 */
class PriceMathTest {
    private static final BigInteger Q96 = BigInteger.ONE.shiftLeft(96);

    @Test
    void uniswapV2PriceAndDepthFromReserves() {
        // USDC (6 decimals) / WETH (18): 2,000,000 USDC against 1,000 WETH
        BigInteger usdc = BigInteger.valueOf(2_000_000).multiply(BigInteger.TEN.pow(6));
        BigInteger weth = BigInteger.valueOf(1_000).multiply(BigInteger.TEN.pow(18));
        assertThat(PriceMath.v2Price(usdc, weth, 6, 18)).isEqualByComparingTo("0.0005");
        assertThat(PriceMath.invert(PriceMath.v2Price(usdc, weth, 6, 18))).isEqualByComparingTo("2000");
        assertThat(PriceMath.v2Depth(weth, 18)).isEqualByComparingTo("2000");
        // a third: the division is rounded once, to 34 significant digits
        assertThat(PriceMath.v2Price(BigInteger.valueOf(3), BigInteger.ONE, 0, 0).toPlainString())
                .isEqualTo("0." + "3".repeat(34));
    }

    @Test
    void uniswapV3PriceFromSqrtPrice() {
        // raw price 10^12 (token1 per token0) with decimals 6 and 18 is one whole token1 per token0
        BigInteger sqrt = Q96.multiply(BigInteger.valueOf(1_000_000));
        assertThat(PriceMath.v3Price(sqrt, 6, 18)).isEqualByComparingTo("1");
        // sqrtPrice 2 * 2^96 with equal decimals: price 4
        assertThat(PriceMath.v3Price(Q96.shiftLeft(1), 18, 18)).isEqualByComparingTo("4");
        // depth: L = 10^18, sqrtP = 2: virtual quote reserve 2 * 10^18, twice that in whole tokens = 4
        assertThat(PriceMath.v3Depth(BigInteger.TEN.pow(18), Q96.shiftLeft(1), 18)).isEqualByComparingTo("4");
    }

    @Test
    void aggregatorAnswersAndRouting() {
        BigDecimal ethUsd = PriceMath.aggregatorPrice(BigInteger.valueOf(345_012_345_678L), 8);
        assertThat(ethUsd).isEqualByComparingTo("3450.12345678");
        assertThat(PriceMath.route(new BigDecimal("0.0005"), ethUsd)).isEqualByComparingTo("1.72506172839");
        assertThatThrownBy(() -> PriceMath.aggregatorPrice(BigInteger.valueOf(-1), 8)).hasMessageContaining("positive");
    }

    @Test
    void theBestPriceIsTheConfidenceWeightedMedian() {
        Instant now = Instant.parse("2026-12-07T00:10:00Z");
        BestPrice best = new BestPrice(Duration.ofMinutes(10), new BigDecimal("1000"), new BigDecimal("0.10"));
        BestPrice.Quote fresh = new BestPrice.Quote("uniswap-v2", new BigDecimal("100"), new BigDecimal("1000"), now);
        BestPrice.Quote oracle = new BestPrice.Quote("chainlink", new BigDecimal("101"), null, now.minusSeconds(300));
        BestPrice.Quote thin = new BestPrice.Quote("uniswap-v3", new BigDecimal("99"), new BigDecimal("100"), now);
        BestPrice.Quote wild = new BestPrice.Quote("http", new BigDecimal("150"), null, now);

        BestPrice.Result r = best.at(now, List.of(fresh, oracle, thin, wild)).orElseThrow();
        // median of all four is 100.5; hand-worked confidences:
        //   v2: 1 * 1 * (1 - 0.004975/0.1) = 0.950249; chainlink: 0.5 * 1 * (1 - 0.004975/0.1) = 0.475124
        //   v3: 1 * 0.1 * (1 - 0.014925/0.1) = 0.085075; http: deviates 49 % > 10 %: 0, no vote
        assertThat(r.sources()).extracting(s -> s.confidence().toPlainString())
                .containsExactly("0.950249", "0.475124", "0.085075", "0.000000");
        // sorted voters 99 (0.085), 100 (0.950), 101 (0.475): half of 1.510448 is reached at 100
        assertThat(r.price()).isEqualByComparingTo("100");
        assertThat(best.at(now.plus(Duration.ofHours(1)), List.of(fresh, oracle, thin))).isEmpty();
    }
}
