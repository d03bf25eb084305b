package io.chaintrack.connectors.price;

import io.chaintrack.core.price.PriceMath;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A pool's two prices in base units (unit 'base' of token_prices: raw quote units per raw token unit, no decimals),
 * each with its depth in the quote token's base units, computed exactly and rounded once to
 * {@link PriceMath#PRECISION}. token1-in-token0 is computed from the integers, not by inverting the rounded price.
 */
public final class PoolPrices {
    private static final BigInteger Q96 = BigInteger.ONE.shiftLeft(96);
    private static final BigInteger Q192 = BigInteger.ONE.shiftLeft(192);

    /** A token's price in the pool's other token, and the depth behind it (both in base units). */
    public record Side(BigDecimal price, BigDecimal liquidity) {}

    private PoolPrices() {}

    /** V2 token0 in token1: reserve1 / reserve0, depth 2 x reserve1; null when either reserve is empty. */
    public static Side v2Token0(BigInteger reserve0, BigInteger reserve1) {
        if (reserve0.signum() <= 0 || reserve1.signum() <= 0) {
            return null;
        }
        return new Side(PriceMath.v2Price(reserve0, reserve1, 0, 0), PriceMath.v2Depth(reserve1, 0));
    }

    /** V2 token1 in token0: the same pair seen from the other side. */
    public static Side v2Token1(BigInteger reserve0, BigInteger reserve1) {
        return v2Token0(reserve1, reserve0);
    }

    /** V3 token0 in token1 from sqrtPriceX96 (sqrtP^2 / 2^192), depth 2 L sqrtP / 2^96. */
    public static Side v3Token0(BigInteger sqrtPriceX96, BigInteger liquidity) {
        if (sqrtPriceX96.signum() <= 0) {
            return null;
        }
        return new Side(PriceMath.v3Price(sqrtPriceX96, 0, 0), PriceMath.v3Depth(liquidity, sqrtPriceX96, 0));
    }

    /** V3 token1 in token0: 2^192 / sqrtP^2, depth 2 L 2^96 / sqrtP (the virtual token0 reserve, twice). */
    public static Side v3Token1(BigInteger sqrtPriceX96, BigInteger liquidity) {
        if (sqrtPriceX96.signum() <= 0) {
            return null;
        }
        return new Side(ratio(Q192, sqrtPriceX96.pow(2)), ratio(liquidity.multiply(Q96).shiftLeft(1), sqrtPriceX96));
    }

    private static BigDecimal ratio(BigInteger numerator, BigInteger denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), PriceMath.PRECISION).stripTrailingZeros();
    }
}
