package io.chaintrack.api.query;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.connectors.model.Addresses;
import java.math.BigInteger;
import java.util.regex.Pattern;

/** Decoding of request values shared by every domain; each failure names the parameter it is about. */
final class RequestValues {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,78}");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]{1,64}");
    private static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private RequestValues() {}

    static String address(String parameter, String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(parameter, "is required");
        }
        if (!Addresses.isAddress(value)) {
            throw new InvalidArgumentException(parameter, "not a 0x-prefixed 20-byte hex address: '" + clip(value) + "'");
        }
        return Addresses.normalize(value);
    }

    static String token(String parameter, String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(parameter, "is required (a contract address or \"native\")");
        }
        if (!Addresses.isToken(value)) {
            throw new InvalidArgumentException(parameter, "not a contract address or \"native\": '" + clip(value) + "'");
        }
        return Addresses.normalizeToken(value);
    }

    /** A uint256 as decimal (or 0x hex); empty means 0. */
    static BigInteger uint256(String parameter, String value) {
        if (value.isEmpty()) {
            return BigInteger.ZERO;
        }
        BigInteger v;
        if (DECIMAL.matcher(value).matches()) {
            v = new BigInteger(value);
        } else if (HEX.matcher(value).matches()) {
            v = new BigInteger(value.substring(2), 16);
        } else {
            throw new InvalidArgumentException(parameter, "not an unsigned decimal integer: '" + clip(value) + "'");
        }
        if (v.compareTo(UINT256_MAX) > 0) {
            throw new InvalidArgumentException(parameter, "larger than 2^256-1");
        }
        return v;
    }

    static int limit(String parameter, int value, int defaultLimit, int maxLimit) {
        if (value == 0) {
            return defaultLimit;
        }
        if (value < 0 || value > maxLimit) {
            throw new InvalidArgumentException(parameter, "must be between 1 and " + maxLimit + " (0 for the default " + defaultLimit + "), got " + value);
        }
        return value;
    }

    static void timestamp(String parameter, Timestamp value) {
        if (!Timestamps.isValid(value)) {
            throw new InvalidArgumentException(parameter, "not a valid timestamp (seconds in 0001-01-01..9999-12-31, nanos in 0..999999999)");
        }
    }

    /** Echoes user input in messages without letting a huge value flood the response. */
    static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
