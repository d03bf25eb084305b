package io.chaintrack.connectors.kafka;

/**
 * A Kafka record as raw bytes with its coordinates. Sources emit this and decode in a separate,
 * named operator so that a payload that does not parse can be routed to the dead letters, never thrown.
 * A Flink POJO (public fields, no-arg constructor) so it serializes without Kryo.
 */
public class KafkaPayload {
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;
    public byte[] key;
    public byte[] value;

    public KafkaPayload() {}

    public KafkaPayload(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }
}
