package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * Settings under {@code chaintrack.api.health}: whose Kafka lag health reports (as the ingest job wrote it to
 * consumer_lag) and when a status row the pipeline writes (endpoint status, consumer lag) counts as stale.
 *
 * @param consumerGroups consumer groups of the jobs reading the chain-events topic, in the order health lists them
 * @param ingestStatusStaleAfter a status row older than this is reported stale (its reporter stopped)
 */
@ConfigurationProperties("chaintrack.api.health")
public record HealthConfig(
        @Bindable(defaultValue = "chaintrack-balances,chaintrack-analytics") List<String> consumerGroups,
        @Bindable(defaultValue = "2m") Duration ingestStatusStaleAfter) {

    public HealthConfig {
        consumerGroups = List.copyOf(consumerGroups);
        if (ingestStatusStaleAfter.isNegative() || ingestStatusStaleAfter.isZero()) {
            throw new IllegalArgumentException("chaintrack.api.health: ingest-status-stale-after must be positive");
        }
    }
}
