package io.chaintrack.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.List;
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

    /** The checksummed test vectors of EIP-55's own text (https://eips.ethereum.org/EIPS/eip-55, "Test cases"). */
    static final List<String> EIP55_CHECKSUMMED = List.of(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
    /** EIP-55's "all caps" and "all lower" cases (the first revision's test list): no checksum, accepted as given. */
    static final List<String> EIP55_SINGLE_CASE = List.of(
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26");

    @Test
    void checksumsMatchEip55sTestVectors() {
        for (String vector : EIP55_CHECKSUMMED) {
            String lower = vector.toLowerCase(java.util.Locale.ROOT);
            assertThat(Addresses.checksummed(lower)).isEqualTo(vector);
            assertThat(Addresses.checksummed("0x" + lower.substring(2).toUpperCase(java.util.Locale.ROOT))).isEqualTo(vector);
            assertThat(Addresses.hasValidChecksum(vector)).isTrue();
            assertThat(Addresses.normalizeChecked(vector)).isEqualTo(lower);
        }
        // the all-caps vectors are all digits and A-F, so their checksum form is mixed: still accepted as given
        for (String vector : EIP55_SINGLE_CASE) {
            assertThat(Addresses.hasValidChecksum(vector)).isTrue();
            assertThat(Addresses.normalizeChecked(vector)).isEqualTo(vector.toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void aMixedCaseAddressWithOneLetterOfTheWrongCaseIsRefusedByName() {
        for (String vector : EIP55_CHECKSUMMED) {
            for (int i = 2; i < vector.length(); i++) {
                char c = vector.charAt(i);
                if (!Character.isLetter(c)) {
                    continue;
                }
                char flipped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
                String typo = vector.substring(0, i) + flipped + vector.substring(i + 1);
                if (typo.substring(2).chars().anyMatch(ch -> ch >= 'a') && typo.substring(2).chars().anyMatch(ch -> ch >= 'A' && ch <= 'F')) {
                    assertThat(Addresses.hasValidChecksum(typo)).as(typo).isFalse();
                    assertThatThrownBy(() -> Addresses.normalizeChecked(typo)).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining(typo).hasMessageContaining("EIP-55 checksum");
                }
            }
        }
        // the old example of this test: mixed case, not a checksum
        String mixed = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
        assertThatThrownBy(() -> ChainAccounts.normalizeAccount(1, mixed)).hasMessageContaining(mixed).hasMessageContaining("checksum");
        assertThatThrownBy(() -> ChainAccounts.normalizeToken(1, mixed)).hasMessageContaining(mixed).hasMessageContaining("checksum");
        assertThat(ChainAccounts.normalizeAccount(1, EIP55_CHECKSUMMED.get(0))).isEqualTo(EIP55_CHECKSUMMED.get(0).toLowerCase(java.util.Locale.ROOT));
        assertThat(ChainAccounts.normalizeToken(1, EIP55_CHECKSUMMED.get(1))).isEqualTo(EIP55_CHECKSUMMED.get(1).toLowerCase(java.util.Locale.ROOT));
        assertThat(ChainAccounts.normalizeToken(1, "Native")).isEqualTo(Addresses.NATIVE);
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
