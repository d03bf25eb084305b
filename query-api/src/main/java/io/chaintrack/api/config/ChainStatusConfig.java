package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Map;

/**
 * Settings under {@code chaintrack.api.chain-status}: when a chain's indexed data counts as stale.
 *
 * @param staleAfter a chain whose latest indexed block is older than this is STALE
 * @param staleAfterByChain per-chain overrides keyed by decimal chain id (slow chains need more)
 */
@ConfigurationProperties("chaintrack.api.chain-status")
public record ChainStatusConfig(
        @Bindable(defaultValue = "2m") Duration staleAfter,
        @Bindable(defaultValue = "") Map<String, Duration> staleAfterByChain) {

    public ChainStatusConfig {
        staleAfterByChain = staleAfterByChain == null ? Map.of() : Map.copyOf(staleAfterByChain);
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("chaintrack.api.chain-status.stale-after must be positive, got " + staleAfter);
        }
    }

    public Duration staleAfter(long chainId) {
        return staleAfterByChain.getOrDefault(Long.toString(chainId), staleAfter);
    }
}
