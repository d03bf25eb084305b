package io.chaintrack.connectors.postgres.copy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL, backslash escapes), built in one
 * reusable buffer. Every value written here round-trips exactly: integers and NUMERIC as decimal digits,
 * timestamps as UTC ISO-8601 instants, text with the four characters COPY treats specially escaped.
 */
public final class CopyText {
    private final StringBuilder text = new StringBuilder(1 << 16);
    private boolean rowStarted;
    private int rows;

    private void separator() {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
    }

    public CopyText add(long value) {
        separator();
        text.append(value);
        return this;
    }

    public CopyText add(boolean value) {
        separator();
        text.append(value ? 't' : 'f');
        return this;
    }

    /** NUMERIC(78,0) value or NULL. */
    public CopyText add(BigInteger value) {
        separator();
        if (value == null) {
            text.append("\\N");
        } else if (value.bitLength() < 64) {
            text.append(value.longValue());
        } else {
            text.append(value);
        }
        return this;
    }

    /** TIMESTAMPTZ from epoch milliseconds, always UTC. */
    public CopyText addTimestampMs(long epochMillis) {
        separator();
        text.append(Instant.ofEpochMilli(epochMillis));
        return this;
    }

    /** TEXT value or NULL. */
    public CopyText add(String value) {
        separator();
        if (value == null) {
            text.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
        return this;
    }

    public void endRow() {
        text.append('\n');
        rowStarted = false;
        rows++;
    }

    public int rows() {
        return rows;
    }

    public int length() {
        return text.length();
    }

    public byte[] utf8() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    public void clear() {
        text.setLength(0);
        rowStarted = false;
        rows = 0;
    }
}
