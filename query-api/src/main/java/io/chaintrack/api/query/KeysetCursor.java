package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A keyset position of any listing (typed values: long, string, instant), bound to its query by the same
 * digest {@link TransferCursor} uses; signed and verified by {@link CursorCodec}.
 */
record KeysetCursor(byte[] query, List<Object> position) {
    private static final byte VERSION = 3;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.write(query);
            out.writeByte(position.size());
            for (Object value : position) {
                if (value instanceof Long l) {
                    out.writeByte('L');
                    out.writeLong(l);
                } else if (value instanceof String s) {
                    out.writeByte('S');
                    out.writeUTF(s);
                } else if (value instanceof Instant t) {
                    out.writeByte('T');
                    out.writeLong(t.getEpochSecond());
                    out.writeInt(t.getNano());
                } else {
                    throw new IllegalArgumentException("cannot encode " + value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A verified payload of a cursor of {@code expectedQuery} with exactly the given value types. */
    static KeysetCursor decode(String parameter, byte[] payload, byte[] expectedQuery, Class<?>... types) {
        List<Object> values = new ArrayList<>();
        byte[] query;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readByte() != VERSION) {
                throw new InvalidArgumentException(parameter, "the cursor belongs to a different query: use it only with the"
                        + " parameters (all but limit) of the page it came from");
            }
            query = in.readNBytes(expectedQuery.length);
            int n = in.readByte();
            for (int i = 0; i < n; i++) {
                switch (in.readByte()) {
                    case 'L' -> values.add(in.readLong());
                    case 'S' -> values.add(in.readUTF());
                    case 'T' -> values.add(Instant.ofEpochSecond(in.readLong(), in.readInt()));
                    default -> throw new InvalidArgumentException(parameter, "malformed cursor");
                }
            }
            if (in.available() != 0) {
                throw new InvalidArgumentException(parameter, "malformed cursor");
            }
        } catch (IOException | java.time.DateTimeException e) {
            throw new InvalidArgumentException(parameter, "malformed cursor");
        }
        if (!MessageDigest.isEqual(query, expectedQuery)) {
            throw new InvalidArgumentException(parameter, "the cursor belongs to a different query: use it only with the"
                    + " parameters (all but limit) of the page it came from");
        }
        if (values.size() != types.length) {
            throw new InvalidArgumentException(parameter, "malformed cursor");
        }
        for (int i = 0; i < types.length; i++) {
            if (!types[i].isInstance(values.get(i))) {
                throw new InvalidArgumentException(parameter, "malformed cursor");
            }
        }
        return new KeysetCursor(query, values);
    }
}
