package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Map;

/**
 * Settings under {@code chaintrack.api.token-metadata}: where token symbol/name/decimals are read from
 * (one JSON-RPC URL per chain; chains without one get no metadata) and how often the resolver looks.
 *
 * @param rpcUrls JSON-RPC endpoint per decimal chain id
 * @param interval pause between sweeps for tokens without metadata
 * @param batchSize tokens claimed and looked up per round trip
 * @param requestTimeout bound of one JSON-RPC HTTP call
 * @param maxAttempts lookups of a token whose RPC calls failed before the resolver gives up on it
 * @param retryAfter wait before a failed lookup is tried again
 * @param claimTimeout after this a claim by a replica that died is taken over
 */
@ConfigurationProperties("chaintrack.api.token-metadata")
public record TokenMetadataConfig(
        @Bindable(defaultValue = "") Map<String, String> rpcUrls,
        @Bindable(defaultValue = "30s") Duration interval,
        @Bindable(defaultValue = "20") int batchSize,
        @Bindable(defaultValue = "10s") Duration requestTimeout,
        @Bindable(defaultValue = "5") int maxAttempts,
        @Bindable(defaultValue = "10m") Duration retryAfter,
        @Bindable(defaultValue = "5m") Duration claimTimeout) {

    public TokenMetadataConfig {
        rpcUrls = rpcUrls == null ? Map.of() : Map.copyOf(rpcUrls);
        for (Map.Entry<String, String> e : rpcUrls.entrySet()) {
            if (!e.getKey().matches("[1-9][0-9]{0,18}")) {
                throw new IllegalArgumentException("chaintrack.api.token-metadata.rpc-urls: '" + e.getKey() + "' is not a chain id");
            }
            if (!e.getValue().startsWith("http://") && !e.getValue().startsWith("https://")) {
                throw new IllegalArgumentException("chaintrack.api.token-metadata.rpc-urls." + e.getKey() + " must be an http(s) URL");
            }
        }
        if (batchSize < 1 || maxAttempts < 1 || interval.toMillis() < 10) {
            throw new IllegalArgumentException("chaintrack.api.token-metadata: batch-size and max-attempts must be positive,"
                    + " interval at least 10ms");
        }
    }
}
