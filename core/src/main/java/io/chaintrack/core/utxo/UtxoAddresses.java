package io.chaintrack.core.utxo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bitcoinj.base.Address;
import org.bitcoinj.base.LegacyAddress;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.SegwitAddress;
import org.bitcoinj.base.exceptions.AddressFormatException;

/**
 * Bitcoin-family addresses, validated per network and normalised once at the edge: base58check kept as written
 * (it is case-sensitive), bech32/bech32m lowercased. An output without an address is keyed by its Electrum script
 * hash ({@code scripthash:<hex>}), so spending it later debits the same key and nothing is dropped.
 */
public final class UtxoAddresses {
    public static final String SCRIPT_HASH_PREFIX = "scripthash:";
    /** Where newly minted coins come from: the coinbase has no input address. */
    public static final String COINBASE = "coinbase";
    private static final Pattern SCRIPT_HASH = Pattern.compile(Pattern.quote(SCRIPT_HASH_PREFIX) + "[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();

    private UtxoAddresses() {}

    /** The address's canonical form on {@code network}; fails naming the address, the network and what is wrong. */
    public static String normalize(UtxoNetwork network, String address) {
        return parse(network, address).toString();
    }

    /** The parsed address (its script type tells P2PKH, P2SH, P2WPKH, P2WSH, P2TR apart). */
    public static Address parse(UtxoNetwork network, String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty " + network.name() + " address");
        }
        String a = address.trim();
        int separator = a.lastIndexOf('1');
        boolean bech = separator > 0 && network.hasSegwit()
                && a.substring(0, separator).equalsIgnoreCase(network.bech32Prefix());
        try {
            if (bech) {
                return SegwitAddress.fromBech32(a.toLowerCase(Locale.ROOT), network);
            }
            return LegacyAddress.fromBase58(a, network);
        } catch (AddressFormatException.WrongNetwork e) {
            throw new IllegalArgumentException("'" + a + "' is not a " + network.name() + " address (its version byte "
                    + "belongs to another network)", e);
        } catch (AddressFormatException e) {
            throw new IllegalArgumentException("'" + a + "' is not a valid " + network.name() + " address: "
                    + e.getMessage(), e);
        }
    }

    public static boolean isValid(UtxoNetwork network, String address) {
        try {
            parse(network, address);
            return true;
        } catch (IllegalArgumentException e) {
            return isScriptHash(address);
        }
    }

    /** What an account key on a UTXO chain may be: an address of the network or a script-hash key. */
    public static String normalizeAccount(UtxoNetwork network, String account) {
        if (account != null && isScriptHash(account.trim().toLowerCase(Locale.ROOT))) {
            return account.trim().toLowerCase(Locale.ROOT);
        }
        return normalize(network, account);
    }

    public static boolean isScriptHash(String s) {
        return s != null && SCRIPT_HASH.matcher(s).matches();
    }

    public static ScriptType scriptType(UtxoNetwork network, String address) {
        return parse(network, address).getOutputScriptType();
    }

    /** The Electrum protocol's script hash: SHA-256 of the output script, bytes reversed, in hex. */
    public static String scriptHashKey(String scriptPubKeyHex) {
        byte[] script;
        try {
            script = HEX.parseHex(scriptPubKeyHex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scriptPubKey is not hex: " + scriptPubKeyHex, e);
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(script);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0, j = digest.length - 1; i < j; i++, j--) {
            byte b = digest[i];
            digest[i] = digest[j];
            digest[j] = b;
        }
        return SCRIPT_HASH_PREFIX + HEX.formatHex(digest);
    }

    /**
     * A coin amount as the node writes it (a JSON decimal in whole coins, e.g. 0.00015) to exact base units.
     * More than eight decimals or a negative value is not an amount of this family and fails.
     */
    public static BigInteger baseUnits(BigDecimal coins) {
        BigDecimal units = coins.movePointRight(UtxoNetwork.DECIMALS).stripTrailingZeros();
        if (units.signum() < 0 || units.scale() > 0) {
            throw new IllegalArgumentException("not an amount in 10^-8 units: " + coins.toPlainString());
        }
        return units.toBigIntegerExact();
    }
}
