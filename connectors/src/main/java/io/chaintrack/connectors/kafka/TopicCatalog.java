package io.chaintrack.connectors.kafka;

import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * Every Kafka topic chaintrack uses, each bound to its key and value serdes. No topic name appears
 * anywhere else in the code. ChainEvents are keyed by chain id so one chain's events stay in order.
 */
public final class TopicCatalog {
    /** APPLIED / REVERTED blocks with their transfers; key = chain id, value = protobuf ChainEvent. */
    public static final Topic<Long, ChainEvent> CHAIN_EVENTS = new Topic<>(
            "chaintrack.chain-events.v1", 4,
            new LongSerializer(), new LongDeserializer(),
            ProtobufSerde.serializer(), ProtobufSerde.deserializer(ChainEvent.parser()));

    /**
     * Payloads that did not parse, byte for byte as they arrived; headers name the source topic,
     * partition, offset and the error.
     */
    public static final Topic<byte[], byte[]> DEAD_LETTERS = new Topic<>(
            "chaintrack.dead-letters.v1", 1,
            new ByteArraySerializer(), new ByteArrayDeserializer(),
            new ByteArraySerializer(), new ByteArrayDeserializer());

    private TopicCatalog() {}

    public static List<Topic<?, ?>> all() {
        return List.of(CHAIN_EVENTS, DEAD_LETTERS);
    }
}
