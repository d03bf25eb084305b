package io.chaintrack.connectors.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration fails at build time with the name of what is wrong. */
class EvmChainConfigTest {

    private static EvmChainConfig.Builder base() {
        return EvmChainConfig.builder(1, "mainnet").endpoint("https://rpc.example/");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        EvmChainConfig c = base().build();
        assertThat(c.reorgDepth()).isEqualTo(128);
        assertThat(c.finality()).isEqualTo(FinalityPolicy.confirmations(0));
        assertThat(c.nativeTransfers()).isTrue();
        assertThat(c.traces()).isEqualTo(EvmChainConfig.TraceMode.NONE);
        assertThat(c.bounded()).isFalse();
        assertThat(c.fees()).as("fees follow native transfers").isTrue();
        assertThat(base().nativeTransfers(false).build().fees()).isFalse();
        assertThat(base().nativeTransfers(false).fees(true).build().receiptsNeeded()).isTrue();
        assertThat(c.headSubscription()).isTrue();
        assertThat(c.subscribedPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(base().pollInterval(Duration.ofSeconds(30)).build().subscribedPollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().pollInterval(Duration.ofMinutes(1)).build().subscribedPollInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rejectsBadValuesByName() {
        assertThatThrownBy(() -> base().clearEndpoints().build()).hasMessageContaining("chain mainnet: at least one RPC endpoint");
        assertThatThrownBy(() -> base().reorgDepth(0).build()).hasMessageContaining("reorgDepth must be >= 1");
        assertThatThrownBy(() -> base().startBlock(10).endBlock(5L).build()).hasMessageContaining("endBlock 5 is before startBlock 10");
        assertThatThrownBy(() -> base().nativeTransfers(false).traces(EvmChainConfig.TraceMode.CALL_TRACER).build())
                .hasMessageContaining("traces CALL_TRACER need nativeTransfers on");
        assertThatThrownBy(() -> base().pollInterval(Duration.ZERO).build()).hasMessageContaining("pollInterval must be positive");
        assertThatThrownBy(() -> base().pollInterval(Duration.ofSeconds(5)).subscribedPollInterval(Duration.ofSeconds(1)).build())
                .hasMessageContaining("subscribedPollInterval must be >= pollInterval PT5S");
        assertThatThrownBy(() -> base().wsUrl("http://x/").build()).hasMessageContaining("wsUrl must start with ws:// or wss://");
        assertThatThrownBy(() -> base().baseFeeRecipient("0x12").build()).hasMessageContaining("not a 0x-prefixed 20-byte hex address: 0x12");
        assertThatThrownBy(() -> base().endpoint("https://rpc.example/").build()).hasMessageContaining("endpoint names must be unique");
        assertThatThrownBy(() -> FinalityPolicy.confirmations(-1)).hasMessageContaining("confirmations must be >= 0");
        assertThatThrownBy(() -> RpcEndpoint.of("ws://x")).hasMessageContaining("url must be http(s)");
        assertThatThrownBy(() -> new RpcEndpoint("infura", "https://mainnet.infura.io/v3/", RpcCredential.urlToken("k", "s")))
                .hasMessageContaining("a URL_TOKEN credential needs {token} in the url");
        assertThatThrownBy(() -> RpcCredential.header("k", "x-api-key", "")).hasMessageContaining("needs a secret");
        assertThatThrownBy(() -> RateLimit.perSecond(0)).hasMessageContaining("rate limit calls must be >= 1");
    }

    @Test
    void secretsCanComeFromTheEnvironmentAndNeverShowInToString() {
        RpcCredential c = RpcCredential.header("alchemy-main", "Authorization", "env:ALCHEMY_KEY")
                .withRateLimit(RateLimit.perSecond(25));
        assertThat(c.resolveSecret(Map.of("ALCHEMY_KEY", "Bearer abc"))).isEqualTo("Bearer abc");
        assertThatThrownBy(() -> c.resolveSecret(Map.of())).hasMessageContaining("environment variable ALCHEMY_KEY is not set");
        assertThat(c.toString()).doesNotContain("env:").contains("alchemy-main");
        assertThat(RateLimit.perSecond(1).spacing()).isEqualTo(Duration.ofMillis(1100));
        assertThat(RateLimit.perSecond(4).spacing()).isEqualTo(Duration.ofMillis(275));
    }
}
