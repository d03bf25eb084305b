package io.chaintrack.api.keys;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.RateLimitedException;
import io.chaintrack.api.query.Store;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * The one authorization rule both transports apply: a known, unrevoked key (401 otherwise) whose tier
 * allows the method (403) and whose shared request window is not used up (429 with the seconds left).
 */
@Singleton
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class ApiKeyAuthorizer {
    public static final String HEADER = "x-api-key";
    /** Methods that stay open so probes and operators never need a key. */
    public static final Set<String> OPEN_METHODS = Set.of("chaintrack.v1.HealthService/Check", "chaintrack.v1.HealthService/Readiness");

    private final Store store;
    private final ApiKeyStore keys;

    public ApiKeyAuthorizer(Store store) {
        this.store = store;
        this.keys = new ApiKeyStore(store.dataSource());
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
        return store.read(c -> {
            ApiKeyStore.Grant grant = keys.findActive(c, hash).orElseThrow(() ->
                    new ApiException(ErrorKind.UNAUTHENTICATED, HEADER, "unknown or revoked API key"));
            if (!grant.tier().allows(fullMethod)) {
                throw new ApiException(ErrorKind.PERMISSION_DENIED, null,
                        "the '" + grant.tier().name() + "' tier does not include " + fullMethod);
            }
            ApiKeyStore.WindowCount count = keys.count(c, grant.keyId(), grant.tier().windowSeconds());
            if (count.requests() > grant.tier().requestsPerWindow()) {
                throw new RateLimitedException("rate limit of " + grant.tier().requestsPerWindow() + " requests per "
                        + grant.tier().windowSeconds() + " s reached; retry in " + count.secondsLeft() + " s", count.secondsLeft());
            }
            return grant.keyId();
        });
    }
}
