package io.chaintrack.api.rest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.chaintrack.api.error.InvalidArgumentException;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a proto request from path variables and query parameters the way grpc-gateway does: a query
 * parameter is a non-path field named by its proto name or JSON name. Anything it cannot place or parse
 * is a 400 naming the parameter, so the domain services only ever see well-typed requests.
 */
public final class ProtoRequestBinder {
    private static final java.util.Set<FieldDescriptor.Type> NUMBERS = java.util.EnumSet.of(
            FieldDescriptor.Type.INT32, FieldDescriptor.Type.SINT32, FieldDescriptor.Type.SFIXED32,
            FieldDescriptor.Type.UINT32, FieldDescriptor.Type.FIXED32, FieldDescriptor.Type.INT64, FieldDescriptor.Type.SINT64,
            FieldDescriptor.Type.SFIXED64, FieldDescriptor.Type.UINT64, FieldDescriptor.Type.FIXED64);
    /** What a number parameter may hold before it is parsed: an optional sign and ASCII digits. */
    private static final java.util.regex.Pattern ASCII_NUMBER = java.util.regex.Pattern.compile("[+-]?[0-9]+");

    private ProtoRequestBinder() {}

    public static void bind(Message.Builder builder, Map<String, String> path, Map<String, List<String>> query) {
        Descriptor type = builder.getDescriptorForType();
        for (Map.Entry<String, String> variable : path.entrySet()) {
            FieldDescriptor field = type.findFieldByName(variable.getKey());
            if (field == null) {
                throw new IllegalStateException("route variable " + variable.getKey() + " is not a field of " + type.getFullName());
            }
            set(builder, field, List.of(variable.getValue()));
        }
        java.util.Set<FieldDescriptor> given = new java.util.HashSet<>();
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            FieldDescriptor field = resolve(type, name);
            if (field == null) {
                throw new InvalidArgumentException(name, "unknown query parameter" + knownParameters(type, path));
            }
            if (!given.add(field) && !field.isRepeated()) {
                throw new InvalidArgumentException(field.getName(), "given twice (as " + field.getName() + " and "
                        + field.getJsonName() + "); it takes one value");
            }
            if (path.containsKey(field.getName())) {
                throw new InvalidArgumentException(field.getName(), "is a path parameter and cannot also be given in the query");
            }
            set(builder, field, parameter.getValue());
        }
    }

    /** The field a query parameter names: proto name first, then JSON name. */
    static FieldDescriptor resolve(Descriptor type, String name) {
        FieldDescriptor field = type.findFieldByName(name);
        if (field != null) {
            return field;
        }
        for (FieldDescriptor candidate : type.getFields()) {
            if (candidate.getJsonName().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    private static String knownParameters(Descriptor type, Map<String, String> path) {
        List<String> names = type.getFields().stream().map(FieldDescriptor::getName).filter(n -> !path.containsKey(n)).toList();
        return names.isEmpty() ? " (this route takes none)" : " (known: " + String.join(", ", names) + ")";
    }

    private static void set(Message.Builder builder, FieldDescriptor field, List<String> values) {
        if (!field.isRepeated() && values.size() > 1) {
            throw new InvalidArgumentException(field.getName(), "given " + values.size() + " times; it takes one value");
        }
        builder.clearField(field);
        for (String value : values) {
            Object parsed = parse(field, value);
            if (field.isRepeated()) {
                builder.addRepeatedField(field, parsed);
            } else {
                builder.setField(field, parsed);
            }
        }
    }

    private static Object parse(FieldDescriptor field, String value) {
        String name = field.getName();
        if (NUMBERS.contains(field.getType()) && !ASCII_NUMBER.matcher(value).matches()) {
            // Integer.parseInt and friends accept any Unicode digit (Arabic-Indic, full-width): not this API
            throw new InvalidArgumentException(name, "not a valid " + typeName(field) + " (ASCII digits 0-9 only): '" + clip(value) + "'");
        }
        try {
            return switch (field.getType()) {
                case STRING -> value;
                case BOOL -> switch (value) {
                    case "true", "1" -> Boolean.TRUE;
                    case "false", "0" -> Boolean.FALSE;
                    default -> throw new InvalidArgumentException(name, "not a boolean (true or false): '" + clip(value) + "'");
                };
                case INT32, SINT32, SFIXED32 -> Integer.parseInt(value);
                case UINT32, FIXED32 -> Integer.parseUnsignedInt(value);
                case INT64, SINT64, SFIXED64 -> Long.parseLong(value);
                case UINT64, FIXED64 -> Long.parseUnsignedLong(value);
                case FLOAT -> Float.parseFloat(value);
                case DOUBLE -> Double.parseDouble(value);
                case BYTES -> ByteString.copyFrom(Base64.getUrlDecoder().decode(value.replace('+', '-').replace('/', '_')));
                case ENUM -> enumValue(field, value);
                case MESSAGE -> message(field, value);
                default -> throw new InvalidArgumentException(name, "cannot be given as a query parameter");
            };
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(name, "not a valid " + typeName(field) + ": '" + clip(value) + "'");
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(name, "not valid base64: '" + clip(value) + "'");
        }
    }

    private static Object message(FieldDescriptor field, String value) {
        String type = field.getMessageType().getFullName();
        try {
            if (type.equals(Timestamp.getDescriptor().getFullName())) {
                return timestamp(value);
            }
            if (type.equals(Duration.getDescriptor().getFullName())) {
                return Durations.parse(value);
            }
        } catch (ParseException | RuntimeException e) {
            throw new InvalidArgumentException(field.getName(), "not an RFC 3339 "
                    + (type.endsWith("Timestamp") ? "timestamp such as 2024-01-31T00:00:00Z" : "duration such as 3600s")
                    + ": '" + clip(value) + "'");
        }
        throw new InvalidArgumentException(field.getName(), "cannot be given as a query parameter");
    }

    /**
     * RFC 3339 with strict calendar checks (protobuf's Timestamps.parse is lenient and turns month 13
     * into January of the next year).
     */
    private static Timestamp timestamp(String value) {
        Instant instant = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        Timestamp timestamp = Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
        if (!Timestamps.isValid(timestamp)) {
            throw new DateTimeException("outside 0001-01-01..9999-12-31");
        }
        return timestamp;
    }

    /** An enum by full name, by number, or by its name without the type prefix (INCOMING for DIRECTION_INCOMING). */
    private static EnumValueDescriptor enumValue(FieldDescriptor field, String value) {
        EnumDescriptor type = field.getEnumType();
        EnumValueDescriptor byName = type.findValueByName(value);
        if (byName != null) {
            return byName;
        }
        String upper = value.toUpperCase(Locale.ROOT);
        for (EnumValueDescriptor candidate : type.getValues()) {
            if (candidate.getName().equals(upper) || candidate.getName().endsWith("_" + upper) && !upper.isEmpty()) {
                return candidate;
            }
        }
        if (value.matches("-?[0-9]{1,9}")) {
            EnumValueDescriptor byNumber = type.findValueByNumber(Integer.parseInt(value));
            if (byNumber != null) {
                return byNumber;
            }
        }
        throw new InvalidArgumentException(field.getName(), "not one of "
                + type.getValues().stream().map(EnumValueDescriptor::getName).toList() + ": '" + clip(value) + "'");
    }

    private static String typeName(FieldDescriptor field) {
        return switch (field.getType()) {
            case UINT32, FIXED32 -> "uint32";
            case UINT64, FIXED64 -> "uint64";
            case INT64, SINT64, SFIXED64 -> "int64";
            case FLOAT, DOUBLE -> "number";
            default -> "int32";
        };
    }

    private static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
