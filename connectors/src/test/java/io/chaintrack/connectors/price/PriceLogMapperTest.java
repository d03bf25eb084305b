package io.chaintrack.connectors.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.PriceLog;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which price logs a chain keeps, and the configuration's text forms with their errors; logs hand-encoded. */
class PriceLogMapperTest {
    private static final String POOL = "0x" + "11".repeat(20);
    private static final String OTHER = "0x" + "22".repeat(20);
    private static final String FEED = "0x" + "33".repeat(20);
    private static final String FACTORY = "0x" + "44".repeat(20);
    private static final String A = "0x" + "0a".repeat(20);
    private static final String B = "0x" + "0b".repeat(20);

    @Test
    void keepsConfiguredPoolsFeedsAndFactoriesOnly() {
        PriceLogMapper configured = new PriceLogMapper(PriceSourcesConfig.parse(
                List.of("v2:" + POOL + ":" + B + ":" + A), List.of(), List.of("native=" + FEED + ":8"), List.of()));
        String sync = word(1000) + word(2500);
        PriceLog kept = configured.map(POOL.toUpperCase().replace("0X", "0x"), List.of(PriceLogDecoder.SYNC), "0x" + sync, 3, 7).orElseThrow();
        assertThat(kept.getAddress()).isEqualTo(POOL);
        assertThat(kept.getTxIndex()).isEqualTo(3);
        assertThat(kept.getLogIndex()).isEqualTo(7);
        assertThat(Uint256.decode(kept.getV2Reserves().getReserve0())).isEqualTo(1000);
        assertThat(Uint256.decode(kept.getV2Reserves().getReserve1())).isEqualTo(2500);
        assertThat(configured.map(OTHER, List.of(PriceLogDecoder.SYNC), "0x" + sync, 0, 0)).as("not a configured pool").isEmpty();

        // AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt): a negative answer survives
        String minusFive = "0x" + "f".repeat(63) + "b";
        PriceLog answer = configured.map(FEED, List.of(PriceLogDecoder.ANSWER_UPDATED, minusFive, "0x" + word(9)), "0x" + word(1700000000), 0, 1)
                .orElseThrow();
        assertThat(new BigInteger(answer.getAnswer().getAnswer().toByteArray())).isEqualTo(-5);
        assertThat(answer.getAnswer().getUpdatedAt()).isEqualTo(1700000000L);

        PriceLogMapper byFactory = new PriceLogMapper(PriceSourcesConfig.parse(List.of(), List.of("v2:" + FACTORY), List.of(), List.of()));
        assertThat(byFactory.map(OTHER, List.of(PriceLogDecoder.SYNC), "0x" + sync, 0, 0)).as("any Sync may be a factory's pool").isPresent();
        PriceLog created = byFactory.map(FACTORY, List.of(PriceLogDecoder.PAIR_CREATED, topic(A), topic(B)),
                "0x" + "0".repeat(24) + POOL.substring(2) + word(1), 0, 0).orElseThrow();
        assertThat(created.getPoolCreated().getPool()).isEqualTo(POOL);
        assertThat(created.getPoolCreated().getFee()).isEqualTo(-1);
        assertThat(byFactory.map(OTHER, List.of(PriceLogDecoder.PAIR_CREATED, topic(A), topic(B)),
                "0x" + "0".repeat(24) + POOL.substring(2) + word(1), 0, 0)).as("another factory's pair").isEmpty();
        assertThatThrownBy(() -> byFactory.map(OTHER, List.of(PriceLogDecoder.SYNC), "0x" + word(1), 0, 0))
                .hasMessageContaining("Sync log with 1 topics and 1 data words");
        assertThat(new PriceLogMapper(PriceSourcesConfig.NONE).map(POOL, List.of(PriceLogDecoder.SYNC), "0x" + sync, 0, 0)).isEmpty();
    }

    @Test
    void configurationEntriesAreParsedAndBadOnesNamed() {
        PriceSourcesConfig c = PriceSourcesConfig.parse(List.of("V3:" + POOL + ":" + B + ":" + A), List.of("v2:" + FACTORY),
                List.of("0x" + "0A".repeat(20) + "=" + FEED + ":8:" + B, "NATIVE=" + FEED + ":18"), List.of(A + "=native"));
        assertThat(c.pools()).containsExactly(new PriceSourcesConfig.Pool(PriceSourcesConfig.Dex.V3, POOL, A, B));
        assertThat(c.feeds()).containsExactly(new PriceSourcesConfig.Feed(A, FEED, 8, B),
                new PriceSourcesConfig.Feed("native", FEED, 18, "USD"));
        assertThat(c.referenceAssets()).isEqualTo(Map.of(A, "native"));
        assertThatThrownBy(() -> PriceSourcesConfig.parse(List.of("v4:" + POOL + ":" + A + ":" + B), List.of(), List.of(), List.of()))
                .hasMessageContaining("kind 'v4' is not v2 or v3");
        assertThatThrownBy(() -> PriceSourcesConfig.parse(List.of("v2:" + POOL + ":" + A), List.of(), List.of(), List.of()))
                .hasMessageContaining("must be v2|v3:<pool>:<tokenA>:<tokenB>");
        assertThatThrownBy(() -> PriceSourcesConfig.parse(List.of(), List.of(), List.of("native=" + FEED + ":eight"), List.of()))
                .hasMessageContaining("decimals 'eight' is not a number");
        assertThatThrownBy(() -> PriceSourcesConfig.parse(List.of(), List.of("v2:0x1234"), List.of(), List.of()))
                .hasMessageContaining("'0x1234' is not a 0x address of 20 bytes");
        assertThatThrownBy(() -> PriceSourcesConfig.parse(List.of("v2:" + POOL + ":" + A + ":" + A), List.of(), List.of(), List.of()))
                .hasMessageContaining("names the same token twice");
    }

    private static String word(long v) {
        return String.format("%064x", v);
    }

    private static String topic(String address) {
        return "0x" + "0".repeat(24) + address.substring(2);
    }
}
