package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.UnavailableException;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API reads a schema it does not own (the pipeline's migrations create it), so at start-up it only
 * checks the tables exist: a reachable database without them stops the start with a clear message,
 * an unreachable one is tolerated (health reports it until the database comes back).
 */
@Singleton
public final class SchemaCheck implements ApplicationEventListener<StartupEvent> {
    static final List<String> TABLES = List.of("chains", "blocks", "transfers", "balance_windows",
            "current_balances", "chain_totals", "token_totals", "analytics_totals", "analytics_anomalies", "analytics_daily",
            "analytics_forecasts", "tokens", "api_cache_ttls", "ingest_endpoint_status");
    /** Columns added by later migrations the API reads (table.column). */
    static final List<String> COLUMNS = List.of("chains.head_number", "chains.head_seen_at");
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCheck.class);

    private final Store store;
    private final ApiConfig config;

    public SchemaCheck(Store store, ApiConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!config.validateSchema()) {
            return;
        }
        List<String> missing;
        try {
            missing = missingTables();
        } catch (UnavailableException e) {
            LOG.warn("database not reachable at start-up; serving NOT_SERVING health until it is");
            return;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the chaintrack schema is missing tables " + missing
                    + ": run the migrations (the pipeline's migrate command) before starting the API");
        }
        List<String> missingColumns = missingColumns();
        if (!missingColumns.isEmpty()) {
            throw new IllegalStateException("the chaintrack schema is missing columns " + missingColumns
                    + ": run the migrations (the pipeline's migrate command) before starting the API");
        }
    }

    public List<String> missingColumns() {
        return store.read(c -> {
            List<String> missing = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, "SELECT 1 FROM information_schema.columns"
                    + " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")) {
                for (String column : COLUMNS) {
                    String[] parts = column.split("\\.");
                    st.setString(1, parts[0]);
                    st.setString(2, parts[1]);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) {
                            missing.add(column);
                        }
                    }
                }
            }
            return missing;
        });
    }

    public List<String> missingTables() {
        return store.read(c -> {
            List<String> missing = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, "SELECT to_regclass(?) IS NOT NULL")) {
                for (String table : TABLES) {
                    st.setString(1, table);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            missing.add(table);
                        }
                    }
                }
            }
            return missing;
        });
    }
}
