package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.chaintrack.api.keys.ApiKeyStore;
import io.chaintrack.api.keys.KeysCommand;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys with auth enabled, on two API instances sharing one database: 401 without or with a bad key,
 * 403 outside the tier, 429 + Retry-After (RESOURCE_EXHAUSTED + RetryInfo) once the shared window is used up.
 */
class AuthTest {
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    static EmbeddedPostgresServer postgres;
    static QueryApi first;
    static QueryApi second;
    static Clients one;
    static Clients two;
    static String basicKey;
    static String standardKey;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.start();
        new SeedData().seed(postgres.dataSource());
        Map<String, Object> auth = Map.of("chaintrack.api.auth.enabled", true);
        first = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0, auth);
        second = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0, auth);
        one = new Clients(first);
        two = new Clients(second);
        basicKey = secretOf(keys("create", "--name", "dashboard", "--tier", "basic"));
        standardKey = secretOf(keys("create", "--name", "backend", "--tier", "standard"));
    }

    @AfterAll
    static void stop() throws Exception {
        one.close();
        two.close();
        first.close();
        second.close();
        postgres.close();
    }

    record Run(int exit, String out, String err) {}

    static Run keys(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine command = new picocli.CommandLine(new KeysCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 3];
        full[0] = "--jdbc-url=" + postgres.jdbcUrl();
        full[1] = "--db-user=" + postgres.user();
        full[2] = "--db-password=" + postgres.password();
        full[3] = args[0];
        System.arraycopy(args, 1, full, 4, args.length - 1);
        return new Run(command.execute(full), out.toString(), err.toString());
    }

    static String secretOf(Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
        Matcher m = Pattern.compile("secret: (ck_\\S+)").matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m.group(1);
    }

    static <S extends AbstractStub<S>> S withKey(S stub, String key) {
        Metadata headers = new Metadata();
        headers.put(API_KEY, key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void missingOrUnknownKeysAre401OnBothTransports() {
        for (Clients clients : List.of(one, two)) {
            Clients.Response none = clients.get("/v1/chains");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
            assertThat(none.json().get("grpcCode").getAsString()).isEqualTo("UNAUTHENTICATED");
            assertThat(none.json().get("parameter").getAsString()).isEqualTo("x-api-key");
            assertThat(none.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("ApiKey realm=\"chaintrack\", header=\"x-api-key\"");
            assertThat(clients.get("/v1/chains", Map.of("x-api-key", "ck_nope_nope")).status()).isEqualTo(401);

            StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                    () -> clients.chains.listChains(ListChainsRequest.getDefaultInstance()));
            assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class,
                    () -> withKey(clients.chains, "ck_wrong").listChains(ListChainsRequest.getDefaultInstance()));
            assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        // the rejections are measured like any other request
        MetricsText metrics = MetricsText.parse(one.get("/metrics").body());
        assertThat(metrics.value("chaintrack_api_request_duration_seconds_count",
                Map.of("route", "chaintrack.v1.ChainService/ListChains", "status", "UNAUTHENTICATED"))).isGreaterThanOrEqualTo(2);
        assertThat(metrics.value("chaintrack_api_request_duration_seconds_count",
                Map.of("route", "/v1/chains", "status", "401"))).isGreaterThanOrEqualTo(2);
    }

    @Test
    void healthMetricsAndDocsStayOpen() {
        assertThat(one.get("/v1/health").status()).isEqualTo(200);
        assertThat(one.health.check(CheckRequest.getDefaultInstance()).getStatus()).isEqualTo("SERVING");
        assertThat(one.get("/v1/health/readiness").status()).isEqualTo(200);
        assertThat(one.health.readiness(io.chaintrack.proto.v1.ReadinessRequest.getDefaultInstance()).getReady()).isTrue();
        assertThat(one.get("/metrics").status()).isEqualTo(200);
        assertThat(one.get("/openapi.json").status()).isEqualTo(200);
        assertThat(one.get("/docs").status()).isEqualTo(200);
        assertThat(one.get("/openapi.json").json().getAsJsonObject("components").has("securitySchemes")).isTrue();
        com.google.gson.JsonObject responses = one.get("/openapi.json").json().getAsJsonObject("paths").getAsJsonObject("/v1/chains")
                .getAsJsonObject("get").getAsJsonObject("responses");
        assertThat(responses.getAsJsonObject("401").getAsJsonObject("headers").has("WWW-Authenticate")).isTrue();
        assertThat(responses.getAsJsonObject("429").getAsJsonObject("headers").has("Retry-After")).isTrue();
        // unknown routes stay 404 rather than revealing auth
        assertThat(one.get("/v1/unknown").status()).isEqualTo(404);
    }

    @Test
    void aTierWithoutTheMethodIs403() {
        Map<String, String> basic = Map.of("x-api-key", basicKey);
        assertThat(one.get("/v1/chains", basic).status()).isEqualTo(200);
        assertThat(one.get("/v1/chains/1/addresses/" + SeedData.A + "/balances", basic).status()).isEqualTo(200);
        Clients.Response denied = one.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers", basic);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().get("grpcCode").getAsString()).isEqualTo("PERMISSION_DENIED");
        assertThat(denied.json().get("detail").getAsString()).contains("chaintrack.v1.TransferService/ListAddressTransfers");

        assertThat(withKey(two.chains, basicKey).listChains(ListChainsRequest.getDefaultInstance()).getChainsCount()).isEqualTo(2);
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () -> withKey(two.transfers, basicKey)
                .listAddressTransfers(ListAddressTransfersRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build()));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        // a full tier gets everything, and REST and gRPC still agree
        ListChainsResponse grpcChains = withKey(one.chains, standardKey).listChains(ListChainsRequest.getDefaultInstance());
        assertThat(two.get("/v1/chains", Map.of("x-api-key", standardKey)).parse(ListChainsResponse.newBuilder()).build()).isEqualTo(grpcChains);
        assertThat(one.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers", Map.of("x-api-key", standardKey)).status()).isEqualTo(200);
    }

    @Test
    void aLimitIsSharedByTwoInstances() {
        // one request per "second" of a window ~31 years long: no window boundary can fall inside the test
        assertThat(keys("set-tier", "--name", "tiny", "--methods", "chaintrack.v1.ChainService/*,chaintrack.v1.BalanceService/*",
                "--limit", "6", "--window-seconds", "1000000000").exit()).isZero();
        String tinyKey = secretOf(keys("create", "--name", "trial", "--tier", "tiny"));
        Map<String, String> header = Map.of("x-api-key", tinyKey);
        GetBalancesRequest balances = GetBalancesRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build();

        // six requests spread over both instances and both transports use up the one shared window
        assertThat(one.get("/v1/chains", header).status()).isEqualTo(200);
        assertThat(two.get("/v1/chains", header).status()).isEqualTo(200);
        withKey(one.balances, tinyKey).getBalances(balances);
        withKey(two.balances, tinyKey).getBalances(balances);
        assertThat(one.get("/v1/chains/1/totals", header).status()).isEqualTo(200);
        assertThat(two.get("/v1/chains/1/addresses/" + SeedData.A + "/balances", header).status()).isEqualTo(200);

        for (Clients clients : List.of(one, two)) {
            Clients.Response limited = clients.get("/v1/chains", header);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("grpcCode").getAsString()).isEqualTo("RESOURCE_EXHAUSTED");
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 1_000_000_000L);

            StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                    () -> withKey(clients.balances, tinyKey).getBalances(balances));
            assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            RetryInfo retry = StatusProto.fromThrowable(grpc).getDetailsList().stream().filter(d -> d.is(RetryInfo.class))
                    .findFirst().map(d -> {
                        try {
                            return d.unpack(RetryInfo.class);
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw new AssertionError(e);
                        }
                    }).orElseThrow();
            assertThat(retry.getRetryDelay().getSeconds()).isBetween(1L, 1_000_000_000L);
            assertThat(grpc.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER))).isNotNull();
        }
        // other keys are not affected
        assertThat(two.get("/v1/chains", Map.of("x-api-key", standardKey)).status()).isEqualTo(200);
    }

    @Test
    void keysAreStoredHashedListedWithoutSecretsAndRevocable() throws Exception {
        Run created = keys("create", "--name", "temp", "--tier", "standard");
        String secret = secretOf(created);
        String keyId = created.out().lines().filter(l -> l.startsWith("key_id: ")).findFirst().orElseThrow().substring(8);
        assertThat(one.get("/v1/chains", Map.of("x-api-key", secret)).status()).isEqualTo(200);

        try (Connection c = postgres.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT key_hash, name, tier FROM api_keys WHERE key_id = '" + keyId + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).isEqualTo(ApiKeyStore.hash(secret));
            assertThat(rs.getString(2) + rs.getString(3)).doesNotContain(secret);
        }
        Run list = keys("list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(keyId).contains("temp").doesNotContain(secret)
                .doesNotContain(HexFormat.of().formatHex(ApiKeyStore.hash(secret)));
        assertThat(list.out()).doesNotContain(basicKey).doesNotContain(standardKey);

        Run revoked = keys("revoke", keyId);
        assertThat(revoked.exit()).isZero();
        assertThat(one.get("/v1/chains", Map.of("x-api-key", secret)).status()).isEqualTo(401);
        assertThat(two.get("/v1/chains", Map.of("x-api-key", secret)).status()).isEqualTo(401);
        assertThat(keys("revoke", keyId).exit()).isEqualTo(1);
        assertThat(keys("create", "--name", "x", "--tier", "gold").exit()).isEqualTo(2);
        assertThat(keys("tiers").out()).contains("basic").contains("standard");

        // a key acting for a user: listed with its user; both user options or neither
        String userKey = secretOf(keys("create", "--name", "hal's script", "--tier", "standard",
                "--user-issuer", "https://id.example.com/", "--user-subject", "hal"));
        assertThat(keys("list").out()).contains("hal at https://id.example.com/");
        assertThat(one.get("/v1/wallets", Map.of("x-api-key", userKey)).status()).isEqualTo(200);
        assertThat(one.get("/v1/wallets", Map.of("x-api-key", standardKey)).status()).isEqualTo(403);
        assertThat(keys("create", "--name", "x", "--tier", "standard", "--user-issuer", "https://id.example.com/").exit()).isEqualTo(2);
    }
}
