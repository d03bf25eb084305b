package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;

/** Where the price job's rows go: the one upsert sink into token_prices (tombstones delete a reverted minute's row). */
public interface PriceSinks extends Serializable {
    Sink<PriceRow> prices();

    /**
     * Idempotent upserts into PostgreSQL, flushed on checkpoints and at the batch size. Retention 0: day partitions
     * of token_prices are dropped by the analytics retention (chaintrack_drop_old_partitions covers every day-partitioned
     * table), so the two jobs never disagree about it.
     */
    static PriceSinks postgres(PostgresSinkOptions options) {
        return () -> new CollapsingUpsertSink<>(PriceTables.TOKEN_PRICES.name(), row -> PriceTables.TOKEN_PRICES, options, 0);
    }
}
