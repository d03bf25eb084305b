package io.chaintrack.connectors.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serdes for protobuf messages: the plain binary encoding, no registry framing. */
public final class ProtobufSerde {
    private ProtobufSerde() {}

    public static <T extends Message> Serializer<T> serializer() {
        return (topic, message) -> message == null ? null : message.toByteArray();
    }

    public static <T extends Message> Deserializer<T> deserializer(Parser<T> parser) {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return parser.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new SerializationException("payload on " + topic + " is not a valid protobuf message: " + e.getMessage(), e);
            }
        };
    }
}
