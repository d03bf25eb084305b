package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * Settings under {@code chaintrack.api.health}: whose Kafka lag health reports, how long it may wait for the
 * brokers, how long one lag reading is reused, and when an ingest endpoint status row counts as stale.
 *
 * @param consumerGroups consumer groups of the jobs reading the chain-events topic
 * @param kafkaTimeout bound of the admin calls of one health check
 * @param ingestStatusStaleAfter a status row older than this is reported stale (its reporter stopped)
 * @param lagRefreshInterval a Kafka lag reading younger than this answers health without asking the brokers
 *     (probes of every replica poll health every few seconds); 0 reads on every call
 */
@ConfigurationProperties("chaintrack.api.health")
public record HealthConfig(
        @Bindable(defaultValue = "chaintrack-balances,chaintrack-analytics") List<String> consumerGroups,
        @Bindable(defaultValue = "3s") Duration kafkaTimeout,
        @Bindable(defaultValue = "2m") Duration ingestStatusStaleAfter,
        @Bindable(defaultValue = "5s") Duration lagRefreshInterval) {

    public HealthConfig {
        consumerGroups = List.copyOf(consumerGroups);
        if (kafkaTimeout.toMillis() < 10 || ingestStatusStaleAfter.isNegative() || ingestStatusStaleAfter.isZero()
                || lagRefreshInterval.isNegative()) {
            throw new IllegalArgumentException("chaintrack.api.health: kafka-timeout at least 10ms,"
                    + " ingest-status-stale-after positive, lag-refresh-interval not negative");
        }
    }
}
