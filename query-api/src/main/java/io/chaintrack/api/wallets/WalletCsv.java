package io.chaintrack.api.wallets;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an uploaded CSV (RFC 4180: comma separated, fields optionally in double quotes with "" inside, CRLF or LF)
 * into records that remember the line they start on, so every rejected row is reported by the line a spreadsheet
 * shows. Blank lines are skipped; a leading UTF-8 byte order mark is ignored.
 */
public final class WalletCsv {
    /** One record: its first line (1-based) and its fields. */
    public record Row(int line, List<String> fields) {}

    /** A record whose quotes never close: what follows it cannot be split reliably. */
    public static final class MalformedException extends Exception {
        private final int line;

        MalformedException(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    private WalletCsv() {}

    /** One field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
    public static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    public static List<Row> parse(String text) throws MalformedException {
        List<Row> rows = new ArrayList<>();
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int line = 1;
        while (i < text.length()) {
            int start = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            boolean end = false;
            while (i < text.length() && !end) {
                char ch = text.charAt(i++);
                if (quoted) {
                    if (ch == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (ch == '\n') {
                            line++;
                        }
                        field.append(ch);
                    }
                } else if (ch == '"' && field.isEmpty() && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (ch == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && i < text.length() && text.charAt(i) == '\n') {
                        i++;
                    }
                    line++;
                    end = true;
                } else {
                    field.append(ch);
                }
            }
            if (quoted) {
                throw new MalformedException(start, "a quoted field opened on this line is never closed");
            }
            fields.add(field.toString());
            boolean blank = fields.size() == 1 && fields.get(0).isBlank() && !wasQuoted;
            if (!blank) {
                rows.add(new Row(start, List.copyOf(fields)));
            }
        }
        return rows;
    }
}
