package io.chaintrack.connectors.postgres.copy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL, backslash escapes) as UTF-8 bytes in
 * one reusable buffer. Every value written here round-trips exactly: integers and NUMERIC as decimal digits,
 * timestamps as UTC ISO-8601 instants, text with the four characters COPY treats specially escaped.
 */
public final class CopyText {
    private static final byte[] NULL = {'\\', 'N'};

    private byte[] bytes = new byte[1 << 16];
    private int n;
    private boolean rowStarted;
    private long lastTimestampMs;
    private String lastTimestamp;

    private void ensure(int more) {
        if (n + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + more));
        }
    }

    private void separator() {
        if (rowStarted) {
            ensure(1);
            bytes[n++] = '\t';
        }
        rowStarted = true;
    }

    private void ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            bytes[n++] = (byte) s.charAt(i);
        }
    }

    public CopyText add(long value) {
        separator();
        if (value >= 0 && value < 10) {
            ensure(1);
            bytes[n++] = (byte) ('0' + value);
        } else {
            ascii(Long.toString(value));
        }
        return this;
    }

    public CopyText add(boolean value) {
        separator();
        ensure(1);
        bytes[n++] = (byte) (value ? 't' : 'f');
        return this;
    }

    /** NUMERIC(78,0) value or NULL. */
    public CopyText add(BigInteger value) {
        if (value == null) {
            return addNull();
        }
        if (value.bitLength() < 64) {
            return add(value.longValue());
        }
        separator();
        ascii(value.toString());
        return this;
    }

    /** TIMESTAMPTZ from epoch milliseconds, always UTC. */
    public CopyText addTimestampMs(long epochMillis) {
        separator();
        if (lastTimestamp == null || epochMillis != lastTimestampMs) { // rows of one block share their time
            lastTimestamp = Instant.ofEpochMilli(epochMillis).toString();
            lastTimestampMs = epochMillis;
        }
        ascii(lastTimestamp);
        return this;
    }

    /** TEXT value or NULL. */
    public CopyText add(String value) {
        if (value == null) {
            return addNull();
        }
        separator();
        int len = value.length();
        ensure(len);
        int start = n;
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                n = start;
                addEscaped(value);
                return this;
            }
            bytes[n++] = (byte) c;
        }
        return this;
    }

    private void addEscaped(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\t' -> escaped.append("\\t");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                default -> escaped.append(c);
            }
        }
        byte[] utf8 = escaped.toString().getBytes(StandardCharsets.UTF_8);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, n, utf8.length);
        n += utf8.length;
    }

    /** A value of a row held as objects: null, Long, Integer, Double, Boolean, BigInteger, String or LocalDate. */
    public CopyText addValue(Object value) {
        if (value == null || value instanceof String) {
            return add((String) value);
        } else if (value instanceof BigInteger b) {
            return add(b);
        } else if (value instanceof Long || value instanceof Integer) {
            return add(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            return add(b.booleanValue());
        } else if (value instanceof Double || value instanceof LocalDate) {
            // shortest text that parses back to the same double; ISO dates
            separator();
            ascii(value.toString());
            return this;
        }
        throw new IllegalArgumentException("no COPY text form for " + value.getClass());
    }

    private CopyText addNull() {
        separator();
        ensure(2);
        bytes[n++] = NULL[0];
        bytes[n++] = NULL[1];
        return this;
    }

    public void endRow() {
        ensure(1);
        bytes[n++] = '\n';
        rowStarted = false;
    }

    public int length() {
        return n;
    }

    /** The buffer itself (valid up to {@link #length()}), no copy. */
    public byte[] buffer() {
        return bytes;
    }

    public byte[] utf8() {
        return Arrays.copyOf(bytes, n);
    }

    public void clear() {
        n = 0;
        rowStarted = false;
    }
}
