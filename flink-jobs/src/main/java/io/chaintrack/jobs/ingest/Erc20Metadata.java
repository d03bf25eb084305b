package io.chaintrack.jobs.ingest;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Decoding of ERC-20 metadata answers (eth_call results). symbol() and name() return an ABI string, or bytes32 in
 * tokens older than the standard (MKR, SAI); decimals() returns a uint8 (in a 32-byte word). Anything else —
 * empty (no code), malformed, not UTF-8, decimals above 255 — is "unknown" (null), never a guess.
 */
public final class Erc20Metadata {
    /** Function selectors: the first 4 bytes of keccak256 of the signature. */
    public static final String SYMBOL = "0x95d89b41";
    public static final String NAME = "0x06fdde03";
    public static final String DECIMALS = "0x313ce567";
    static final int MAX_CHARS = 128;

    private Erc20Metadata() {}

    static byte[] bytes(String hex) {
        if (hex == null || !hex.startsWith("0x") || hex.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex.substring(2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An ABI-encoded string or a bytes32, as clean text; null when absent or unreadable. */
    public static String text(String hex) {
        byte[] data = bytes(hex);
        if (data == null || data.length < 32) {
            return null;
        }
        byte[] raw;
        if (data.length == 32) {
            int end = 0;
            while (end < 32 && data[end] != 0) {
                end++;
            }
            raw = java.util.Arrays.copyOf(data, end);
        } else {
            BigInteger offset = new BigInteger(1, java.util.Arrays.copyOfRange(data, 0, 32));
            if (offset.compareTo(BigInteger.valueOf(data.length - 32L)) > 0) {
                return null;
            }
            int at = offset.intValueExact();
            BigInteger length = new BigInteger(1, java.util.Arrays.copyOfRange(data, at, at + 32));
            if (length.compareTo(BigInteger.valueOf(data.length - at - 32L)) > 0) {
                return null;
            }
            raw = java.util.Arrays.copyOfRange(data, at + 32, at + 32 + length.intValueExact());
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return clean(decoded);
    }

    /** Control characters (including NUL padding) removed, trimmed, at most MAX_CHARS code points; null if empty. */
    static String clean(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
                .limit(MAX_CHARS).forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() ? null : cleaned;
    }

    /** decimals(): a 32-byte word holding 0..255; null otherwise. */
    public static Integer decimals(String hex) {
        byte[] data = bytes(hex);
        if (data == null || data.length != 32) {
            return null;
        }
        BigInteger value = new BigInteger(1, data);
        return value.compareTo(BigInteger.valueOf(255)) <= 0 ? value.intValue() : null;
    }
}
