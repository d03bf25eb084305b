package io.chaintrack.api.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * The first, reflective rendering of {@link ProtoJson} (protobuf's JsonFormat, then null for unset message
 * fields): kept as the reference the fast printer must reproduce byte for byte.
 */
public final class ReferenceProtoJson {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ReferenceProtoJson() {}

    public static String print(Message message) {
        try {
            JsonObject printed = JsonParser.parseString(PRINTER.print(message)).getAsJsonObject();
            return withUnpopulatedMessages(message.getDescriptorForType(), message, printed).toString();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot render " + message.getDescriptorForType().getFullName(), e);
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

    /** Rebuilds the object in field order with null for every unset singular message field. */
    private static JsonObject withUnpopulatedMessages(Descriptor type, Message message, JsonObject printed) {
        JsonObject out = new JsonObject();
        for (FieldDescriptor field : type.getFields()) {
            JsonElement value = printed.get(field.getJsonName());
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (field.isRepeated()) {
                    List<?> items = (List<?>) message.getField(field);
                    if (value != null && value.isJsonArray() && !isWellKnown(field.getMessageType())) {
                        for (int i = 0; i < items.size(); i++) {
                            JsonElement item = value.getAsJsonArray().get(i);
                            if (item.isJsonObject()) {
                                value.getAsJsonArray().set(i, withUnpopulatedMessages(field.getMessageType(),
                                        (Message) items.get(i), item.getAsJsonObject()));
                            }
                        }
                    }
                } else if (!message.hasField(field)) {
                    value = JsonNull.INSTANCE;
                } else if (value != null && value.isJsonObject() && !isWellKnown(field.getMessageType())) {
                    value = withUnpopulatedMessages(field.getMessageType(), (Message) message.getField(field), value.getAsJsonObject());
                }
            }
            out.add(field.getJsonName(), value == null ? JsonNull.INSTANCE : value);
        }
        return out;
    }

    private static boolean isWellKnown(Descriptor type) {
        return type.getFile().getPackage().equals("google.protobuf");
    }
}
