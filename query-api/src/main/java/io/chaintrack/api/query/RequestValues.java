package io.chaintrack.api.query;

import io.chaintrack.core.model.TokenStandards;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.core.model.ChainAccounts;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.TokenStandard;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;

/** Decoding of request values shared by every domain; each failure names the parameter it is about. */
public final class RequestValues {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,78}");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]{1,64}");
    private static final Pattern TX_HASH = Pattern.compile("0[xX][0-9a-fA-F]{64}");
    private static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private RequestValues() {}

    /** An account on the chain (per-chain address rules: {@link ChainAccounts}). */
    public static String address(long chainId, String parameter, String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(parameter, "is required");
        }
        try {
            return ChainAccounts.normalizeAccount(chainId, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(parameter, e.getMessage());
        }
    }

    static String token(long chainId, String parameter, String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(parameter, "is required (a contract address or \"native\")");
        }
        try {
            return ChainAccounts.normalizeToken(chainId, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(parameter, e.getMessage());
        }
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

    /** A 0x-prefixed 32-byte hash, returned lowercase. */
    static String hash(String parameter, String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(parameter, "is required");
        }
        if (!TX_HASH.matcher(value).matches()) {
            throw new InvalidArgumentException(parameter, "not a 0x-prefixed 32-byte hex hash: '" + clip(value) + "'");
        }
        return "0x" + value.substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** A standard filter: null for "every standard". */
    static String standard(String parameter, TokenStandard standard) {
        if (standard == TokenStandard.TOKEN_STANDARD_UNSPECIFIED) {
            return null;
        }
        if (!TokenStandards.isConcrete(standard)) {
            throw new InvalidArgumentException(parameter, "unknown token standard (TOKEN_STANDARD_NATIVE, _ERC20, _ERC721,"
                    + " _ERC1155, or TOKEN_STANDARD_UNSPECIFIED for every standard)");
        }
        return TokenStandards.name(standard);
    }

    /** A transfer kind filter: null for "every kind"; an unknown number names the accepted kinds. */
    static String kind(String parameter, io.chaintrack.proto.v1.TransferKind kind, int number) {
        if (kind == io.chaintrack.proto.v1.TransferKind.UNRECOGNIZED) {
            throw new InvalidArgumentException(parameter, "unknown transfer kind " + number + " (one of "
                    + String.join(", ", io.chaintrack.core.model.TransferKinds.concreteNames())
                    + ", or TRANSFER_KIND_UNSPECIFIED for every kind)");
        }
        return io.chaintrack.core.model.TransferKinds.name(kind);
    }

    static Direction direction(String parameter, Direction direction, int number) {
        if (direction == Direction.UNRECOGNIZED) {
            throw new InvalidArgumentException(parameter, "unknown direction " + number
                    + " (DIRECTION_INCOMING, DIRECTION_OUTGOING, or DIRECTION_UNSPECIFIED for both)");
        }
        return direction;
    }

    /** A minimum amount filter: null when empty (no minimum). */
    static BigInteger minAmount(String parameter, String value) {
        return value.isEmpty() ? null : uint256(parameter, value);
    }

    /** A uint64 block number; values beyond the signed range cannot be stored and are refused. */
    static long blockNumber(String parameter, long value) {
        if (value < 0) {
            throw new InvalidArgumentException(parameter, "larger than any block number: " + Long.toUnsignedString(value));
        }
        return value;
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

    /** A valid timestamp parameter as a UTC date-time. */
    static OffsetDateTime time(String parameter, Timestamp value) {
        timestamp(parameter, value);
        return Rows.toOffsetDateTime(value);
    }

    /** A half-open time range [start, end) must not be empty or reversed; either bound may be absent. */
    static void requireOrdered(OffsetDateTime start, OffsetDateTime end) {
        if (start != null && end != null && !start.isBefore(end)) {
            throw new InvalidArgumentException("end_time", "must be after start_time (the range is [start_time, end_time))");
        }
    }

    /** Echoes user input in messages without letting a huge value flood the response. */
    static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
