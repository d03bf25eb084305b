package io.chaintrack.api.keys;

import io.chaintrack.api.config.AuthConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.RateLimitedException;
import io.chaintrack.api.query.Store;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * The one authorization rule both transports apply: a known, unrevoked key (401 otherwise) whose tier
 * allows the method (403) and whose shared request budget is not used up (429 with the seconds until it refills;
 * {@link RateLimits}).
 */
@Singleton
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class ApiKeyAuthorizer {
    public static final String HEADER = "x-api-key";
    /** Methods that stay open so probes and operators never need a key. */
    public static final Set<String> OPEN_METHODS = Set.of("chaintrack.v1.HealthService/Check", "chaintrack.v1.HealthService/Readiness");

    private final Store store;
    private final ApiKeyStore keys;
    private final RateLimits limits;

    public ApiKeyAuthorizer(Store store, AuthConfig config) {
        this.store = store;
        this.keys = new ApiKeyStore(store.dataSource());
        this.limits = new RateLimits(store.dataSource(), config.localShare(), config.syncPeriod());
    }

    /** Returns the key id the request is served under; throws the failure otherwise. */
    public String authorize(String secret, String fullMethod) {
        if (OPEN_METHODS.contains(fullMethod)) {
            return null;
        }
        if (secret == null || secret.isBlank()) {
            throw new ApiException(ErrorKind.UNAUTHENTICATED, HEADER, "an API key is required in the " + HEADER + " header");
        }
        byte[] hash = ApiKeyStore.hash(secret.strip());
        ApiKeyStore.Grant grant = store.read(c -> keys.findActive(c, hash)).orElseThrow(() ->
                new ApiException(ErrorKind.UNAUTHENTICATED, HEADER, "unknown or revoked API key"));
        if (!grant.tier().allows(fullMethod)) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, null,
                    "the '" + grant.tier().name() + "' tier does not include " + fullMethod);
        }
        long retryAfter = limits.tryConsume(grant.keyId(), grant.tier());
        if (retryAfter > 0) {
            throw new RateLimitedException("rate limit of " + grant.tier().requestsPerWindow() + " requests per "
                    + grant.tier().windowSeconds() + " s reached; retry in " + retryAfter + " s", retryAfter);
        }
        return grant.keyId();
    }
}
