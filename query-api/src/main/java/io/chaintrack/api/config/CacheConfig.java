package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Map;

/**
 * Settings under {@code chaintrack.api.cache}: how long an answer of each method may be served from memory.
 * A method's TTL comes from the api_cache_ttls table when it has a row there (changeable at runtime, shared by
 * every replica), else from {@code ttls.<method>}, else from {@code default-ttl}; 0 means never cached.
 *
 * @param enabled false turns every TTL into 0 (benchmarks measure the store, not memory)
 * @param defaultTtl TTL of methods without their own
 * @param ttls per method, keyed by the RPC name in any spelling (list-chains, ListChains, listChains)
 * @param maxEntries bound of the cache over all methods
 * @param refreshInterval how often the api_cache_ttls table is read
 */
@ConfigurationProperties("chaintrack.api.cache")
public record CacheConfig(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "0s") Duration defaultTtl,
        @Bindable(defaultValue = "") Map<String, Duration> ttls,
        @Bindable(defaultValue = "10000") long maxEntries,
        @Bindable(defaultValue = "5s") Duration refreshInterval) {

    public CacheConfig {
        ttls = ttls == null ? Map.of() : Map.copyOf(ttls);
        if (defaultTtl.isNegative() || ttls.values().stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("chaintrack.api.cache: TTLs must not be negative");
        }
        if (maxEntries < 1 || refreshInterval.toMillis() < 10) {
            throw new IllegalArgumentException("chaintrack.api.cache: max-entries must be positive, refresh-interval at least 10ms");
        }
    }
}
