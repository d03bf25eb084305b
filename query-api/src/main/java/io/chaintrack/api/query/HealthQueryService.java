package io.chaintrack.api.query;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SERVING exactly when the store answers a real query; never throws, so health itself cannot fail. */
@Singleton
public final class HealthQueryService {
    public static final String SERVING = "SERVING";
    public static final String NOT_SERVING = "NOT_SERVING";
    private static final Logger LOG = LoggerFactory.getLogger(HealthQueryService.class);

    private final Store store;

    public HealthQueryService(Store store) {
        this.store = store;
    }

    public CheckResponse check(CheckRequest request) {
        try {
            return CheckResponse.newBuilder()
                    .setStatus(SERVING)
                    .setDatabaseUp(true)
                    .addAllChains(store.read(c -> ChainQueryService.chainViews(store, c)))
                    .build();
        } catch (ApiException e) {
            LOG.warn("health check: database not answering: {}", e.getMessage());
            return CheckResponse.newBuilder().setStatus(NOT_SERVING).setDatabaseUp(false).build();
        }
    }
}
