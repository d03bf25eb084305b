package io.chaintrack.core.utxo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Oracle: the test vector published with BIP-84 (mnemonic "abandon abandon ... about", account 0): its zpub and its
 * first receive and change addresses; BIP-32's test vector 1 master private key for the refusal.
 */
class ExtendedKeyWalletTest {
    private static final String ZPUB = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";

    @Test
    void bip84() {
        ExtendedKeyWallet w = ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, ZPUB);
        assertThat(w.kind()).isEqualTo(ExtendedKeyWallet.Kind.P2WPKH);
        assertThat(w.address(0, 0)).isEqualTo("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
        assertThat(w.address(0, 1)).isEqualTo("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
        assertThat(w.address(1, 0)).isEqualTo("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");
    }

    @Test
    void aDescriptorChoosesTheScriptType() {
        ExtendedKeyWallet w = ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, "wpkh([73c5da0a/84'/0'/0']" + ZPUB + "/<0;1>/*)#abcdefgh");
        assertThat(w.address(0, 0)).isEqualTo("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
        assertThat(ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, "pkh(" + ZPUB + ")").address(0, 0)).startsWith("1");
        assertThat(ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, "sh(wpkh(" + ZPUB + "))").address(0, 0)).startsWith("3");
    }

    @Test
    void discoveryStopsAfterTheGapOnEachChain() {
        ExtendedKeyWallet w = ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, ZPUB);
        Set<String> used = Set.of(w.address(0, 3), w.address(1, 0));
        assertThat(w.discover(used::contains, 5)).hasSize(4 + 5 + 1 + 5)
                .startsWith(w.address(0, 0)).contains(w.address(0, 8)).doesNotContain(w.address(0, 9))
                .contains(w.address(1, 5)).doesNotContain(w.address(1, 6));
    }

    @Test
    void badKeysFailNamingWhatIsWrong() {
        assertThatThrownBy(() -> ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, ZPUB.substring(0, 100) + "x"))
                .hasMessageContaining("not a base58check extended key");
        assertThatThrownBy(() -> ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, "tr(" + ZPUB + ")"))
                .hasMessageContaining("unsupported descriptor");
        assertThatThrownBy(() -> ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, ZPUB + "/0/1"))
                .hasMessageContaining("unsupported derivation");
        assertThatThrownBy(() -> ExtendedKeyWallet.parse(UtxoNetwork.DOGECOIN, ZPUB))
                .hasMessageContaining("dogecoin has no segwit");
        // the BIP-32 test vector 1 master private key: never accepted
        assertThatThrownBy(() -> ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN,
                "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"))
                .hasMessageContaining("private keys are never accepted");
    }
}
