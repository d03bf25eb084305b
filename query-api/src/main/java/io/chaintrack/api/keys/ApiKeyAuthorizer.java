package io.chaintrack.api.keys;

import io.chaintrack.api.config.AuthConfig;
import io.chaintrack.api.config.OidcConfig;
import io.chaintrack.api.context.Caller;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.RateLimitedException;
import io.chaintrack.api.error.UnauthenticatedException;
import io.chaintrack.api.query.Store;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The one authorization rule both transports apply. A caller presents one credential: an API key (x-api-key;
 * machines, possibly acting for a user) or an OpenID Connect bearer token (Authorization; a signed-in user, served
 * under the configured tier with a request budget per user). Unknown, revoked or refused credentials are 401 with a
 * challenge naming what to send; a tier without the method is 403; a used-up shared budget 429 with the seconds
 * until it refills ({@link RateLimits}).
 */
@Singleton
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class ApiKeyAuthorizer {
    public static final String HEADER = "x-api-key";
    /** Methods that stay open so probes and operators never need a key. */
    public static final Set<String> OPEN_METHODS = Set.of("chaintrack.v1.HealthService/Check", "chaintrack.v1.HealthService/Readiness");
    /** The challenge for an API key (RFC 9110 §11.6.1). */
    public static final String API_KEY_CHALLENGE = "ApiKey realm=\"" + OidcVerifier.REALM + "\", header=\"x-api-key\"";

    private final Store store;
    private final ApiKeyStore keys;
    private final RateLimits limits;
    private final OidcVerifier oidc;
    private final String userTier;

    public ApiKeyAuthorizer(Store store, AuthConfig config, OidcConfig oidcConfig, Clock clock) {
        this.store = store;
        this.keys = new ApiKeyStore(store.dataSource());
        this.limits = new RateLimits(store.dataSource(), config.localShare(), config.syncPeriod());
        this.oidc = new OidcVerifier(oidcConfig, clock);
        this.userTier = oidcConfig.tier();
    }

    /** The one verifier of bearer tokens (its discovery document also serves the web app's sign-in). */
    public OidcVerifier oidc() {
        return oidc;
    }

    /** Whether bearer tokens are accepted (an issuer is configured). */
    public boolean acceptsBearerTokens() {
        return oidc.enabled();
    }

    /**
     * Returns the caller the request is served for (no key and no user for the open methods); throws the failure
     * otherwise.
     *
     * @param apiKey the x-api-key header or metadata, or null
     * @param authorization the Authorization header or metadata, or null
     */
    public Caller authorize(String apiKey, String authorization, String fullMethod) {
        if (OPEN_METHODS.contains(fullMethod)) {
            return Caller.anonymous(null);
        }
        boolean hasKey = apiKey != null && !apiKey.isBlank();
        boolean hasToken = authorization != null && !authorization.isBlank();
        if (hasKey && hasToken) {
            throw new ApiException(ErrorKind.INVALID_ARGUMENT, OidcVerifier.HEADER,
                    "send one credential: an x-api-key or an Authorization bearer token, not both");
        }
        if (hasToken) {
            return authorizeUser(authorization.strip(), fullMethod);
        }
        if (!hasKey) {
            throw new UnauthenticatedException(HEADER, oidc.enabled()
                    ? "an API key (x-api-key header) or a bearer token (Authorization header) is required"
                    : "an API key is required in the " + HEADER + " header", challenge());
        }
        byte[] hash = ApiKeyStore.hash(apiKey.strip());
        ApiKeyStore.Grant grant = store.read(c -> keys.findActive(c, hash)).orElseThrow(() ->
                new UnauthenticatedException(HEADER, "unknown or revoked API key", challenge()));
        admit(grant.tier(), grant.keyId(), fullMethod, "the '" + grant.tier().name() + "' tier");
        return new Caller(grant.keyId(), grant.user(), null);
    }

    private Caller authorizeUser(String authorization, String fullMethod) {
        if (!oidc.enabled()) {
            throw new UnauthenticatedException(OidcVerifier.HEADER, "bearer tokens are not accepted: no OpenID Connect issuer is"
                    + " configured (chaintrack.api.auth.oidc.issuer); send an API key in the " + HEADER + " header", API_KEY_CHALLENGE);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            throw new UnauthenticatedException(OidcVerifier.HEADER, "only 'Bearer <token>' is accepted in the Authorization header",
                    challenge());
        }
        Caller.User user = oidc.verify(authorization.substring(7).strip());
        ApiKeyStore.Tier tier = store.read(c -> keys.findTier(c, userTier)).orElseThrow(() -> new ApiException(ErrorKind.INTERNAL, null,
                "the tier of signed-in users (chaintrack.api.auth.oidc.tier = '" + userTier + "') does not exist"));
        admit(tier, bucketOf(user), fullMethod, "the tier of signed-in users ('" + tier.name() + "')");
        return new Caller(null, user, null);
    }

    private void admit(ApiKeyStore.Tier tier, String bucket, String fullMethod, String who) {
        if (!tier.allows(fullMethod)) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, null, who + " does not include " + fullMethod);
        }
        long retryAfter = limits.tryConsume(bucket, tier);
        if (retryAfter > 0) {
            throw new RateLimitedException("rate limit of " + tier.requestsPerWindow() + " requests per "
                    + tier.windowSeconds() + " s reached; retry in " + retryAfter + " s", retryAfter);
        }
    }

    /** The challenges of a request that sent no usable credential: every scheme this API accepts. */
    private String challenge() {
        return oidc.enabled() ? API_KEY_CHALLENGE + ", " + OidcVerifier.bearerChallenge() : API_KEY_CHALLENGE;
    }

    /** A user's rate bucket: a digest, so issuer URLs and subjects of any length make a short, safe id. */
    static String bucketOf(Caller.User user) {
        byte[] digest = ApiKeyStore.hash(user.issuer() + "\n" + user.subject());
        return "user-" + HexFormat.of().formatHex(digest, 0, 16).toLowerCase(Locale.ROOT);
    }

}
