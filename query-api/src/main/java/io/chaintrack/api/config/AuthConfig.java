package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Settings under {@code chaintrack.api.auth}: whether API keys are required (health, metrics and docs
 * are always open), and how closely replicas share a key's request budget.
 *
 * @param enabled require an x-api-key on every query route and method
 * @param localShare the fraction of a tier's limit one replica may consume before writing to the shared bucket
 *     (0: every request consults the database; a limit whose share is under one request is always exact)
 * @param syncPeriod the longest a replica keeps consumption unwritten
 */
@ConfigurationProperties("chaintrack.api.auth")
public record AuthConfig(@Bindable(defaultValue = "true") boolean enabled,
                         @Bindable(defaultValue = "0.01") double localShare,
                         @Bindable(defaultValue = "1s") Duration syncPeriod) {}
