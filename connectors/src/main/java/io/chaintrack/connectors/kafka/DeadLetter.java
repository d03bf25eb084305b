package io.chaintrack.connectors.kafka;

/** A payload that did not decode, kept byte for byte with where it came from and why it failed. */
public class DeadLetter {
    public KafkaPayload payload;
    public String error;

    public DeadLetter() {}

    public DeadLetter(KafkaPayload payload, String error) {
        this.payload = payload;
        this.error = error;
    }
}
