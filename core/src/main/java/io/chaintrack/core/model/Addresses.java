package io.chaintrack.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Address and hash normalisation, done once at the edge: 0x-prefixed lowercase hex everywhere inside.
 * The native coin is the pseudo-token {@link #NATIVE}. Addresses a person typed go through {@link #normalizeChecked}:
 * a mixed-case address carries an EIP-55 checksum, and one that fails it is a typo, never silently lowercased.
 */
public final class Addresses {
    public static final String NATIVE = "native";
    public static final String ZERO = "0x0000000000000000000000000000000000000000";
    private static final Pattern ADDRESS = Pattern.compile("0[xX][0-9a-fA-F]{40}");
    private static final Pattern HASH = Pattern.compile("0[xX][0-9a-fA-F]{64}");

    private Addresses() {}

    public static boolean isAddress(String s) {
        return s != null && ADDRESS.matcher(s).matches();
    }

    public static boolean isHash(String s) {
        return s != null && HASH.matcher(s).matches();
    }

    /** Lowercases a 20-byte address; throws naming the value when it is not one. */
    public static String normalize(String s) {
        if (!isAddress(s)) {
            throw new IllegalArgumentException("not a 0x-prefixed 20-byte hex address: " + s);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * {@link #normalize} for an address a person gave: when its letters are mixed-case they are an EIP-55 checksum
     * (https://eips.ethereum.org/EIPS/eip-55) and must match it; all-lowercase or all-uppercase carries no checksum
     * and is accepted as EIP-55 allows. The message names the address and the failed checksum.
     */
    public static String normalizeChecked(String s) {
        String lower = normalize(s);
        if (!hasValidChecksum(s)) {
            throw new IllegalArgumentException("'" + s + "' fails its EIP-55 checksum: the upper/lower case of a mixed-case"
                    + " address must match the checksum exactly, so a character is probably mistyped (write it in all"
                    + " lowercase only if you are sure it is right)");
        }
        return lower;
    }

    /** True for a checksum-free address (no mixed case) or one whose case matches its EIP-55 checksum. */
    public static boolean hasValidChecksum(String s) {
        if (!isAddress(s)) {
            return false;
        }
        String hex = s.substring(2);
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            upper |= c >= 'A' && c <= 'F';
            lower |= c >= 'a' && c <= 'f';
        }
        return !(upper && lower) || checksummed(s).substring(2).equals(hex);
    }

    /**
     * The EIP-55 form of an address: hex letter i is uppercase when nibble i of Keccak-256 over the ASCII of the
     * lowercase hex (without 0x) is 8 or more.
     */
    public static String checksummed(String s) {
        String hex = normalize(s).substring(2);
        byte[] ascii = hex.getBytes(StandardCharsets.US_ASCII);
        KeccakDigest keccak = new KeccakDigest(256);
        keccak.update(ascii, 0, ascii.length);
        byte[] hash = new byte[32];
        keccak.doFinal(hash, 0);
        StringBuilder out = new StringBuilder(42).append("0x");
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    /** A token is a contract address or the native coin. */
    public static boolean isToken(String s) {
        return NATIVE.equalsIgnoreCase(s) || isAddress(s);
    }

    public static String normalizeToken(String s) {
        return NATIVE.equalsIgnoreCase(s) ? NATIVE : normalize(s);
    }

    /** The 20-byte address held in the low bytes of a 32-byte log topic. */
    public static String fromTopic(String topic) {
        if (!isHash(topic)) {
            throw new IllegalArgumentException("not a 32-byte topic: " + topic);
        }
        return "0x" + topic.substring(26).toLowerCase(Locale.ROOT);
    }
}
