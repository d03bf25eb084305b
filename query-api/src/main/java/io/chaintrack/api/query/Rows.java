package io.chaintrack.api.query;

import io.chaintrack.core.model.TokenStandards;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.proto.v1.TokenStandard;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Column conversions from the store's types to the API's: exact decimals as strings, times as Timestamps. */
final class Rows {
    private Rows() {}

    /** NUMERIC(78,0) as an exact decimal integer string; "" when SQL NULL. */
    static String decimal(ResultSet rs, String column) throws SQLException {
        return decimal(rs, rs.findColumn(column));
    }

    static String decimal(ResultSet rs, int column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? "" : value.toBigIntegerExact().toString();
    }

    static Timestamp timestamp(ResultSet rs, String column) throws SQLException {
        return timestamp(rs, rs.findColumn(column));
    }

    static Timestamp timestamp(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : toTimestamp(time.toInstant());
    }

    /** Whether {@code a} is strictly earlier than {@code b}. */
    static boolean before(Timestamp a, Timestamp b) {
        return Timestamps.compare(a, b) < 0;
    }

    static Timestamp toTimestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static OffsetDateTime toOffsetDateTime(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).atOffset(ZoneOffset.UTC);
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static TokenStandard standard(String stored) {
        return TokenStandards.parse(stored);
    }
}
