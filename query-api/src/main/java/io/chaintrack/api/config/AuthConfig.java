package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Settings under {@code chaintrack.api.auth}: whether API keys are required (health, metrics and docs
 * are always open).
 *
 * @param enabled require an x-api-key on every query route and method
 */
@ConfigurationProperties("chaintrack.api.auth")
public record AuthConfig(@Bindable(defaultValue = "true") boolean enabled) {}
