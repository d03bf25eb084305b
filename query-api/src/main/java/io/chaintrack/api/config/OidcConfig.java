package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Settings under {@code chaintrack.api.auth.oidc}: sign-in through an OpenID Connect provider. With an issuer set,
 * {@code Authorization: Bearer <JWT>} is accepted beside API keys: a token must be signed by a key of the issuer's
 * JWKS (found through its discovery document), name this issuer and this audience, and be unexpired.
 *
 * @param issuer the issuer URL exactly as its tokens' {@code iss} claim says it; empty: bearer tokens are refused
 * @param audience the value the tokens' {@code aud} must contain (the client id of this API at the provider)
 * @param tier the API tier signed-in users are served under (methods and request budget, per user)
 * @param clockSkew how far {@code exp} and {@code nbf} may be off the server's clock
 */
@ConfigurationProperties("chaintrack.api.auth.oidc")
public record OidcConfig(@Nullable String issuer,
                         @Nullable String audience,
                         @Bindable(defaultValue = "standard") String tier,
                         @Bindable(defaultValue = "30s") Duration clockSkew) {

    public OidcConfig {
        if (issuer != null && issuer.isBlank()) {
            issuer = null;
        }
        if (issuer != null && (audience == null || audience.isBlank())) {
            throw new IllegalArgumentException("chaintrack.api.auth.oidc.audience is required when chaintrack.api.auth.oidc.issuer is set");
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("chaintrack.api.auth.oidc.clock-skew must not be negative, not " + clockSkew);
        }
    }

    public boolean enabled() {
        return issuer != null;
    }
}
