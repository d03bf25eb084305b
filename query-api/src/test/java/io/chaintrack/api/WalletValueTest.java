package io.chaintrack.api;

import static io.chaintrack.api.PricesTest.HOLDER;
import static io.chaintrack.api.PricesTest.NFT;
import static io.chaintrack.api.PricesTest.NOPRICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.proto.v1.GetWalletBalancesRequest;
import io.chaintrack.proto.v1.GetWalletBalancesResponse;
import io.chaintrack.proto.v1.GetWalletHistoryRequest;
import io.chaintrack.proto.v1.GetWalletHistoryResponse;
import io.chaintrack.proto.v1.TotalValueView;
import io.chaintrack.proto.v1.WalletServiceGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A wallet's balances and value over time in USD are its address's (PricesTest's rows and hand-computed values):
 * the same totals over REST and gRPC as the address routes give.
 */
class WalletValueTest {
    static final String AUDIENCE = "chaintrack-api";
    static MockOAuth2Server oidc;
    static ApiFixture fixture;
    static Clients clients;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        oidc = new MockOAuth2Server();
        oidc.start();
        fixture = ApiFixture.builder().seedConnection(PricesTest::seed)
                .properties(Map.of("chaintrack.api.auth.enabled", true,
                        "chaintrack.api.auth.oidc.issuer", oidc.issuerUrl("default").toString(),
                        "chaintrack.api.auth.oidc.audience", AUDIENCE, "chaintrack.api.auth.oidc.tier", "unlimited",
                        "chaintrack.prices.reference-assets", PricesTest.WETH + "=native"))
                .start();
        clients = fixture.clients;
        token = oidc.issueToken("default", "holder", AUDIENCE, Map.of(), 3600).serialize();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        oidc.shutdown();
    }

    @Test
    void aWalletsValueNowAndOverTimeIsItsAddresss() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
        Clients.Response created = clients.send("POST", "/v1/wallets", Map.of("Authorization", "Bearer " + token,
                "Content-Type", "application/json"), "{\"chainId\": \"1\", \"address\": \"" + HOLDER + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().getAsJsonObject("wallet").get("walletId").getAsString();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        WalletServiceGrpc.WalletServiceBlockingStub wallets = WalletServiceGrpc.newBlockingStub(clients.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        GetWalletBalancesResponse now = wallets.getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(id)
                .setCurrency("usd").build());
        // 2 ETH × 2010 + 1000 TOK × 1.005 (last known good, stale); the NFT and NOP named, not counted
        assertThat(now.getTotalValue().getValue()).isEqualTo("5025");
        assertThat(now.getTotalValue().getUnpricedTokensList()).containsExactly(NOPRICE, NFT);
        Clients.Response rest = clients.get("/v1/wallets/" + id + "/balances?currency=usd", auth);
        // valued_at is each call's own now: compare what was valued
        assertThat(rest.parse(GetWalletBalancesResponse.newBuilder()).build().getTotalValue().toBuilder().clearValuedAt().build())
                .isEqualTo(now.getTotalValue().toBuilder().clearValuedAt().build());
        assertThat(wallets.getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(id).build()).hasTotalValue()).isFalse();

        GetWalletHistoryResponse history = wallets.getWalletHistory(GetWalletHistoryRequest.newBuilder().setWalletId(id)
                .setWindowSeconds(3600).setCurrency("usd").build());
        assertThat(history.getHistory().getValuesList()).extracting(TotalValueView::getValue).containsExactly("2700", "3800", "5025");
        GetPortfolioHistoryResponse address = BalanceServiceGrpc.newBlockingStub(clients.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).getPortfolioHistory(GetPortfolioHistoryRequest.newBuilder()
                .setChainId(1).setAddress(HOLDER).setWindowSeconds(3600).setCurrency("usd").build());
        assertThat(history.getHistory()).isEqualTo(address);
        Clients.Response restHistory = clients.get("/v1/wallets/" + id + "/history?window_seconds=3600&currency=usd", auth);
        assertThat(restHistory.status()).as(restHistory.body()).isEqualTo(200);
        assertThat(restHistory.parse(GetWalletHistoryResponse.newBuilder()).build()).isEqualTo(history);
        Clients.Response bad = clients.get("/v1/wallets/" + id + "/history?currency=eur", auth);
        assertThat(bad.status()).isEqualTo(400);
        JsonObject problem = bad.json();
        assertThat(problem.get("parameter").getAsString()).isEqualTo("currency");
    }
}
