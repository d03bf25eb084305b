package io.chaintrack.core.price;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Prices from on-chain state in exact integer arithmetic, rounded once at the end to {@link #PRECISION} (34
 * significant digits, IEEE 754 decimal128's precision), never through binary floating point. A price is always
 * "units of the quote token per one unit of the base token", both in whole tokens (decimals applied).
 */
public final class PriceMath {
    public static final MathContext PRECISION = new MathContext(34, RoundingMode.HALF_EVEN);
    private static final BigInteger Q96 = BigInteger.ONE.shiftLeft(96);
    private static final BigInteger Q192 = BigInteger.ONE.shiftLeft(192);

    private PriceMath() {}

    /** Uniswap V2: token0 priced in token1 from the pool's reserves (reserve1 / reserve0, decimals applied). */
    public static BigDecimal v2Price(BigInteger reserve0, BigInteger reserve1, int decimals0, int decimals1) {
        if (reserve0.signum() <= 0 || reserve1.signum() < 0) {
            throw new IllegalArgumentException("no price from reserves " + reserve0 + " / " + reserve1);
        }
        return ratio(reserve1.multiply(BigInteger.TEN.pow(decimals0)), reserve0.multiply(BigInteger.TEN.pow(decimals1)));
    }

    /** Uniswap V3: token0 priced in token1 from sqrtPriceX96 = sqrt(raw token1/token0) * 2^96. */
    public static BigDecimal v3Price(BigInteger sqrtPriceX96, int decimals0, int decimals1) {
        if (sqrtPriceX96.signum() <= 0) {
            throw new IllegalArgumentException("no price from sqrtPriceX96 " + sqrtPriceX96);
        }
        return ratio(sqrtPriceX96.pow(2).multiply(BigInteger.TEN.pow(decimals0)), Q192.multiply(BigInteger.TEN.pow(decimals1)));
    }

    /**
     * Uniswap V3 in-range depth in whole quote tokens: twice the virtual quote reserve L * sqrtP (the pool's
     * liquidity L at the current price), the same measure as twice a V2 pool's quote reserve.
     */
    public static BigDecimal v3Depth(BigInteger liquidity, BigInteger sqrtPriceX96, int decimals1) {
        return ratio(liquidity.multiply(sqrtPriceX96).shiftLeft(1), Q96.multiply(BigInteger.TEN.pow(decimals1)));
    }

    /** Uniswap V2 depth in whole quote tokens: twice the quote reserve. */
    public static BigDecimal v2Depth(BigInteger reserve1, int decimals1) {
        return ratio(reserve1.shiftLeft(1), BigInteger.TEN.pow(decimals1));
    }

    /** A Chainlink-style aggregator answer with its feed's decimals. */
    public static BigDecimal aggregatorPrice(BigInteger answer, int decimals) {
        if (answer.signum() <= 0) {
            throw new IllegalArgumentException("an aggregator answer must be positive, got " + answer);
        }
        return ratio(answer, BigInteger.TEN.pow(decimals));
    }

    /** Routes a price through a reference asset: base in reference times reference in quote. */
    public static BigDecimal route(BigDecimal baseInReference, BigDecimal referenceInQuote) {
        return baseInReference.multiply(referenceInQuote, PRECISION);
    }

    public static BigDecimal invert(BigDecimal price) {
        if (price.signum() <= 0) {
            throw new IllegalArgumentException("cannot invert price " + price);
        }
        return BigDecimal.ONE.divide(price, PRECISION);
    }

    private static BigDecimal ratio(BigInteger numerator, BigInteger denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), PRECISION).stripTrailingZeros();
    }
}
