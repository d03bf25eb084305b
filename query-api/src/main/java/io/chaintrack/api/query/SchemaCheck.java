package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.UnavailableException;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API reads a schema the pipeline's migrations create, and a schema never loses tables while this process
 * runs: once found complete it is remembered (health stops asking); until then every check asks again.
 * At start-up a reachable database without the schema stops the start; an unreachable one is tolerated.
 */
@Singleton
public final class SchemaCheck implements ApplicationEventListener<StartupEvent> {
    static final List<String> TABLES = List.of("chains", "blocks", "transfers", "balance_windows",
            "current_balances", "chain_totals", "token_totals", "analytics_totals", "analytics_anomalies", "analytics_daily",
            "analytics_forecasts", "tokens", "api_cache_ttls", "ingest_endpoint_status", "consumer_lag",
            "reconciliation_runs", "reconciliation_mismatches", "token_prices", "price_source_status",
            "opening_balances", "wallet_syncs", "wallet_sync_requests");
    /** Columns added by later migrations the API reads (table.column). */
    static final List<String> COLUMNS = List.of("chains.head_number", "chains.head_seen_at", "chains.finalized_number",
            "balance_windows.provisional", "transfers.kind", "wallets.webhook_url");
    /** Every table and table.column in one statement, missing ones in list order. */
    private static final String MISSING_SQL = "SELECT w.name FROM unnest(?::text[]) WITH ORDINALITY AS w(name, i)"
            + " WHERE CASE WHEN strpos(w.name, '.') = 0 THEN to_regclass(w.name) IS NULL"
            + " ELSE NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            + " AND table_name = split_part(w.name, '.', 1) AND column_name = split_part(w.name, '.', 2)) END"
            + " ORDER BY w.i";
    private static final String[] EXPECTED = Stream.concat(TABLES.stream(), COLUMNS.stream()).toArray(String[]::new);
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCheck.class);

    private final Store store;
    private final ApiConfig config;
    private volatile boolean complete;

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
            missing = missing();
        } catch (UnavailableException e) {
            LOG.warn("database not reachable at start-up; serving NOT_SERVING health until it is");
            return;
        }
        if (!missing.isEmpty()) {
            boolean tables = missing.stream().noneMatch(m -> m.contains("."));
            throw new IllegalStateException("the chaintrack schema is missing " + (tables ? "tables " : "columns ") + missing
                    + ": run the migrations (the pipeline's migrate command) before starting the API");
        }
    }

    /** True once a check found every table and column; from then on {@link #missing()} does no I/O. */
    public boolean knownComplete() {
        return complete;
    }

    /**
     * The missing tables, or when every table exists the missing table.columns; empty when complete. Asks the
     * database (one statement) until the schema was once found complete. Throws ApiException when it does not answer.
     */
    public List<String> missing() {
        if (complete) {
            return List.of();
        }
        List<String> missing = store.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, MISSING_SQL)) {
                Array names = c.createArrayOf("text", EXPECTED);
                st.setArray(1, names);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        // columns of a missing table are noise: name the tables first, the columns once they exist
        List<String> tables = missing.stream().filter(m -> !m.contains(".")).toList();
        if (!tables.isEmpty()) {
            return tables;
        }
        if (missing.isEmpty()) {
            complete = true;
        }
        return List.copyOf(missing);
    }

    /**
     * Forgets a complete schema, for when a query proves a table or column is gone after all (a database
     * restored behind this process): the next check asks again.
     */
    public void forget() {
        complete = false;
    }
}
