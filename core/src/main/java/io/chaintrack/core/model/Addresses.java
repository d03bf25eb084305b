package io.chaintrack.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Address and hash normalisation, done once at the edge: 0x-prefixed lowercase hex everywhere inside.
 * The native coin is the pseudo-token {@link #NATIVE}.
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
