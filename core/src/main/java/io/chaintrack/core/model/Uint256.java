package io.chaintrack.core.model;

import com.google.protobuf.ByteString;
import java.math.BigInteger;

/**
 * Exact unsigned 256-bit integers as they travel in events: minimal big-endian bytes, empty for zero.
 * Every encode rejects a value outside [0, 2^256), so no event can carry an amount a chain cannot hold.
 */
public final class Uint256 {
    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private Uint256() {}

    public static ByteString encode(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 256) {
            throw new IllegalArgumentException("not a uint256: " + value);
        }
        if (value.signum() == 0) {
            return ByteString.EMPTY;
        }
        byte[] bytes = value.toByteArray();
        // toByteArray adds a leading sign byte when the top bit is set; drop it
        int offset = bytes[0] == 0 ? 1 : 0;
        return ByteString.copyFrom(bytes, offset, bytes.length - offset);
    }

    public static BigInteger decode(ByteString bytes) {
        if (bytes.size() > 32) {
            throw new IllegalArgumentException("uint256 longer than 32 bytes: " + bytes.size());
        }
        return bytes.isEmpty() ? BigInteger.ZERO : new BigInteger(1, bytes.toByteArray());
    }

    /** Parses a decimal or 0x-prefixed hex string, as found in JSON-RPC and in request parameters. */
    public static BigInteger parse(String text) {
        String s = text.trim();
        BigInteger v = s.startsWith("0x") || s.startsWith("0X")
                ? new BigInteger(s.length() == 2 ? "0" : s.substring(2), 16)
                : new BigInteger(s);
        if (v.signum() < 0 || v.bitLength() > 256) {
            throw new IllegalArgumentException("not a uint256: " + text);
        }
        return v;
    }
}
