package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.api.error.InvalidArgumentException;
import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reference-asset setting and the currency parameter, against hand-written expectations. */
class PriceQueryServiceTest {
    @Test
    void referenceAssetsGroupTransitivelyAndRefuseMalformedPairs() {
        var groups = PriceQueryService.equivalents(" 0xAA=native , 0xbb=0xaa,0xcc=0xdd");
        assertThat(groups.get("native")).containsExactlyInAnyOrder("native", "0xaa", "0xbb");
        assertThat(groups.get("0xbb")).isEqualTo(groups.get("native"));
        assertThat(groups.get("0xcc")).isEqualTo(Set.of("0xcc", "0xdd"));
        assertThat(groups).doesNotContainKey("0xee");
        assertThat(PriceQueryService.equivalents("")).isEmpty();
        assertThatThrownBy(() -> PriceQueryService.equivalents("0xaa"))
                .hasMessageContaining("chaintrack.prices.reference-assets").hasMessageContaining("'0xaa'");
        assertThatThrownBy(() -> PriceQueryService.equivalents("0xaa="))
                .hasMessageContaining("not token=reference");
    }

    @Test
    void onlyUsdIsACurrencyAndEmptyMeansNoneOrUsd() {
        assertThat(PriceQueryService.currency("currency", "", false)).isNull();
        assertThat(PriceQueryService.currency("currency", "", true)).isEqualTo("USD");
        assertThat(PriceQueryService.currency("currency", "uSd", false)).isEqualTo("USD");
        assertThatThrownBy(() -> PriceQueryService.currency("currency", "eur", false))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unsupported currency 'eur'");
    }

    @Test
    void pricesAreWrittenWithoutExponentOrTrailingZeros() {
        assertThat(PriceQueryService.plain(new BigDecimal("1.00500"))).isEqualTo("1.005");
        assertThat(PriceQueryService.plain(new BigDecimal("2.0E+3"))).isEqualTo("2000");
        assertThat(PriceQueryService.plain(new BigDecimal("2E-9"))).isEqualTo("0.000000002");
        assertThat(PriceQueryService.plain(new BigDecimal("0.000"))).isEqualTo("0");
    }
}
