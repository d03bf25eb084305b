package io.chaintrack.api.rest;

import com.google.gson.stream.JsonWriter;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proto3 JSON as grpc-gateway v2 renders it by default: lowerCamelCase names, every field emitted in declaration
 * order (unset message and optional fields as null, like protojson EmitUnpopulated), 64-bit integers as strings,
 * enums by name, timestamps RFC 3339. It reads the message's binary encoding (generated code, no reflection) and
 * streams JSON from it: the same bytes as protobuf's JsonFormat followed by the null rule, at a fraction of the cost.
 */
public final class ProtoJson {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final Map<Descriptor, Layout> LAYOUTS = new ConcurrentHashMap<>();

    /** What the printer needs of one field, read from the descriptor once (descriptor getters are not free). */
    private record Field(FieldDescriptor descriptor, int number, String jsonName, FieldDescriptor.Type type, boolean repeated,
                         boolean packable, boolean nullWhenAbsent, Object defaultValue) {
        static Field of(FieldDescriptor f) {
            boolean message = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            return new Field(f, f.getNumber(), f.getJsonName(), f.getType(), f.isRepeated(), f.isPackable(),
                    message || f.hasPresence(), message || f.isRepeated() ? null : f.getDefaultValue());
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
                fields[i] = Field.of(type.getFields().get(i));
                byNumber[fields[i].number()] = fields[i];
            }
            return new Layout(byNumber, fields, timestamp);
        }
    }

    private ProtoJson() {}

    public static String print(Message message) {
        BuilderWriter out = new BuilderWriter();
        JsonWriter writer = new JsonWriter(out);
        try {
            write(writer, message.getDescriptorForType(), message.toByteString());
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** UTF-8 bytes of {@link #print}, ready to be sent. */
    public static byte[] printBytes(Message message) {
        return print(message).getBytes(StandardCharsets.UTF_8);
    }

    public static <B extends Message.Builder> B parse(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not valid JSON for " + builder.getDescriptorForType().getFullName(), e);
        }
    }

    private static void write(JsonWriter w, Descriptor type, ByteString bytes) throws IOException {
        Layout layout = LAYOUTS.computeIfAbsent(type, Layout::of);
        if (layout.timestamp()) {
            w.value(timestamp(Timestamp.parseFrom(bytes)));
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
        w.beginObject();
        for (Field field : layout.fields()) {
            w.name(field.jsonName());
            Object value = values[field.number()];
            if (field.repeated()) {
                w.beginArray();
                if (value != null) {
                    for (Object item : (List<?>) value) {
                        scalar(w, field, item);
                    }
                }
                w.endArray();
            } else if (value == null && field.nullWhenAbsent()) {
                w.nullValue();
            } else {
                scalar(w, field, value == null ? field.defaultValue() : value);
            }
        }
        w.endObject();
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
            case STRING -> in.readStringRequireUtf8();
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

    /** One value the way JsonFormat prints it. */
    private static void scalar(JsonWriter w, Field field, Object value) throws IOException {
        switch (field.type()) {
            case INT32, SINT32, SFIXED32 -> w.value((long) (Integer) value);
            case UINT32, FIXED32 -> w.value(Integer.toUnsignedLong((Integer) value));
            case INT64, SINT64, SFIXED64 -> w.value(Long.toString((Long) value));
            case UINT64, FIXED64 -> w.value(Long.toUnsignedString((Long) value));
            case BOOL -> w.value((Boolean) value);
            case FLOAT -> floating(w, (Float) value, Float.toString((Float) value));
            case DOUBLE -> floating(w, (Double) value, Double.toString((Double) value));
            case STRING -> w.value((String) value);
            case BYTES -> w.value(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> {
                int number = value instanceof EnumValueDescriptor d ? d.getNumber() : (Integer) value;
                EnumValueDescriptor known = field.descriptor().getEnumType().findValueByNumber(number);
                if (known == null) {
                    w.value(number);
                } else {
                    w.value(known.getName());
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

    /** An unsynchronised StringWriter: JsonWriter appends many small pieces. */
    private static final class BuilderWriter extends java.io.Writer {
        private final StringBuilder buffer = new StringBuilder(512);

        @Override
        public void write(char[] chars, int offset, int length) {
            buffer.append(chars, offset, length);
        }

        @Override
        public void write(int c) {
            buffer.append((char) c);
        }

        @Override
        public void write(String text, int offset, int length) {
            buffer.append(text, offset, offset + length);
        }

        @Override
        public java.io.Writer append(CharSequence text) {
            buffer.append(text);
            return this;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return buffer.toString();
        }
    }

    private static void floating(JsonWriter w, double value, String text) throws IOException {
        if (Double.isNaN(value)) {
            w.value("NaN");
        } else if (Double.isInfinite(value)) {
            w.value(value > 0 ? "Infinity" : "-Infinity");
        } else {
            w.jsonValue(text);
        }
    }
}
