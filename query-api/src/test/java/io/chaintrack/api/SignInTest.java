package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.SignedJWT;
import io.chaintrack.api.keys.ApiKeyStore;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListWalletsRequest;
import io.chaintrack.proto.v1.WalletServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in through a real OpenID Connect provider running in-process (mock-oauth2-server: discovery document, JWKS,
 * RS256-signed tokens): a valid token is served on both transports; an expired, wrong-audience, wrong-issuer,
 * tampered, unparseable or non-bearer credential is 401 with a challenge saying why; signed-in users get the
 * configured tier's request budget, per user.
 */
class SignInTest {
    static final String AUDIENCE = "chaintrack-api";
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> WWW_AUTHENTICATE = Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);
    static MockOAuth2Server oidc;
    static ApiFixture fixture;
    static Clients clients;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        oidc = new MockOAuth2Server();
        oidc.start();
        issuer = oidc.issuerUrl("default").toString();
        fixture = ApiFixture.builder().seed(new SeedData()::seed)
                .properties(Map.of("chaintrack.api.auth.enabled", true, "chaintrack.api.auth.oidc.issuer", issuer,
                        "chaintrack.api.auth.oidc.audience", AUDIENCE, "chaintrack.api.auth.oidc.tier", "users",
                        "chaintrack.api.auth.local-share", 0))
                .start();
        clients = fixture.clients;
        tier(100_000, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        oidc.shutdown();
    }

    static void tier(int limit, int windowSeconds) throws Exception {
        new ApiKeyStore(fixture.postgres.dataSource()).setTier(new ApiKeyStore.Tier("users", List.of("*"), limit, windowSeconds));
    }

    static String token(String issuerId, String subject, String audience, long expirySeconds) {
        return oidc.issueToken(issuerId, subject, audience, Map.of(), expirySeconds).serialize();
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    static WalletServiceGrpc.WalletServiceBlockingStub grpcAs(String authorization) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, authorization);
        return WalletServiceGrpc.newBlockingStub(clients.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void aValidTokenSignsInOnBothTransports() {
        String token = token("default", "alice", AUDIENCE, 3600);
        Clients.Response chains = clients.get("/v1/chains", bearer(token));
        assertThat(chains.status()).as(chains.body()).isEqualTo(200);
        Clients.Response wallets = clients.get("/v1/wallets", bearer(token));
        assertThat(wallets.status()).as(wallets.body()).isEqualTo(200);
        assertThat(wallets.json().getAsJsonArray("wallets")).isEmpty();
        assertThat(grpcAs("Bearer " + token).listWallets(ListWalletsRequest.getDefaultInstance()).getWalletsCount()).isZero();
        // the scheme name is case-insensitive (RFC 9110 §11.1)
        assertThat(clients.get("/v1/wallets", Map.of("Authorization", "bearer " + token)).status()).isEqualTo(200);
    }

    @Test
    void refusedTokensAre401WithTheReasonOnBothTransports() throws Exception {
        String valid = token("default", "alice", AUDIENCE, 3600);
        // a forged payload (another subject) under the issuer's real signature
        String[] parts = valid.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"alice\"", "\"mallory\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(SignedJWT.parse(forged).getJWTClaimsSet().getSubject()).isEqualTo("mallory");
        Map<String, String> cases = Map.of(
                token("default", "alice", AUDIENCE, -3600), "the token expired at",
                token("default", "alice", "another-api", 3600), "the token is for audience [another-api], not for " + AUDIENCE,
                token("other", "alice", AUDIENCE, 3600), "the token was issued by " + oidc.issuerUrl("other") + ", not by " + issuer,
                forged, "the token's signature does not verify with the issuer's keys",
                "not-a-jwt", "the bearer token is not a JWT");
        for (Map.Entry<String, String> refused : cases.entrySet()) {
            Clients.Response rest = clients.get("/v1/wallets", bearer(refused.getKey()));
            assertThat(rest.status()).as(refused.getValue()).isEqualTo(401);
            assertThat(rest.contentType()).startsWith("application/problem+json");
            assertThat(rest.json().get("detail").getAsString()).contains(refused.getValue());
            assertThat(rest.json().get("parameter").getAsString()).isEqualTo("Authorization");
            String challenge = rest.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertThat(challenge).startsWith("Bearer realm=\"chaintrack\", error=\"invalid_token\", error_description=\"")
                    .contains(refused.getValue().replace('"', '\''));

            StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                    () -> grpcAs("Bearer " + refused.getKey()).listWallets(ListWalletsRequest.getDefaultInstance()));
            assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(grpc.getStatus().getDescription()).contains(refused.getValue());
            assertThat(grpc.getTrailers().get(WWW_AUTHENTICATE)).isEqualTo(challenge);
        }
        // the unexpired version of the same claims is accepted: the refusals above are about the claims named
        assertThat(clients.get("/v1/wallets", bearer(valid)).status()).isEqualTo(200);
    }

    @Test
    void missingOrOtherSchemesAndTwoCredentialsAreRefused() {
        Clients.Response none = clients.get("/v1/wallets");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValue("ApiKey realm=\"chaintrack\", header=\"x-api-key\", Bearer realm=\"chaintrack\"");
        Clients.Response basic = clients.get("/v1/wallets", Map.of("Authorization", "Basic YWxpY2U6cHc="));
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("detail").getAsString()).contains("only 'Bearer <token>'");
        Clients.Response both = clients.get("/v1/wallets", Map.of("Authorization", "Bearer x", "x-api-key", "ck_x"));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("detail").getAsString()).contains("not both");
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                () -> WalletServiceGrpc.newBlockingStub(clients.channel).listWallets(ListWalletsRequest.getDefaultInstance()));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(grpc.getTrailers().get(WWW_AUTHENTICATE)).isEqualTo("ApiKey realm=\"chaintrack\", header=\"x-api-key\", Bearer realm=\"chaintrack\"");
    }

    @Test
    void signedInUsersHaveTheirOwnRequestBudget() throws Exception {
        try {
            tier(3, 3600);
            String dave = token("default", "dave", AUDIENCE, 3600);
            String erin = token("default", "erin", AUDIENCE, 3600);
            for (int i = 0; i < 3; i++) {
                assertThat(clients.get("/v1/chains", bearer(dave)).status()).isEqualTo(200);
            }
            Clients.Response limited = clients.get("/v1/chains", bearer(dave));
            assertThat(limited.status()).isEqualTo(429);
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 3600L);
            // a new token of the same user shares the user's budget; another user has their own
            assertThat(clients.get("/v1/chains", bearer(token("default", "dave", AUDIENCE, 3600))).status()).isEqualTo(429);
            assertThat(io.chaintrack.proto.v1.ChainServiceGrpc.newBlockingStub(clients.channel).withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(metadata("Bearer " + erin))).listChains(ListChainsRequest.getDefaultInstance())
                    .getChainsCount()).isEqualTo(2);
        } finally {
            tier(100_000, 60);
        }
    }

    @Test
    void theOpenApiDocumentOffersBothSchemesAndListsTheWalletErrors() {
        Clients.Response doc = clients.get("/openapi.json");
        var parsed = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(doc.body());
        assertThat(parsed.getMessages()).isEmpty();
        com.google.gson.JsonObject json = doc.json();
        com.google.gson.JsonObject schemes = json.getAsJsonObject("components").getAsJsonObject("securitySchemes");
        assertThat(schemes.keySet()).containsExactlyInAnyOrder("ApiKey", "BearerAuth");
        assertThat(schemes.getAsJsonObject("BearerAuth").get("scheme").getAsString()).isEqualTo("bearer");
        com.google.gson.JsonObject patch = json.getAsJsonObject("paths").getAsJsonObject("/v1/wallets/{wallet_id}").getAsJsonObject("patch");
        assertThat(patch.getAsJsonObject("responses").keySet()).contains("400", "401", "403", "404", "429");
        assertThat(patch.getAsJsonObject("responses").getAsJsonObject("401").getAsJsonObject("headers").has("WWW-Authenticate")).isTrue();
        assertThat(patch.getAsJsonObject("responses").getAsJsonObject("429").getAsJsonObject("headers").has("Retry-After")).isTrue();
        assertThat(patch.getAsJsonObject("requestBody").getAsJsonObject("content").has("application/json")).isTrue();
        assertThat(patch.get("security").toString()).isEqualTo("[{\"ApiKey\":[]},{\"BearerAuth\":[]}]");
        // a body route documents its fields in the body, not as query parameters
        com.google.gson.JsonObject upload = json.getAsJsonObject("paths").getAsJsonObject("/v1/wallets/import").getAsJsonObject("post");
        assertThat(upload.getAsJsonObject("requestBody").getAsJsonObject("content").keySet()).containsExactly("application/json", "text/csv");
        assertThat(upload.getAsJsonArray("parameters").toString()).doesNotContain("\"csv\"");
    }

    static Metadata metadata(String authorization) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, authorization);
        return headers;
    }
}
