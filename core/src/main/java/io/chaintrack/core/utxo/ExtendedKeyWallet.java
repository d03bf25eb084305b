package io.chaintrack.core.utxo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.bitcoinj.base.Base58;
import org.bitcoinj.base.LegacyAddress;
import org.bitcoinj.base.SegwitAddress;
import org.bitcoinj.base.exceptions.AddressFormatException;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;

/**
 * A wallet given as an account-level extended public key (xpub/ypub/zpub and their testnet, Litecoin and Dogecoin
 * forms, or a {@code pkh()/sh(wpkh())/wpkh()} descriptor around one): many addresses, one balance. Receive (0/i)
 * and change (1/i) addresses are derived until {@code gap} consecutive ones have no history (BIP-44's gap limit).
 */
public final class ExtendedKeyWallet {
    /** How the derived keys are paid to. */
    public enum Kind { P2PKH, P2SH_P2WPKH, P2WPKH }

    /** Serialisation version bytes of account public keys (SLIP-132), and what each implies. */
    private static final Map<Integer, Kind> VERSIONS = Map.ofEntries(
            Map.entry(0x0488B21E, Kind.P2PKH),        // xpub
            Map.entry(0x049D7CB2, Kind.P2SH_P2WPKH),  // ypub
            Map.entry(0x04B24746, Kind.P2WPKH),       // zpub
            Map.entry(0x043587CF, Kind.P2PKH),        // tpub
            Map.entry(0x044A5262, Kind.P2SH_P2WPKH),  // upub
            Map.entry(0x045F1CF6, Kind.P2WPKH),       // vpub
            Map.entry(0x019DA462, Kind.P2PKH),        // Ltub
            Map.entry(0x01B26EF6, Kind.P2SH_P2WPKH),  // Mtub
            Map.entry(0x02FACAFD, Kind.P2PKH));       // dgub

    public static final int DEFAULT_GAP = 20;

    private final UtxoNetwork network;
    private final Kind kind;
    private final DeterministicKey account;

    private ExtendedKeyWallet(UtxoNetwork network, Kind kind, DeterministicKey account) {
        this.network = network;
        this.kind = kind;
        this.account = account;
    }

    /**
     * An extended public key, or a descriptor {@code pkh(KEY)}, {@code sh(wpkh(KEY))}, {@code wpkh(KEY)} whose key
     * may carry an origin ({@code [fingerprint/path]}) and a {@code /<0;1>/*} or {@code /0/*} suffix. The
     * descriptor's script type wins over the key's version. Private keys are refused.
     */
    public static ExtendedKeyWallet parse(UtxoNetwork network, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty extended public key");
        }
        String s = text.trim();
        int checksum = s.indexOf('#');
        if (checksum > 0) {
            s = s.substring(0, checksum);
        }
        Kind fromDescriptor = null;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sh(wpkh(") && s.endsWith("))")) {
            fromDescriptor = Kind.P2SH_P2WPKH;
            s = s.substring(8, s.length() - 2);
        } else if (lower.startsWith("wpkh(") && s.endsWith(")")) {
            fromDescriptor = Kind.P2WPKH;
            s = s.substring(5, s.length() - 1);
        } else if (lower.startsWith("pkh(") && s.endsWith(")")) {
            fromDescriptor = Kind.P2PKH;
            s = s.substring(4, s.length() - 1);
        } else if (s.contains("(")) {
            throw new IllegalArgumentException("unsupported descriptor '" + text + "': pkh(), sh(wpkh()) and wpkh() are");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("descriptor key origin is not closed: '" + text + "'");
            }
            s = s.substring(close + 1);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String suffix = s.substring(slash);
            if (!suffix.equals("/<0;1>/*") && !suffix.equals("/0/*") && !suffix.equals("/1/*")) {
                throw new IllegalArgumentException("unsupported derivation '" + suffix + "': the key must be account-level"
                        + " with /<0;1>/* (or /0/*) after it");
            }
            s = s.substring(0, slash);
        }
        byte[] data;
        try {
            data = Base58.decodeChecked(s);
        } catch (AddressFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a base58check extended key: " + e.getMessage(), e);
        }
        if (data.length != 78) {
            throw new IllegalArgumentException("an extended key has 78 bytes, '" + s + "' has " + data.length);
        }
        int version = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        Kind kind = VERSIONS.get(version);
        if (kind == null) {
            throw new IllegalArgumentException("'" + s.substring(0, 4) + "…' is not an extended public key of a known kind"
                    + " (private keys are never accepted)");
        }
        byte[] chainCode = Arrays.copyOfRange(data, 13, 45);
        byte[] key = Arrays.copyOfRange(data, 45, 78);
        if (key[0] != 2 && key[0] != 3) {
            throw new IllegalArgumentException("'" + s.substring(0, 4) + "…' does not hold a compressed public key");
        }
        Kind chosen = fromDescriptor != null ? fromDescriptor : kind;
        if (chosen != Kind.P2PKH && !network.hasSegwit()) {
            throw new IllegalArgumentException(network.name() + " has no segwit: only P2PKH wallets exist there");
        }
        return new ExtendedKeyWallet(network, chosen, HDKeyDerivation.createMasterPubKeyFromBytes(key, chainCode));
    }

    public Kind kind() {
        return kind;
    }

    /** The address at {@code chain}/{@code index} (chain 0 receive, 1 change). */
    public String address(int chain, int index) {
        if ((chain != 0 && chain != 1) || index < 0) {
            throw new IllegalArgumentException("no address at " + chain + "/" + index);
        }
        DeterministicKey key = HDKeyDerivation.deriveChildKey(HDKeyDerivation.deriveChildKey(account, chain), index);
        byte[] hash = key.getPubKeyHash();
        return switch (kind) {
            case P2PKH -> LegacyAddress.fromPubKeyHash(network, hash).toString();
            case P2WPKH -> SegwitAddress.fromHash(network, hash).toString();
            case P2SH_P2WPKH -> {
                byte[] redeem = new byte[22];
                redeem[1] = 0x14;
                System.arraycopy(hash, 0, redeem, 2, 20);
                yield LegacyAddress.fromScriptHash(network, hash160(redeem)).toString();
            }
        };
    }

    /**
     * Receive then change addresses, each chain derived until {@code gap} consecutive addresses have no history;
     * {@code used} tells whether an address has any.
     */
    public List<String> discover(Predicate<String> used, int gap) {
        if (gap < 1 || gap > 1_000) {
            throw new IllegalArgumentException("gap limit must be 1..1000, not " + gap);
        }
        List<String> out = new ArrayList<>();
        for (int chain = 0; chain <= 1; chain++) {
            int unused = 0;
            for (int i = 0; unused < gap; i++) {
                String a = address(chain, i);
                out.add(a);
                unused = used.test(a) ? 0 : unused + 1;
            }
        }
        return out;
    }

    private static byte[] hash160(byte[] data) {
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        RIPEMD160Digest ripemd = new RIPEMD160Digest();
        ripemd.update(sha, 0, sha.length);
        byte[] out = new byte[20];
        ripemd.doFinal(out, 0);
        return out;
    }
}
