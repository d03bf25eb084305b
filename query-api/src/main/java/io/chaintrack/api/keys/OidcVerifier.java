package io.chaintrack.api.keys;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.chaintrack.api.config.OidcConfig;
import io.chaintrack.api.context.Caller;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.UnauthenticatedException;
import io.chaintrack.api.error.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies OpenID Connect bearer tokens (JWS-signed JWTs) for the one authorizer of both transports: the issuer's
 * discovery document names its JWKS, whose keys (cached, refreshed when a token names an unknown key id) must verify
 * the signature; iss must be the configured issuer, aud contain the configured audience, exp lie ahead and nbf behind
 * (within the clock skew), sub be present. Every refusal is a 401 whose challenge says why (RFC 6750
 * error="invalid_token"); a provider that cannot be reached is a 503, not a refusal.
 */
public final class OidcVerifier {
    /** The realm of every challenge; the same as the API-key challenge's. */
    static final String REALM = "chaintrack";
    public static final String HEADER = "Authorization";
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final OidcConfig config;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    /** Built on the first token, so the API starts while the provider is away; kept once discovery succeeded. */
    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile JsonObject discovery;

    public OidcVerifier(OidcConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The challenge of a 401 for a request that sent no credential, or a bearer token with no detail. */
    static String bearerChallenge() {
        return "Bearer realm=\"" + REALM + "\"";
    }

    /** The user a valid token signs in; a 401 naming the reason otherwise. */
    public Caller.User verify(String token) {
        JWT jwt;
        JWTClaimsSet unverified;
        try {
            jwt = JWTParser.parse(token);
            unverified = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("the bearer token is not a JWT");
        }
        // checked before the signature only to name the problem: a token of another issuer is signed with keys this
        // API does not fetch; nothing is accepted before the signature below verifies
        if (!config.issuer().equals(unverified.getIssuer())) {
            throw refused("the token was issued by " + describe(unverified.getIssuer()) + ", not by " + config.issuer());
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(jwt, null);
        } catch (BadJWSException e) {
            throw refused("the token's signature does not verify with the issuer's keys");
        } catch (BadJWTException e) {
            throw refused(e.getMessage());
        } catch (BadJOSEException e) {
            throw refused(e.getMessage().contains("no matching key")
                    ? "the token is signed with a key or algorithm the issuer does not publish" : "the token is not accepted: " + e.getMessage());
        } catch (KeySourceException e) {
            throw new UnavailableException("the OpenID Connect provider's keys (JWKS) could not be read; retry later", e);
        } catch (JOSEException e) {
            throw refused("the token could not be verified: " + e.getMessage());
        }
        return new Caller.User(claims.getIssuer(), claims.getSubject());
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> built = processor;
        if (built == null) {
            synchronized (this) {
                built = processor;
                if (built == null) {
                    built = build(discoverJwks());
                    processor = built;
                }
            }
        }
        return built;
    }

    private DefaultJWTProcessor<SecurityContext> build(URL jwks) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwks).retrying(true).build();
        DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
        built.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        built.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims));
        return built;
    }

    private void checkClaims(JWTClaimsSet claims) throws BadJWTException {
        Instant now = clock.instant();
        Duration skew = config.clockSkew();
        if (!config.issuer().equals(claims.getIssuer())) {
            throw new BadJWTException("the token was issued by " + describe(claims.getIssuer()) + ", not by " + config.issuer());
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.audience())) {
            throw new BadJWTException("the token is for audience " + (audience == null ? "[]" : audience)
                    + ", not for " + config.audience());
        }
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new BadJWTException("the token has no expiry (exp)");
        }
        if (!expires.toInstant().plus(skew).isAfter(now)) {
            throw new BadJWTException("the token expired at " + expires.toInstant());
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().minus(skew).isAfter(now)) {
            throw new BadJWTException("the token is not valid before " + notBefore.toInstant());
        }
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw new BadJWTException("the token names no subject (sub)");
        }
    }

    /** jwks_uri of the issuer's discovery document, whose issuer must be the configured one (OIDC Discovery §4.3). */
    private URL discoverJwks() {
        try {
            return URI.create(discoveryDocument().get("jwks_uri").getAsString()).toURL();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw new UnavailableException("the OpenID Connect provider's discovery document names no usable jwks_uri; retry later", e);
        }
    }

    /**
     * The issuer's discovery document (kept once read), checked to name the configured issuer: the JWKS for tokens, and
     * the endpoints the web app's sign-in uses. 503 while the provider cannot be read.
     */
    public JsonObject discoveryDocument() {
        JsonObject known = discovery;
        if (known != null) {
            return known;
        }
        String base = config.issuer().endsWith("/") ? config.issuer().substring(0, config.issuer().length() - 1) : config.issuer();
        URI discoveryUri = URI.create(base + "/.well-known/openid-configuration");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(discoveryUri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            JsonObject document = JsonParser.parseString(response.body()).getAsJsonObject();
            String issuer = document.has("issuer") ? document.get("issuer").getAsString() : null;
            if (!config.issuer().equals(issuer)) {
                throw new ApiException(io.chaintrack.api.error.ErrorKind.INTERNAL, null, "the OpenID Connect discovery document at "
                        + discoveryUri + " names issuer " + issuer + ", not the configured " + config.issuer());
            }
            discovery = document;
            return document;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw new UnavailableException("the OpenID Connect provider's discovery document (" + discoveryUri + ") could not be read; retry later", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while reading the OpenID Connect discovery document", e);
        }
    }

    private static String describe(String issuer) {
        return issuer == null ? "no issuer (iss)" : issuer;
    }

    private static UnauthenticatedException refused(String reason) {
        // RFC 6750 §3: error_description is restricted to printable ASCII without '"' and '\'
        String safe = reason.replaceAll("[^\\x20-\\x7e]", "?").replace('"', '\'').replace('\\', '/');
        return new UnauthenticatedException(HEADER, reason,
                bearerChallenge() + ", error=\"invalid_token\", error_description=\"" + safe + "\"");
    }
}
