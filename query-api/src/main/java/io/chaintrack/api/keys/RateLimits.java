package io.chaintrack.api.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Each key's request budget as a Bucket4j token bucket in PostgreSQL (table api_rate_buckets of
 * V41__api_rate_buckets.sql), shared by every API replica: capacity = the tier's requests per window, refilled
 * in full every window. A replica may consume up to {@code localShare} of a tier's limit locally (and for at most
 * {@code syncPeriod}) before it writes to the shared bucket (Bucket4j's delaying optimisation); a limit whose
 * share is under one request is exact, every request consults the database. Rejections are always decided
 * against the shared state.
 */
public final class RateLimits {
    private final ProxyManager<String> buckets;
    private final double localShare;
    private final Duration syncPeriod;
    /** The optimised proxies hold the local share: one per bucket, kept while the key is in use. */
    private final Cache<String, BucketProxy> proxies = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

    public RateLimits(DataSource dataSource, double localShare, Duration syncPeriod) {
        if (localShare < 0 || localShare > 1) {
            throw new IllegalArgumentException("chaintrack.api.auth.local-share must be between 0 and 1, not " + localShare);
        }
        if (syncPeriod.isNegative() || syncPeriod.isZero()) {
            throw new IllegalArgumentException("chaintrack.api.auth.sync-period must be positive, not " + syncPeriod);
        }
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("api_rate_buckets").idColumn("bucket_id").stateColumn("state")
                .build();
        this.localShare = localShare;
        this.syncPeriod = syncPeriod;
    }

    /** The most requests one replica consumes of a limit without writing them to the shared bucket (0: exact). */
    long unsynchronized(long limit) {
        return (long) Math.floor(limit * localShare);
    }

    /** Consumes one request of the key's budget: 0 when allowed, otherwise the whole seconds until it refills (≥ 1). */
    public long tryConsume(String keyId, ApiKeyStore.Tier tier) {
        // the limit is part of the id: a tier changed with set-tier starts a new bucket with the new limit
        String id = keyId + "/" + tier.requestsPerWindow() + "/" + tier.windowSeconds();
        BucketProxy bucket = proxies.get(id, k -> build(k, tier));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        long nanos = probe.getNanosToWaitForRefill();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private BucketProxy build(String id, ApiKeyStore.Tier tier) {
        long limit = tier.requestsPerWindow();
        Duration window = Duration.ofSeconds(tier.windowSeconds());
        // Bucket4j refills at most one token per nanosecond: a faster tier ('unlimited': 2^31-1 per second) refills
        // at that rate, still far beyond what any replica serves
        long refill = Math.min(limit, window.toNanos());
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limit).refillIntervally(refill, window).build())
                .build();
        RemoteBucketBuilder<String> builder = buckets.builder();
        long share = unsynchronized(limit);
        if (share >= 1) {
            builder = builder.withOptimization(Optimizations.delaying(new DelayParameters(share, syncPeriod)));
        }
        return builder.build(id, () -> configuration);
    }
}
