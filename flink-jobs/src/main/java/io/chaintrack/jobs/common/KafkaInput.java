package io.chaintrack.jobs.common;

/**
 * Where a job reads the ChainEvent topic. {@code bounded} stops at the offsets that are latest when the
 * job starts (backfill and tests); otherwise the job follows the topic forever.
 */
public record KafkaInput(String bootstrapServers, String groupId, boolean bounded) {
    public KafkaInput {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("Kafka consumer group id is required");
        }
    }
}
