package io.chaintrack.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Proto3 JSON as grpc-gateway v2 renders it by default: lowerCamelCase names, every field in declaration order (unset
 * message and optional fields as null), 64-bit integers as strings, enums by name, timestamps RFC 3339, UTF-8 bytes.
 */
public final class ProtoJson {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final Map<Class<?>, Layout> GENERATED = new ConcurrentHashMap<>();
    private static final Map<Descriptor, Layout> REFLECTIVE = new ConcurrentHashMap<>();
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));
    /** Gson's JsonWriter escapes (not HTML-safe): the control characters, quote and backslash; null = as is. */
    private static final byte[][] ESCAPES = new byte[128][];
    private static final byte[] LINE_SEPARATOR = ascii("\\u2028");
    private static final byte[] PARAGRAPH_SEPARATOR = ascii("\\u2029");
    /** Largest output kept by a thread for its next response; bigger buffers are left to the collector. */
    private static final int KEPT_BUFFER = 256 * 1024;
    private static final ThreadLocal<Out> BUFFERS = ThreadLocal.withInitial(() -> new Out(16 * 1024));

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

    /** How a field's values are written; the Java type its getter returns follows from it. */
    private enum Kind { INT32, UINT32, INT64, UINT64, BOOL, FLOAT, DOUBLE, STRING, BYTES, ENUM, MESSAGE;

        static Kind of(FieldDescriptor f) {
            return switch (f.getType()) {
                case INT32, SINT32, SFIXED32 -> INT32;
                case UINT32, FIXED32 -> UINT32;
                case INT64, SINT64, SFIXED64 -> INT64;
                case UINT64, FIXED64 -> UINT64;
                case BOOL -> BOOL;
                case FLOAT -> FLOAT;
                case DOUBLE -> DOUBLE;
                case STRING -> STRING;
                case BYTES -> BYTES;
                case ENUM -> ENUM;
                case MESSAGE -> MESSAGE;
                case GROUP -> throw new IllegalArgumentException(f.getFullName() + ": groups are not rendered");
            };
        }
    }

    /**
     * One field: its JSON name and how its value is read. Exactly one value reader is set, matching the kind (ints and
     * enum numbers, longs, booleans, floating point, objects; a repeated field's list is an object); {@code has} is
     * set when an absent value prints as null.
     */
    private static final class Field {
        final FieldDescriptor descriptor;
        final byte[] name;
        final Kind kind;
        final boolean repeated;
        Predicate<Message> has;
        ToIntFunction<Message> intValue;
        ToLongFunction<Message> longValue;
        Predicate<Message> boolValue;
        ToDoubleFunction<Message> doubleValue;
        Function<Message, Object> objectValue;
        /** A nested message's generated class, or null when it is read reflectively. */
        Class<?> nestedClass;
        /** Resolved on first use (types may nest themselves); volatile as the accessors are set after Layout's constructor. */
        private volatile Layout nested;
        /** Enum names as JSON strings by number, when the numbers are small; null = look the name up. */
        byte[][] enumNames;
        boolean boundToGetters;

        Field(FieldDescriptor f, boolean first) {
            descriptor = f;
            // the member's separator, quoted JSON name and colon, ready to copy
            name = ascii((first ? "" : ",") + "\"" + f.getJsonName() + "\":");
            kind = Kind.of(f);
            repeated = f.isRepeated();
            if (kind == Kind.ENUM) {
                enumNames = enumNames(f);
            }
        }

        Layout nested() {
            Layout layout = nested;
            if (layout == null) {
                nested = layout = nestedClass != null ? generated(nestedClass, descriptor.getMessageType()) : reflective(descriptor.getMessageType());
            }
            return layout;
        }
    }

    /** A message type's fields in declaration order, or a Timestamp (printed as one string). */
    private record Layout(Field[] fields, boolean timestamp, FieldDescriptor seconds, FieldDescriptor nanos) {
        static Layout of(Descriptor type) {
            boolean timestamp = type.getFullName().equals(Timestamp.getDescriptor().getFullName());
            if (!timestamp && type.getFile().getPackage().equals("google.protobuf")) {
                // JsonFormat gives the other well-known types (Duration, wrappers, Struct, ...) their own JSON forms
                throw new IllegalArgumentException(type.getFullName() + ": only google.protobuf.Timestamp is rendered among well-known types");
            }
            Field[] fields = new Field[type.getFields().size()];
            for (int i = 0; i < fields.length; i++) {
                FieldDescriptor f = type.getFields().get(i);
                if (f.isMapField() || f.isExtension()) {
                    throw new IllegalArgumentException(type.getFullName() + "." + f.getName() + ": map fields are not rendered");
                }
                fields[i] = new Field(f, i == 0);
            }
            return new Layout(fields, timestamp, type.findFieldByName("seconds"), type.findFieldByName("nanos"));
        }
    }

    private ProtoJson() {}

    public static String print(Message message) {
        return new String(printBytes(message), StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@link #print}, ready to be sent. */
    public static byte[] printBytes(Message message) {
        Out out = written(message);
        byte[] json = out.toByteArray();
        release(out);
        return json;
    }

    /**
     * {@link #printBytes} in a direct buffer of Netty's pooled allocator, for a response body: the caller owns the
     * buffer (Netty releases it once it is written).
     */
    public static ByteBuf printBuffer(Message message) {
        Out out = written(message);
        ByteBuf json = ByteBufAllocator.DEFAULT.directBuffer(out.size, out.size);
        json.writeBytes(out.buffer, 0, out.size);
        release(out);
        return json;
    }

    /** The message written into this thread's buffer: printing calls nothing that could print again on this thread. */
    private static Out written(Message message) {
        Out out = BUFFERS.get();
        out.size = 0;
        write(out, layout(message), message);
        return out;
    }

    /** Keeps the thread's buffer unless one very large answer grew it. */
    private static void release(Out out) {
        if (out.buffer.length > KEPT_BUFFER) {
            BUFFERS.remove();
        }
    }

    public static <B extends Message.Builder> B parse(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not valid JSON for " + builder.getDescriptorForType().getFullName(), e);
        }
    }

    /** Whether every field of this generated class is read through its getters (ProtoJsonTest checks the API's). */
    static boolean readThroughGetters(Class<? extends GeneratedMessage> type, Descriptor descriptor) {
        return Arrays.stream(generated(type, descriptor).fields()).allMatch(f -> f.boundToGetters);
    }

    private static Layout layout(Message message) {
        return message instanceof GeneratedMessage ? generated(message.getClass(), message.getDescriptorForType())
                : reflective(message.getDescriptorForType());
    }

    private static Layout generated(Class<?> type, Descriptor descriptor) {
        Layout layout = GENERATED.get(type);
        return layout != null ? layout : GENERATED.computeIfAbsent(type, t -> bindGetters(t, Layout.of(descriptor)));
    }

    private static Layout reflective(Descriptor descriptor) {
        Layout layout = REFLECTIVE.get(descriptor);
        return layout != null ? layout : REFLECTIVE.computeIfAbsent(descriptor, d -> bindReflection(Layout.of(d)));
    }

    private static Layout bindReflection(Layout layout) {
        for (Field field : layout.fields()) {
            reflect(field);
        }
        return layout;
    }

    /** Singular message fields and proto3 optional ones: absent, they print as null rather than a default. */
    private static boolean nullWhenAbsent(FieldDescriptor f) {
        return !f.isRepeated() && (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE || f.hasPresence());
    }

    /** Message.getField for any implementation: boxed, and a map lookup per value in DynamicMessage. */
    private static void reflect(Field field) {
        FieldDescriptor f = field.descriptor;
        field.boundToGetters = false;
        field.has = nullWhenAbsent(f) ? m -> m.hasField(f) : null;
        field.intValue = null;
        field.longValue = null;
        field.boolValue = null;
        field.doubleValue = null;
        field.objectValue = null;
        field.nestedClass = null;
        if (field.repeated) {
            field.objectValue = m -> m.getField(f);
            return;
        }
        switch (field.kind) {
            case INT32, UINT32 -> field.intValue = m -> (Integer) m.getField(f);
            case ENUM -> field.intValue = m -> ((EnumValueDescriptor) m.getField(f)).getNumber();
            case INT64, UINT64 -> field.longValue = m -> (Long) m.getField(f);
            case BOOL -> field.boolValue = m -> (Boolean) m.getField(f);
            case FLOAT -> field.doubleValue = m -> (Float) m.getField(f);
            case DOUBLE -> field.doubleValue = m -> (Double) m.getField(f);
            case STRING, BYTES, MESSAGE -> field.objectValue = m -> m.getField(f);
        }
    }

    /**
     * Byte-equal to JsonFormat + the null rule + Gson's escaping (ProtoJsonTest), without serialising and re-parsing:
     * the generated accessors protoc names after the field (getFoo, getFooValue for enums, getFooList or
     * getFooValueList, hasFoo), as lambdas: an interface call, no boxing (Message.getField on a 20-transfer page was
     * measured 1.3x slower with 6 KB more garbage). A field whose accessor is not as expected (a protoc rename on a name
     * clash) is read reflectively.
     */
    private static Layout bindGetters(Class<?> type, Layout layout) {
        for (Field field : layout.fields()) {
            try {
                bindGetters(type, field);
                field.boundToGetters = true;
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                reflect(field);
            }
        }
        return layout;
    }

    @SuppressWarnings("unchecked")
    private static void bindGetters(Class<?> type, Field field) throws ReflectiveOperationException {
        FieldDescriptor f = field.descriptor;
        String name = camelCase(f.getName());
        if (nullWhenAbsent(f)) {
            field.has = lambda(Predicate.class, "test", boolean.class, type, "has" + name, boolean.class);
        }
        String value = field.kind == Kind.ENUM ? "Value" : "";
        if (field.kind == Kind.MESSAGE) {
            field.nestedClass = field.repeated ? type.getMethod("get" + name, int.class).getReturnType() : type.getMethod("get" + name).getReturnType();
            if (!GeneratedMessage.class.isAssignableFrom(field.nestedClass)) {
                throw new NoSuchMethodException(type.getName() + ".get" + name + " does not return a generated message");
            }
        }
        if (field.repeated) {
            field.objectValue = lambda(Function.class, "apply", Object.class, type, "get" + name + value + "List", List.class);
            return;
        }
        String getter = "get" + name + value;
        switch (field.kind) {
            case INT32, UINT32, ENUM -> field.intValue = lambda(ToIntFunction.class, "applyAsInt", int.class, type, getter, int.class);
            case INT64, UINT64 -> field.longValue = lambda(ToLongFunction.class, "applyAsLong", long.class, type, getter, long.class);
            case BOOL -> field.boolValue = lambda(Predicate.class, "test", boolean.class, type, getter, boolean.class);
            case FLOAT -> field.doubleValue = lambda(ToDoubleFunction.class, "applyAsDouble", double.class, type, getter, float.class);
            case DOUBLE -> field.doubleValue = lambda(ToDoubleFunction.class, "applyAsDouble", double.class, type, getter, double.class);
            case STRING -> field.objectValue = lambda(Function.class, "apply", Object.class, type, getter, String.class);
            case BYTES -> field.objectValue = lambda(Function.class, "apply", Object.class, type, getter, ByteString.class);
            case MESSAGE -> field.objectValue = lambda(Function.class, "apply", Object.class, type, getter, GeneratedMessage.class);
        }
    }

    /** An instance of the functional interface whose method calls the public no-argument getter of the type. */
    @SuppressWarnings("unchecked")
    private static <T> T lambda(Class<T> function, String method, Class<?> returns, Class<?> type, String getter, Class<?> expected)
            throws ReflectiveOperationException {
        Method target = type.getMethod(getter);
        if (!expected.isAssignableFrom(target.getReturnType())) {
            throw new NoSuchMethodException(type.getName() + "." + getter + " returns " + target.getReturnType().getName());
        }
        MethodHandle handle = LOOKUP.unreflect(target);
        MethodType instantiated = MethodType.methodType(returns.isPrimitive() ? returns : target.getReturnType(), type);
        try {
            return (T) LambdaMetafactory.metafactory(LOOKUP, method, MethodType.methodType(function), MethodType.methodType(returns, Object.class),
                    handle, instantiated).getTarget().invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalArgumentException("cannot bind " + type.getName() + "." + getter, e);
        }
    }

    /** protoc's Java accessor name part: underscores dropped, the next letter and every letter after a digit upper-cased. */
    static String camelCase(String fieldName) {
        StringBuilder out = new StringBuilder(fieldName.length());
        boolean upper = true;
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append(upper ? (char) (c - 'a' + 'A') : c);
                upper = false;
            } else if (c >= 'A' && c <= 'Z') {
                out.append(c);
                upper = false;
            } else if (c >= '0' && c <= '9') {
                out.append(c);
                upper = true;
            } else {
                upper = true;
            }
        }
        return out.toString();
    }

    private static byte[][] enumNames(FieldDescriptor f) {
        int max = 0;
        for (EnumValueDescriptor v : f.getEnumType().getValues()) {
            if (v.getNumber() < 0 || v.getNumber() > 1024) {
                return null;
            }
            max = Math.max(max, v.getNumber());
        }
        byte[][] names = new byte[max + 1][];
        for (int n = 0; n <= max; n++) {
            EnumValueDescriptor known = f.getEnumType().findValueByNumber(n);
            if (known != null) {
                Out name = new Out(known.getName().length() + 2);
                name.string(known.getName());
                names[n] = name.toByteArray();
            }
        }
        return names;
    }

    private static void write(Out w, Layout layout, Message message) {
        if (layout.timestamp()) {
            Timestamp t = message instanceof Timestamp generated ? generated
                    : Timestamp.newBuilder().setSeconds((Long) message.getField(layout.seconds())).setNanos((Integer) message.getField(layout.nanos())).build();
            timestamp(w, t);
            return;
        }
        w.put((byte) '{');
        for (Field field : layout.fields()) {
            w.put(field.name);
            if (field.repeated) {
                w.put((byte) '[');
                List<?> items = (List<?>) field.objectValue.apply(message);
                for (int i = 0, n = items.size(); i < n; i++) {
                    if (i > 0) {
                        w.put((byte) ',');
                    }
                    item(w, field, items.get(i));
                }
                w.put((byte) ']');
            } else if (field.has != null && !field.has.test(message)) {
                w.put(NULL);
            } else {
                switch (field.kind) {
                    case INT32, UINT32, ENUM -> number(w, field, field.intValue.applyAsInt(message));
                    case INT64, UINT64 -> number(w, field, field.longValue.applyAsLong(message));
                    case BOOL -> w.put(field.boolValue.test(message) ? TRUE : FALSE);
                    case FLOAT, DOUBLE -> number(w, field, field.doubleValue.applyAsDouble(message));
                    case STRING, BYTES, MESSAGE -> item(w, field, field.objectValue.apply(message));
                }
            }
        }
        w.put((byte) '}');
    }

    /** One value the way JsonFormat prints it, from a repeated field's list or an object getter. */
    private static void item(Out w, Field field, Object value) {
        switch (field.kind) {
            case INT32, UINT32 -> number(w, field, (Integer) value);
            case ENUM -> number(w, field, value instanceof EnumValueDescriptor d ? d.getNumber() : (Integer) value);
            case INT64, UINT64 -> number(w, field, (Long) value);
            case BOOL -> w.put((Boolean) value ? TRUE : FALSE);
            case FLOAT -> number(w, field, (Float) value);
            case DOUBLE -> number(w, field, (Double) value);
            case STRING -> w.string((String) value);
            case BYTES -> w.quotedAscii(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case MESSAGE -> write(w, field.nested(), (Message) value);
        }
    }

    private static void number(Out w, Field field, int value) {
        if (field.kind == Kind.INT32) {
            w.decimal(value);
        } else if (field.kind == Kind.UINT32) {
            w.decimal(Integer.toUnsignedLong(value));
        } else if (field.enumNames != null && value >= 0 && value < field.enumNames.length && field.enumNames[value] != null) {
            w.put(field.enumNames[value]);
        } else {
            EnumValueDescriptor known = field.descriptor.getEnumType().findValueByNumber(value);
            if (known == null) {
                w.decimal(value); // an unknown number prints as the number
            } else {
                w.string(known.getName());
            }
        }
    }

    private static void number(Out w, Field field, long value) {
        w.put((byte) '"');
        if (field.kind == Kind.UINT64 && value < 0) {
            w.ascii(Long.toUnsignedString(value));
        } else {
            w.decimal(value);
        }
        w.put((byte) '"');
    }

    private static void number(Out w, Field field, double value) {
        if (Double.isNaN(value)) {
            w.quotedAscii("NaN");
        } else if (Double.isInfinite(value)) {
            w.quotedAscii(value > 0 ? "Infinity" : "-Infinity");
        } else {
            // a float getter's value widened exactly; narrowed back, it prints the float's shortest digits
            w.ascii(field.kind == Kind.FLOAT ? Float.toString((float) value) : Double.toString(value));
        }
    }

    /**
     * RFC 3339 in UTC exactly as {@link Timestamps#toString} writes it (fraction of 0, 3, 6 or 9 digits), without
     * its SimpleDateFormat; out-of-range values are left to it (it throws).
     */
    static String timestamp(Timestamp t) {
        Out out = new Out(32);
        timestamp(out, t);
        return new String(out.buffer, 1, out.size - 2, StandardCharsets.US_ASCII); // without the quotes
    }

    private static void timestamp(Out w, Timestamp t) {
        long seconds = t.getSeconds();
        int nanos = t.getNanos();
        if (seconds < Timestamps.MIN_VALUE.getSeconds() || seconds > Timestamps.MAX_VALUE.getSeconds() || nanos < 0 || nanos > 999_999_999) {
            w.quotedAscii(Timestamps.toString(t));
            return;
        }
        long days = Math.floorDiv(seconds, 86_400);
        int second = (int) Math.floorMod(seconds, 86_400);
        // the proleptic Gregorian date of a day number, counted in 400-year eras from 0000-03-01 (years 1..9999 here)
        long shifted = days + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        int dayOfEra = (int) (shifted - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        w.put((byte) '"');
        w.digits((int) year, 4);
        w.put((byte) '-');
        w.digits(month, 2);
        w.put((byte) '-');
        w.digits(day, 2);
        w.put((byte) 'T');
        w.digits(second / 3600, 2);
        w.put((byte) ':');
        w.digits(second / 60 % 60, 2);
        w.put((byte) ':');
        w.digits(second % 60, 2);
        if (nanos != 0) {
            w.put((byte) '.');
            if (nanos % 1_000_000 == 0) {
                w.digits(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                w.digits(nanos / 1000, 6);
            } else {
                w.digits(nanos, 9);
            }
        }
        w.put((byte) 'Z');
        w.put((byte) '"');
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

        /** Long.toString's digits without the String. */
        void decimal(long value) {
            if (value == Long.MIN_VALUE) {
                put(MIN_LONG); // the one value whose negation overflows
                return;
            }
            room(20);
            if (value < 0) {
                buffer[size++] = '-';
                value = -value;
            }
            int digits = 1;
            for (long v = value; v >= 10; v /= 10) {
                digits++;
            }
            int end = size + digits;
            for (int i = end - 1; i >= size; i--) {
                buffer[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size = end;
        }

        /** A non-negative number's digits, zero-padded to the width. */
        void digits(int value, int width) {
            room(10);
            int end = size + width;
            for (int i = end - 1; i >= size; i--) {
                buffer[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size = end;
        }

        /**
         * A JSON string escaped like Gson's JsonWriter (the ASCII escapes above, U+2028 and U+2029 as six-character
         * escapes), as UTF-8 encoded by String.getBytes (a lone surrogate becomes '?'). Plain ASCII is copied char by
         * char with no intermediate array; the first char needing more switches to the general loop.
         */
        void string(String text) {
            int n = text.length();
            room(n + 2);
            byte[] out = buffer;
            int at = size;
            out[at++] = '"';
            int i = 0;
            for (; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80 || ESCAPES[c] != null) {
                    break;
                }
                out[at++] = (byte) c;
            }
            size = at;
            if (i < n) {
                escaped(text, i);
            }
            put((byte) '"');
        }

        private void escaped(String text, int from) {
            int n = text.length();
            for (int i = from; i < n; i++) {
                char c = text.charAt(i);
                room(6);
                if (c < 0x80) {
                    byte[] escape = ESCAPES[c];
                    if (escape == null) {
                        buffer[size++] = (byte) c;
                    } else {
                        put(escape);
                    }
                } else if (c < 0x800) {
                    buffer[size++] = (byte) (0xC0 | c >> 6);
                    buffer[size++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    buffer[size++] = (byte) (0xF0 | cp >> 18);
                    buffer[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    buffer[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    buffer[size++] = (byte) (0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    buffer[size++] = '?';
                } else if (c == '\u2028' || c == '\u2029') {
                    put(c == '\u2028' ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR);
                } else {
                    buffer[size++] = (byte) (0xE0 | c >> 12);
                    buffer[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                    buffer[size++] = (byte) (0x80 | c & 0x3F);
                }
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
