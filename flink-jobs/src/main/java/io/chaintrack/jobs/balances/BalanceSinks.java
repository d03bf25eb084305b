package io.chaintrack.jobs.balances;

import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.PostgresSinks;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the balance job writes: one sink per row type (production: idempotent JDBC upserts; tests:
 * collecting sinks), plus where events that fail validation go (the dead-letter topic in production).
 */
public record BalanceSinks(
        Sink<ChainRow> chains,
        Sink<BlockRow> blocks,
        Sink<TransferRow> transfers,
        Sink<BalanceWindowRow> balanceWindows,
        Sink<CurrentBalanceRow> currentBalances,
        Sink<ChainTotalsRow> chainTotals,
        Sink<TokenTotalsRow> tokenTotals,
        Sink<NftOwnerRow> nftOwners,
        Sink<DeadLetter> rejectedEvents) {

    public BalanceSinks {
        Objects.requireNonNull(chains, "chains");
        Objects.requireNonNull(blocks, "blocks");
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(balanceWindows, "balanceWindows");
        Objects.requireNonNull(currentBalances, "currentBalances");
        Objects.requireNonNull(chainTotals, "chainTotals");
        Objects.requireNonNull(tokenTotals, "tokenTotals");
        Objects.requireNonNull(nftOwners, "nftOwners");
        Objects.requireNonNull(rejectedEvents, "rejectedEvents");
    }

    /** COPY upsert sinks into the V1 tables and nft_owners (V3); rejected events go to {@code rejectedEvents}. */
    public static BalanceSinks postgres(PostgresSinkOptions options, Sink<DeadLetter> rejectedEvents) {
        return new BalanceSinks(
                new CollapsingUpsertSink<>(PostgresSinks.CHAINS, options),
                new CollapsingUpsertSink<>(PostgresSinks.BLOCKS, options),
                new CollapsingUpsertSink<>(PostgresSinks.TRANSFERS, options),
                new CollapsingUpsertSink<>(PostgresSinks.BALANCE_WINDOWS, options),
                new CollapsingUpsertSink<>(PostgresSinks.CURRENT_BALANCES, options),
                new CollapsingUpsertSink<>(PostgresSinks.CHAIN_TOTALS, options),
                new CollapsingUpsertSink<>(PostgresSinks.TOKEN_TOTALS, options),
                new CollapsingUpsertSink<>(PostgresSinks.NFT_OWNERS, options),
                rejectedEvents);
    }
}
