package io.chaintrack.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Writes a dead letter unchanged, with headers naming why it failed and, if it was read from Kafka, where from. */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    public static final String HEADER_SOURCE_TOPIC = "chaintrack.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "chaintrack.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "chaintrack.source.offset";
    public static final String HEADER_ERROR = "chaintrack.error";

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        if (letter.payload.topic != null) {
            headers.add(HEADER_SOURCE_TOPIC, utf8(letter.payload.topic));
            headers.add(HEADER_SOURCE_PARTITION, utf8(Integer.toString(letter.payload.partition)));
            headers.add(HEADER_SOURCE_OFFSET, utf8(Long.toString(letter.payload.offset)));
        }
        headers.add(HEADER_ERROR, utf8(letter.error));
        return new ProducerRecord<>(TopicCatalog.DEAD_LETTERS.name(), null, null,
                letter.payload.key, letter.payload.value, headers);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
