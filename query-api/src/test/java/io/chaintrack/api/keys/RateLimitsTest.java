package io.chaintrack.api.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared token buckets with two "replicas" (two RateLimits over one database): exact without a local share,
 * over the limit by at most replicas × floor(limit × local-share) with one, and a refill time for every refusal.
 */
class RateLimitsTest {
    static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        Migrations.migrate(postgres.dataSource());
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    static ApiKeyStore.Tier tier(int limit, int windowSeconds) {
        return new ApiKeyStore.Tier("t" + limit, List.of("*"), limit, windowSeconds);
    }

    /** Requests the replicas let through, taking turns, until each has refused {@code refusals} times. */
    static int allowed(String key, ApiKeyStore.Tier tier, RateLimits... replicas) {
        int allowed = 0;
        int refused = 0;
        for (int i = 0; refused < 4 * replicas.length && i < 10 * tier.requestsPerWindow(); i++) {
            long retryAfter = replicas[i % replicas.length].tryConsume(key, tier);
            if (retryAfter == 0) {
                allowed++;
            } else {
                assertThat(retryAfter).isBetween(1L, (long) tier.windowSeconds());
                refused++;
            }
        }
        return allowed;
    }

    @Test
    void withoutALocalShareTheLimitIsExactAcrossReplicas() {
        RateLimits one = new RateLimits(postgres.dataSource(), 0, Duration.ofSeconds(1));
        RateLimits two = new RateLimits(postgres.dataSource(), 0, Duration.ofSeconds(1));
        assertThat(allowed("exact", tier(50, 1_000_000), one, two)).isEqualTo(50);
    }

    @Test
    void aLocalShareOvershootsByAtMostReplicasTimesTheShare() {
        // 10 % of 100: each replica may hold 10 unwritten requests; the sync period is far longer than the test
        RateLimits one = new RateLimits(postgres.dataSource(), 0.1, Duration.ofHours(1));
        RateLimits two = new RateLimits(postgres.dataSource(), 0.1, Duration.ofHours(1));
        assertThat(one.unsynchronized(100)).isEqualTo(10);
        assertThat(allowed("shared", tier(100, 1_000_000), one, two)).isBetween(100, 100 + 2 * 10);
    }

    @Test
    void aTierFasterThanATokenPerNanosecondStillWorks() {
        RateLimits one = new RateLimits(postgres.dataSource(), 0.01, Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            assertThat(one.tryConsume("unlimited", tier(Integer.MAX_VALUE, 1))).isZero();
        }
    }
}
