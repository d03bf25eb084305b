package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Settings under {@code chaintrack.api.prices}: how the API picks the best price at read time (core.price.BestPrice).
 * One freshness limit serves both rules: a source older than it no longer votes, and an answer without a voter is
 * the last known good one, marked stale.
 *
 * @param staleAfter a source's observation older than this at the moment asked is stale (BestPrice's max age)
 * @param targetDepth depth in USD at which a source's liquidity counts fully (thinner pools count proportionally)
 * @param outlierDeviation relative distance from the median at which a source's agreement, and so its vote, is 0
 */
@ConfigurationProperties("chaintrack.api.prices")
public record PriceConfig(@Bindable(defaultValue = "10m") Duration staleAfter,
                          @Bindable(defaultValue = "100000") String targetDepth,
                          @Bindable(defaultValue = "0.10") String outlierDeviation) {
    public PriceConfig {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("chaintrack.api.prices.stale-after must be positive, got " + staleAfter);
        }
        positive("target-depth", targetDepth);
        positive("outlier-deviation", outlierDeviation);
    }

    public BigDecimal depth() {
        return new BigDecimal(targetDepth.trim());
    }

    public BigDecimal deviation() {
        return new BigDecimal(outlierDeviation.trim());
    }

    private static void positive(String key, String value) {
        try {
            if (new BigDecimal(value.trim()).signum() > 0) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("chaintrack.api.prices." + key + " must be a positive decimal, got '" + value + "'");
    }
}
