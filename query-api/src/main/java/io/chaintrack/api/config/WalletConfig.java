package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Settings under {@code chaintrack.api.wallets}: bounds of one user's wallet list and of one CSV upload, so no
 * single user grows a table or a transaction without limit.
 *
 * @param maxPerUser wallets one user may have
 * @param maxImportRows data rows one CSV upload may hold (the whole upload is refused beyond)
 */
@ConfigurationProperties("chaintrack.api.wallets")
public record WalletConfig(@Bindable(defaultValue = "10000") int maxPerUser,
                           @Bindable(defaultValue = "10000") int maxImportRows) {
    public WalletConfig {
        if (maxPerUser < 1 || maxImportRows < 1) {
            throw new IllegalArgumentException("chaintrack.api.wallets.max-per-user and max-import-rows must be positive");
        }
    }
}
