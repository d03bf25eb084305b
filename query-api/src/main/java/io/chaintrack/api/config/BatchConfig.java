package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Settings under {@code chaintrack.api.batch}: how reads of one shape (an address's transfer page, a token's
 * balance history) share SQL statements. A read never waits for a batch to fill; it waits only while
 * max-concurrent statements of its shape are running, and the next statement takes every read queued meanwhile.
 *
 * @param maxBatch most reads one statement answers (1 = one statement per read)
 * @param maxConcurrent statements of one shape running at once (each holds a pooled connection)
 */
@ConfigurationProperties("chaintrack.api.batch")
public record BatchConfig(
        @Bindable(defaultValue = "32") int maxBatch,
        @Bindable(defaultValue = "4") int maxConcurrent) {

    public BatchConfig {
        if (maxBatch < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("chaintrack.api.batch: max-batch and max-concurrent must be at least 1");
        }
    }
}
