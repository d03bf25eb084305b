package io.chaintrack.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void normalisesToLowercaseAndRejectsWhatIsNotAnAddress() {
        String mixed = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
        assertThat(Addresses.normalize(mixed)).isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
        assertThat(Addresses.normalize("0X" + "A".repeat(40))).isEqualTo("0x" + "a".repeat(40));
        assertThatThrownBy(() -> Addresses.normalize("0x1234")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x1234");
        assertThatThrownBy(() -> Addresses.normalize(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Addresses.normalize("0x" + "g".repeat(40))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Addresses.isAddress(Addresses.ZERO)).isTrue();
        assertThat(Addresses.isHash("0x" + "0".repeat(64))).isTrue();
        assertThat(Addresses.isHash("0x" + "0".repeat(63))).isFalse();
    }

    @Test
    void tokensAreAddressesOrTheNativeCoin() {
        assertThat(Addresses.normalizeToken("NATIVE")).isEqualTo(Addresses.NATIVE);
        assertThat(Addresses.normalizeToken("0x" + "B".repeat(40))).isEqualTo("0x" + "b".repeat(40));
        assertThat(Addresses.isToken("eth")).isFalse();
        assertThatThrownBy(() -> Addresses.normalizeToken("eth")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicsYieldTheLowTwentyBytes() {
        String topic = "0x000000000000000000000000" + "AB".repeat(20);
        assertThat(Addresses.fromTopic(topic)).isEqualTo("0x" + "ab".repeat(20));
        assertThatThrownBy(() -> Addresses.fromTopic("0x12")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transferEffectsCountNftsAndKeepErc1155PerId() {
        Transfer nft = Transfer.newBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC721).setToken("0x" + "1".repeat(40))
                .setFromAddress("0x" + "a".repeat(40)).setToAddress("0x" + "b".repeat(40))
                .setAmount(ByteString.EMPTY).setTokenId(Uint256.encode(BigInteger.valueOf(77))).build();
        assertThat(TransferEffects.amount(nft)).isEqualTo(1);
        assertThat(TransferEffects.senderKey(5L, nft)).isEqualTo(new BalanceKey(5L, nft.getToken(), BigInteger.ZERO, nft.getFromAddress()));
        Transfer multi = nft.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC1155).setAmount(Uint256.encode(BigInteger.TEN)).build();
        assertThat(TransferEffects.amount(multi)).isEqualTo(10);
        assertThat(TransferEffects.receiverKey(5L, multi)).isEqualTo(new BalanceKey(5L, nft.getToken(), BigInteger.valueOf(77), nft.getToAddress()));
        Transfer erc20 = multi.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC20).build();
        assertThat(TransferEffects.balanceTokenId(erc20)).isZero();
    }
}
