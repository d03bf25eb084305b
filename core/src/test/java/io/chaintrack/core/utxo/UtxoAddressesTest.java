package io.chaintrack.core.utxo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.bitcoinj.base.ScriptType;
import org.junit.jupiter.api.Test;

/**
 * Oracles: the test vectors of BIP-173 (bech32) and BIP-350 (bech32m), the Bitcoin wiki's example addresses, the
 * Electrum protocol documentation's script-hash example, and a base58check encoder written here from the
 * definition (version byte, payload, first four bytes of double SHA-256) for the Litecoin and Dogecoin versions.
 */
class UtxoAddressesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyBitcoinAddressFormIsRecognised() {
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.BITCOIN, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")).isEqualTo(ScriptType.P2PKH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.BITCOIN, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")).isEqualTo(ScriptType.P2SH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.BITCOIN, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")).isEqualTo(ScriptType.P2WPKH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.BITCOIN_TESTNET,
                "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")).isEqualTo(ScriptType.P2WSH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.BITCOIN,
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")).isEqualTo(ScriptType.P2TR);
    }

    @Test
    void bech32IsLowercasedAndBase58KeptAsWritten() {
        assertThat(UtxoAddresses.normalize(UtxoNetwork.BITCOIN, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"))
                .isEqualTo("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
        assertThat(UtxoAddresses.normalize(UtxoNetwork.BITCOIN, " 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 "))
                .isEqualTo("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
    }

    @Test
    void badAddressesFailNamingWhatIsWrong() {
        // BIP-350: a version-0 program with a bech32m checksum is invalid
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.BITCOIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid bitcoin address");
        // one character changed: the checksum fails
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.BITCOIN, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"))
                .hasMessageContaining("not a valid bitcoin address");
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.LITECOIN, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"))
                .hasMessageContaining("not a litecoin address");
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.DOGECOIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"))
                .hasMessageContaining("dogecoin");
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.BITCOIN, "0x52908400098527886e0f7030069857d2e4169ee7"))
                .hasMessageContaining("not a valid bitcoin address");
        assertThatThrownBy(() -> UtxoAddresses.normalize(UtxoNetwork.BITCOIN, ""))
                .hasMessageContaining("empty bitcoin address");
    }

    @Test
    void litecoinAndDogecoinVersionsMatchBase58checkBuiltFromTheDefinition() throws Exception {
        byte[] hash160 = HEX.parseHex("751e76e8199196d454941c45d1b3a323f1433bd6");
        String ltcP2pkh = base58check(0x30, hash160);
        String ltcP2sh = base58check(0x32, hash160);
        String dogeP2pkh = base58check(0x1e, hash160);
        String dogeP2sh = base58check(0x16, hash160);
        assertThat(ltcP2pkh).startsWith("L");
        assertThat(ltcP2sh).startsWith("M");
        assertThat(dogeP2pkh).startsWith("D");
        assertThat(dogeP2sh).matches("[9A].*");
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.LITECOIN, ltcP2pkh)).isEqualTo(ScriptType.P2PKH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.LITECOIN, ltcP2sh)).isEqualTo(ScriptType.P2SH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.DOGECOIN, dogeP2pkh)).isEqualTo(ScriptType.P2PKH);
        assertThat(UtxoAddresses.scriptType(UtxoNetwork.DOGECOIN, dogeP2sh)).isEqualTo(ScriptType.P2SH);
        assertThat(UtxoAddresses.isValid(UtxoNetwork.BITCOIN, ltcP2pkh)).isFalse();
        assertThat(UtxoAddresses.isValid(UtxoNetwork.DOGECOIN, ltcP2pkh)).isFalse();
        // the encoder itself, checked on a known fact: the genesis coinbase key's hash160 is 1A1zP1eP...
        assertThat(base58check(0x00, HEX.parseHex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18")))
                .isEqualTo("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    }

    @Test
    void outputsWithoutAnAddressAreKeyedByTheirElectrumScriptHash() {
        // Electrum protocol docs: the P2PKH script of 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
        assertThat(UtxoAddresses.scriptHashKey("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"))
                .isEqualTo("scripthash:8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161");
        String key = UtxoAddresses.scriptHashKey("6a0b68656c6c6f20776f726c64");
        assertThat(UtxoAddresses.isValid(UtxoNetwork.BITCOIN, key)).isTrue();
        assertThat(UtxoAddresses.normalizeAccount(UtxoNetwork.BITCOIN, key.toUpperCase().replace("SCRIPTHASH", "scripthash")))
                .isEqualTo(key);
        assertThatThrownBy(() -> UtxoAddresses.scriptHashKey("zz")).hasMessageContaining("not hex");
    }

    @Test
    void amountsAreExactBaseUnits() {
        assertThat(UtxoAddresses.baseUnits(new BigDecimal("0.00015000"))).isEqualTo(BigInteger.valueOf(15_000));
        assertThat(UtxoAddresses.baseUnits(new BigDecimal("20999999.97690000"))).isEqualTo(new BigInteger("2099999997690000"));
        assertThat(UtxoAddresses.baseUnits(new BigDecimal("50"))).isEqualTo(BigInteger.valueOf(5_000_000_000L));
        assertThatThrownBy(() -> UtxoAddresses.baseUnits(new BigDecimal("0.000000001"))).hasMessageContaining("10^-8");
        assertThatThrownBy(() -> UtxoAddresses.baseUnits(new BigDecimal("-1"))).hasMessageContaining("10^-8");
    }

    @Test
    void networksAreFoundByIdAndName() {
        assertThat(UtxoNetwork.byChainId(UtxoNetwork.LITECOIN.chainId())).contains(UtxoNetwork.LITECOIN);
        assertThat(UtxoNetwork.byChainId(1)).isEmpty();
        assertThat(UtxoNetwork.ALL.stream().map(UtxoNetwork::chainId).distinct()).hasSize(UtxoNetwork.ALL.size());
        assertThat(UtxoNetwork.byName("Dogecoin")).isEqualTo(UtxoNetwork.DOGECOIN);
        assertThatThrownBy(() -> UtxoNetwork.byName("bitcoin-cash")).hasMessageContaining("known: [bitcoin,");
    }

    private static String base58check(int version, byte[] payload) throws Exception {
        byte[] body = new byte[payload.length + 1];
        body[0] = (byte) version;
        System.arraycopy(payload, 0, body, 1, payload.length);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] check = sha.digest(sha.digest(body));
        byte[] all = Arrays.copyOf(body, body.length + 4);
        System.arraycopy(check, 0, all, body.length, 4);
        String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        StringBuilder out = new StringBuilder();
        BigInteger n = new BigInteger(1, all);
        BigInteger base = BigInteger.valueOf(58);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(base);
            out.append(alphabet.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < all.length && all[i] == 0; i++) {
            out.append('1');
        }
        return out.reverse().toString();
    }
}
