package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS for configured origins only: preflight answered, Access-Control-Allow-Origin for them, nothing when unset. */
class CorsTest {
    static final String APP = "https://app.example.com";
    static ApiFixture cors;
    static ApiFixture plain;

    @BeforeAll
    static void start() throws Exception {
        // the test servers are on localhost and the origins are not: Micronaut answers that pairing 403 (DNS-rebinding
        // protection, CORS configured or not) unless told to pass it through
        cors = ApiFixture.builder().seed(new SeedData()::seed).properties(Map.of(
                "chaintrack.api.cors.allowed-origins", APP + ", https://admin.example.com",
                "micronaut.server.cors.localhost-pass-through", true)).start();
        plain = ApiFixture.builder().seed(new SeedData()::seed)
                .property("micronaut.server.cors.localhost-pass-through", true).start();
    }

    @AfterAll
    static void stop() throws Exception {
        cors.close();
        plain.close();
    }

    @Test
    void aConfiguredOriginGetsTheHeaderAndItsPreflight() {
        Clients.Response get = cors.clients.get("/v1/chains", Map.of("Origin", APP));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(get.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Retry-After");

        Clients.Response preflight = cors.clients.send("OPTIONS", "/v1/chains/1/addresses/" + SeedData.A + "/transfers",
                Map.of("Origin", APP, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-api-key"));
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");

        // a frontend editing its user's wallets: PATCH with a bearer token and a JSON body
        Clients.Response edit = cors.clients.send("OPTIONS", "/v1/wallets/w_00000000000000000000",
                Map.of("Origin", APP, "Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization,content-type"));
        assertThat(edit.status()).isEqualTo(200);
        assertThat(edit.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("PATCH");
        assertThat(edit.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
    }

    @Test
    void otherOriginsAndUnconfiguredServersGetNoCorsHeaders() {
        Clients.Response other = cors.clients.get("/v1/chains", Map.of("Origin", "https://evil.example.com"));
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        Clients.Response get = plain.clients.get("/v1/chains", Map.of("Origin", APP));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
