package io.chaintrack.api;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One API under test: a migrated embedded PostgreSQL, seeded before the API starts, the API on free ports
 * with the given properties, and real REST/gRPC clients. Closing stops all three in reverse order, each even if another fails.
 */
final class ApiFixture implements AutoCloseable {
    /** Writes rows through the data source (SeedData::seed, LedgerScenario::seed). */
    interface Seed {
        void seed(DataSource dataSource) throws Exception;
    }

    /** Writes rows on one connection (auto-commit). */
    interface ConnectionSeed {
        void seed(Connection connection) throws Exception;
    }

    final EmbeddedPostgresServer postgres;
    final QueryApi api;
    final Clients clients;

    private ApiFixture(EmbeddedPostgresServer postgres, QueryApi api, Clients clients) {
        this.postgres = postgres;
        this.api = api;
        this.clients = clients;
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final List<Seed> seeds = new ArrayList<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Builder() {}

        /** Seeds run in the order given, all before the API starts. */
        Builder seed(Seed seed) {
            seeds.add(seed);
            return this;
        }

        Builder seedConnection(ConnectionSeed seed) {
            return seed(dataSource -> {
                try (Connection c = dataSource.getConnection()) {
                    seed.seed(c);
                }
            });
        }

        Builder property(String key, Object value) {
            properties.put(key, value);
            return this;
        }

        Builder properties(Map<String, ?> more) {
            properties.putAll(more);
            return this;
        }

        ApiFixture start() throws Exception {
            EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
            QueryApi api = null;
            try {
                for (Seed seed : seeds) {
                    seed.seed(postgres.dataSource());
                }
                api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0, Map.copyOf(properties));
                return new ApiFixture(postgres, api, new Clients(api));
            } catch (Exception | Error e) {
                closeAll(e, api, postgres);
                throw e;
            }
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = new Exception("closing the API fixture");
        closeAll(first, clients, api, postgres);
        if (first.getSuppressed().length > 0) {
            throw first;
        }
    }

    private static void closeAll(Throwable collector, AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                collector.addSuppressed(e);
            }
        }
    }
}
