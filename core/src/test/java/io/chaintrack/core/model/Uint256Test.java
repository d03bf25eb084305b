package io.chaintrack.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class Uint256Test {
    @Test
    void zeroIsEmptyAndSmallValuesAreMinimal() {
        assertThat(Uint256.encode(BigInteger.ZERO)).isEqualTo(ByteString.EMPTY);
        assertThat(Uint256.decode(ByteString.EMPTY)).isEqualTo(BigInteger.ZERO);
        assertThat(Uint256.encode(BigInteger.ONE).toByteArray()).containsExactly(1);
        // 0x80 needs no sign byte in the unsigned encoding
        assertThat(Uint256.encode(BigInteger.valueOf(128)).toByteArray()).containsExactly((byte) 0x80);
        assertThat(Uint256.encode(BigInteger.valueOf(256)).toByteArray()).containsExactly(1, 0);
    }

    @Test
    void maxIsThirtyTwoBytesOfOnesAndRoundTrips() {
        ByteString max = Uint256.encode(Uint256.MAX);
        assertThat(max.size()).isEqualTo(32);
        for (int i = 0; i < 32; i++) {
            assertThat(max.byteAt(i)).isEqualTo((byte) 0xff);
        }
        assertThat(Uint256.decode(max)).isEqualTo(BigInteger.TWO.pow(256).subtract(BigInteger.ONE));
        for (BigInteger v : new BigInteger[] {BigInteger.TWO.pow(255), BigInteger.TWO.pow(64), BigInteger.valueOf(Long.MAX_VALUE)}) {
            assertThat(Uint256.decode(Uint256.encode(v))).isEqualTo(v);
        }
    }

    @Test
    void rejectsValuesOutsideTheRangeNamingThem() {
        assertThatThrownBy(() -> Uint256.encode(BigInteger.TWO.pow(256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(BigInteger.TWO.pow(256).toString());
        assertThatThrownBy(() -> Uint256.encode(BigInteger.valueOf(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> Uint256.decode(ByteString.copyFrom(new byte[33])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33");
        assertThatThrownBy(() -> Uint256.parse("0x1" + "0".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Uint256.parse("-5")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesDecimalAndHex() {
        assertThat(Uint256.parse("0x")).isZero();
        assertThat(Uint256.parse("0xFF")).isEqualTo(255);
        assertThat(Uint256.parse(" 1000 ")).isEqualTo(1000);
        assertThat(Uint256.parse("0x" + "f".repeat(64))).isEqualTo(Uint256.MAX);
    }
}
