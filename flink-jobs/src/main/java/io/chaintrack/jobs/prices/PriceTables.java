package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.copy.UpsertTable;
import io.chaintrack.connectors.postgres.copy.UpsertTable.Column;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The price tables of migration V55 for {@link CollapsingUpsertSink}, written by the price job and the HTTP poller.
 * token_prices rows are keyed (chain_id, token, source, minute) and may be tombstones (a reverted minute).
 */
public final class PriceTables {
    private PriceTables() {}

    public static final UpsertTable<PriceRow> TOKEN_PRICES = UpsertTable.<PriceRow>of("token_prices",
                    List.of(new Column("chain_id", "BIGINT"), new Column("token", "TEXT"), new Column("source", "TEXT"),
                            new Column("minute", "TIMESTAMPTZ"), new Column("quote", "TEXT"), new Column("unit", "TEXT"),
                            new Column("price", "NUMERIC"), new Column("liquidity", "NUMERIC"),
                            new Column("as_of", "TIMESTAMPTZ"), new Column("block_number", "BIGINT")),
                    List.of("chain_id", "token", "source", "minute"),
                    r -> List.of(r.chainId(), r.token(), r.source(), r.minuteMs()),
                    (r, out) -> out.add(r.chainId()).add(r.token()).add(r.source()).addTimestampMs(r.minuteMs())
                            .add(r.quote()).add(r.unit()).add(r.price().toPlainString())
                            .add(r.liquidity() == null ? null : r.liquidity().toPlainString())
                            .addTimestampMs(r.asOfMs()).add(r.blockNumber() == null ? null : r.blockNumber().toString()))
            .withDayPartitions(r -> Instant.ofEpochMilli(r.minuteMs()).atZone(ZoneOffset.UTC).toLocalDate())
            .withDeletes(PriceRow::delete);

    /** One price_source_status row: a source's health as its writer last saw it. */
    public record SourceStatus(String source, String breakerState, long calls, long errors, Long lastSuccessMs,
                               String lastError, long updatedMs) {}

    public static final UpsertTable<SourceStatus> SOURCE_STATUS = UpsertTable.<SourceStatus>of("price_source_status",
            List.of(new Column("source", "TEXT"), new Column("breaker_state", "TEXT"), new Column("calls", "BIGINT"),
                    new Column("errors", "BIGINT"), new Column("last_success", "TIMESTAMPTZ"),
                    new Column("last_error", "TEXT"), new Column("updated_at", "TIMESTAMPTZ")),
            List.of("source"),
            SourceStatus::source,
            (s, out) -> {
                out.add(s.source()).add(s.breakerState()).add(s.calls()).add(s.errors());
                if (s.lastSuccessMs() == null) {
                    out.add((String) null);
                } else {
                    out.addTimestampMs(s.lastSuccessMs());
                }
                out.add(s.lastError()).addTimestampMs(s.updatedMs());
            });

    static LocalDate day(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
    }
}
