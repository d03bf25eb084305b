package io.chaintrack.connectors.kafka;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.ByteBuffer;

/**
 * A payload that did not decode or validate, kept byte for byte with why it failed.
 * Invariant: source coordinates are real or absent (null topic: the event was never read from Kafka).
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
