package io.chaintrack.connectors.synthetic;

/** Lowercase 0x-hex of whole 64-bit words, without going through byte arrays or BigInteger. */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** 0x followed by 16 hex digits per word, most significant word first. */
    static String words(long... words) {
        char[] out = new char[2 + 16 * words.length];
        out[0] = '0';
        out[1] = 'x';
        int p = 2;
        for (long w : words) {
            for (int shift = 60; shift >= 0; shift -= 4) {
                out[p++] = DIGITS[(int) (w >>> shift) & 0xf];
            }
        }
        return new String(out);
    }

    /** A 32-byte hash from four words. */
    static String hash(long a, long b, long c, long d) {
        return words(a, b, c, d);
    }

    /** A 20-byte address: the high 32 bits of a and all of b and c. */
    static String address(long a, long b, long c) {
        String full = words(a, b, c);
        return "0x" + full.substring(2 + 8);
    }
}
