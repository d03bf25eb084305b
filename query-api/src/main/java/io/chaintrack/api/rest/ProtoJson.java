package io.chaintrack.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proto3 JSON as grpc-gateway v2 renders it by default: lowerCamelCase names, every field emitted in declaration
 * order (unset message and optional fields as null, like protojson EmitUnpopulated), 64-bit integers as strings,
 * enums by name, timestamps RFC 3339. It reads the message's binary encoding (generated code, no reflection) and
 * writes UTF-8 JSON bytes straight from it: the same bytes as protobuf's JsonFormat followed by the null rule and
 * Gson's escaping (ProtoJsonTest compares them), at a fraction of the cost.
 */
public final class ProtoJson {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final Map<Descriptor, Layout> LAYOUTS = new ConcurrentHashMap<>();
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** Gson's JsonWriter escapes (not HTML-safe): the control characters, quote and backslash; null = as is. */
    private static final byte[][] ESCAPES = new byte[128][];
    private static final byte[] LINE_SEPARATOR = ascii("\\u2028");
    private static final byte[] PARAGRAPH_SEPARATOR = ascii("\\u2029");

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = ascii(String.format("\\u%04x", c));
        }
        ESCAPES['"'] = ascii("\\\"");
        ESCAPES['\\'] = ascii("\\\\");
        ESCAPES['\t'] = ascii("\\t");
        ESCAPES['\b'] = ascii("\\b");
        ESCAPES['\n'] = ascii("\\n");
        ESCAPES['\r'] = ascii("\\r");
        ESCAPES['\f'] = ascii("\\f");
    }

    /** What the printer needs of one field, read from the descriptor once (descriptor getters are not free). */
    private record Field(FieldDescriptor descriptor, int number, byte[] name, FieldDescriptor.Type type, boolean repeated,
                         boolean packable, boolean nullWhenAbsent, Object defaultValue) {
        static Field of(FieldDescriptor f, boolean first) {
            boolean message = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            // the member's separator, quoted JSON name and colon, ready to copy
            return new Field(f, f.getNumber(), ascii((first ? "" : ",") + "\"" + f.getJsonName() + "\":"), f.getType(),
                    f.isRepeated(), f.isPackable(), message || f.hasPresence(), message || f.isRepeated() ? null : f.getDefaultValue());
        }
    }

    /** A message type's fields by number, and in declaration order. */
    private record Layout(Field[] byNumber, Field[] fields, boolean timestamp) {
        static Layout of(Descriptor type) {
            boolean timestamp = type.getFullName().equals(Timestamp.getDescriptor().getFullName());
            if (!timestamp && type.getFile().getPackage().equals("google.protobuf")) {
                // JsonFormat gives the other well-known types (Duration, wrappers, Struct, ...) their own JSON forms
                throw new IllegalArgumentException(type.getFullName() + ": only google.protobuf.Timestamp is rendered among well-known types");
            }
            int max = 0;
            for (FieldDescriptor f : type.getFields()) {
                if (f.isMapField() || f.isExtension()) {
                    throw new IllegalArgumentException(type.getFullName() + "." + f.getName() + ": map fields are not rendered");
                }
                max = Math.max(max, f.getNumber());
            }
            Field[] byNumber = new Field[max + 1];
            Field[] fields = new Field[type.getFields().size()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = Field.of(type.getFields().get(i), i == 0);
                byNumber[fields[i].number()] = fields[i];
            }
            return new Layout(byNumber, fields, timestamp);
        }
    }

    private ProtoJson() {}

    public static String print(Message message) {
        return new String(printBytes(message), StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@link #print}, ready to be sent. */
    public static byte[] printBytes(Message message) {
        Out out = new Out(message.getSerializedSize() * 2 + 64);
        try {
            write(out, message.getDescriptorForType(), message.toByteString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static <B extends Message.Builder> B parse(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not valid JSON for " + builder.getDescriptorForType().getFullName(), e);
        }
    }

    private static void write(Out w, Descriptor type, ByteString bytes) throws IOException {
        Layout layout = LAYOUTS.computeIfAbsent(type, Layout::of);
        if (layout.timestamp()) {
            w.quotedAscii(timestamp(Timestamp.parseFrom(bytes)));
            return;
        }
        Field[] byNumber = layout.byNumber();
        Object[] values = new Object[byNumber.length];
        CodedInputStream in = bytes.newCodedInput();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int number = WireFormat.getTagFieldNumber(tag);
            Field field = number < byNumber.length ? byNumber[number] : null;
            if (field == null) {
                in.skipField(tag);
                continue;
            }
            if (field.repeated()) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) (values[number] == null ? (values[number] = new ArrayList<>()) : values[number]);
                if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED && field.packable()) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    while (in.getBytesUntilLimit() > 0) {
                        list.add(read(in, field.type()));
                    }
                    in.popLimit(limit);
                } else {
                    list.add(read(in, field.type()));
                }
            } else {
                values[number] = read(in, field.type());
            }
        }
        w.put((byte) '{');
        for (Field field : layout.fields()) {
            w.put(field.name());
            Object value = values[field.number()];
            if (field.repeated()) {
                w.put((byte) '[');
                if (value != null) {
                    boolean first = true;
                    for (Object item : (List<?>) value) {
                        if (!first) {
                            w.put((byte) ',');
                        }
                        first = false;
                        scalar(w, field, item);
                    }
                }
                w.put((byte) ']');
            } else if (value == null && field.nullWhenAbsent()) {
                w.put(NULL);
            } else {
                scalar(w, field, value == null ? field.defaultValue() : value);
            }
        }
        w.put((byte) '}');
    }

    private static Object read(CodedInputStream in, FieldDescriptor.Type type) throws IOException {
        return switch (type) {
            case DOUBLE -> in.readDouble();
            case FLOAT -> in.readFloat();
            case INT64 -> in.readInt64();
            case UINT64 -> in.readUInt64();
            case INT32 -> in.readInt32();
            case FIXED64 -> in.readFixed64();
            case FIXED32 -> in.readFixed32();
            case BOOL -> in.readBool();
            // kept as UTF-8 (checked like readStringRequireUtf8): escaped and copied without a String in between
            case STRING -> {
                byte[] utf8 = in.readByteArray();
                if (!UnsafeByteOperations.unsafeWrap(utf8).isValidUtf8()) {
                    throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
                }
                yield new Utf8Text(utf8);
            }
            case BYTES, MESSAGE -> in.readBytes();
            case UINT32 -> in.readUInt32();
            case ENUM -> in.readEnum();
            case SFIXED32 -> in.readSFixed32();
            case SFIXED64 -> in.readSFixed64();
            case SINT32 -> in.readSInt32();
            case SINT64 -> in.readSInt64();
            case GROUP -> throw new IllegalArgumentException("groups are not rendered");
        };
    }

    /** A string field's value as read from the wire (a default value stays a String). */
    private record Utf8Text(byte[] bytes) {}

    /** One value the way JsonFormat prints it. */
    private static void scalar(Out w, Field field, Object value) throws IOException {
        switch (field.type()) {
            case INT32, SINT32, SFIXED32 -> w.ascii(Integer.toString((Integer) value));
            case UINT32, FIXED32 -> w.ascii(Long.toString(Integer.toUnsignedLong((Integer) value)));
            case INT64, SINT64, SFIXED64 -> w.quotedAscii(Long.toString((Long) value));
            case UINT64, FIXED64 -> w.quotedAscii(Long.toUnsignedString((Long) value));
            case BOOL -> w.put((Boolean) value ? TRUE : FALSE);
            case FLOAT -> floating(w, (Float) value, Float.toString((Float) value));
            case DOUBLE -> floating(w, (Double) value, Double.toString((Double) value));
            case STRING -> {
                if (value instanceof Utf8Text text) {
                    w.string(text.bytes());
                } else {
                    w.string(((String) value).getBytes(StandardCharsets.UTF_8));
                }
            }
            case BYTES -> w.quotedAscii(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> {
                int number = value instanceof EnumValueDescriptor d ? d.getNumber() : (Integer) value;
                EnumValueDescriptor known = field.descriptor().getEnumType().findValueByNumber(number);
                if (known == null) {
                    w.ascii(Integer.toString(number));
                } else {
                    w.string(known.getName().getBytes(StandardCharsets.UTF_8));
                }
            }
            case MESSAGE -> write(w, field.descriptor().getMessageType(), value instanceof Message m ? m.toByteString() : (ByteString) value);
            default -> throw new IllegalArgumentException("cannot render " + field.descriptor().getFullName());
        }
    }

    /**
     * RFC 3339 in UTC exactly as {@link Timestamps#toString} writes it (fraction of 0, 3, 6 or 9 digits), without
     * its SimpleDateFormat; out-of-range values are left to it (it throws).
     */
    static String timestamp(Timestamp t) {
        long seconds = t.getSeconds();
        int nanos = t.getNanos();
        if (seconds < Timestamps.MIN_VALUE.getSeconds() || seconds > Timestamps.MAX_VALUE.getSeconds() || nanos < 0 || nanos > 999_999_999) {
            return Timestamps.toString(t);
        }
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(30);
        pad(out, d.getYear(), 4).append('-');
        pad(out, d.getMonthValue(), 2).append('-');
        pad(out, d.getDayOfMonth(), 2).append('T');
        pad(out, d.getHour(), 2).append(':');
        pad(out, d.getMinute(), 2).append(':');
        pad(out, d.getSecond(), 2);
        if (nanos != 0) {
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(out, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                pad(out, nanos / 1000, 6);
            } else {
                pad(out, nanos, 9);
            }
        }
        return out.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** JSON bytes being written: a growable array, unsynchronised (one response, one thread). */
    private static final class Out {
        private byte[] buffer;
        private int size;

        Out(int capacity) {
            buffer = new byte[capacity];
        }

        private void room(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        void put(byte b) {
            room(1);
            buffer[size++] = b;
        }

        void put(byte[] bytes) {
            room(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }

        /** Text known to be ASCII without anything to escape (numbers, timestamps, base64). */
        void ascii(String text) {
            int n = text.length();
            room(n);
            for (int i = 0; i < n; i++) {
                buffer[size++] = (byte) text.charAt(i);
            }
        }

        void quotedAscii(String text) {
            put((byte) '"');
            ascii(text);
            put((byte) '"');
        }

        /**
         * A JSON string from valid UTF-8, escaped like Gson's JsonWriter: the ASCII escapes above, and U+2028 and
         * U+2029 (UTF-8 E2 80 A8/A9) as their six-character escapes; every other byte is copied.
         */
        void string(byte[] utf8) {
            int n = utf8.length;
            room(n + 2);
            buffer[size++] = '"';
            int run = 0; // start of the bytes not copied yet
            for (int i = 0; i < n; i++) {
                byte b = utf8[i];
                byte[] escape;
                if (b >= 0) {
                    escape = ESCAPES[b];
                } else if (b == (byte) 0xE2 && i + 2 < n && utf8[i + 1] == (byte) 0x80 && (utf8[i + 2] == (byte) 0xA8 || utf8[i + 2] == (byte) 0xA9)) {
                    escape = utf8[i + 2] == (byte) 0xA8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR;
                } else {
                    continue;
                }
                if (escape == null) {
                    continue;
                }
                copy(utf8, run, i - run);
                put(escape);
                i += b >= 0 ? 0 : 2;
                run = i + 1;
            }
            copy(utf8, run, n - run);
            put((byte) '"');
        }

        private void copy(byte[] bytes, int from, int length) {
            room(length);
            System.arraycopy(bytes, from, buffer, size, length);
            size += length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void floating(Out w, double value, String text) {
        if (Double.isNaN(value)) {
            w.quotedAscii("NaN");
        } else if (Double.isInfinite(value)) {
            w.quotedAscii(value > 0 ? "Infinity" : "-Infinity");
        } else {
            w.ascii(text);
        }
    }
}
