package io.chaintrack.connectors.kafka;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.ByteBuffer;

/**
 * A payload that did not decode or validate, kept byte for byte with why it failed and, when it was read from
 * Kafka, where it came from (a null topic: it never was a Kafka record).
 */
public class DeadLetter {
    public KafkaPayload payload;
    public String error;

    public DeadLetter() {}

    public DeadLetter(KafkaPayload payload, String error) {
        this.payload = payload;
        this.error = error;
    }

    /** An event a job fed from memory rejected: keyed and encoded as on the topic, with no source coordinates. */
    public static DeadLetter unread(ChainEvent event, String error) {
        byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(event.getBlock().getChainId()).array();
        return new DeadLetter(new KafkaPayload(null, -1, -1, BlockTimes.millis(event), key, event.toByteArray()), error);
    }
}
