package io.chaintrack.connectors.postgres;

import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.copy.UpsertTable;
import io.chaintrack.connectors.postgres.copy.UpsertTable.Column;
import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The balance job's tables, for {@link CollapsingUpsertSink}s ({@code new CollapsingUpsertSink<>(TABLE, options)}): each write sets every
 * column to the row's full value (never an increment), so replays converge. Callers must deliver all rows of one
 * table key to one sink subtask, in order (keyed, or forward from the operator that owns the key).
 */
public final class PostgresSinks {
    private PostgresSinks() {}

    private static Column col(String name, String type) {
        return new Column(name, type);
    }

    private record ChainBlockKey(long chainId, String blockHash) {}

    private record TransferKey(long chainId, String blockHash, int txIndex, int logIndex, String traceAddress,
                               int batchIndex) {}

    private record WindowKey(long chainId, String address, String token, BigInteger tokenId, int windowSeconds,
                             long windowStartMs) {}

    private record AccountKey(long chainId, String address, String token, BigInteger tokenId) {}

    private record TokenKey(long chainId, String token) {}

    private record NftKey(long chainId, String token, BigInteger tokenId) {}

    /**
     * chains: the head and the finalized block only ever grow (a batch keeps the highest of each seen, the table the
     * greatest ever written; -1 / 0 mean "not reported" and never lower a value), head_seen_at and updated_at are the
     * write's time.
     */
    public static final UpsertTable<ChainRow> CHAINS = UpsertTable.<ChainRow>of("chains",
                    List.of(col("chain_id", "BIGINT"), col("name", "TEXT"), col("head_number", "BIGINT"),
                            col("finalized_number", "BIGINT")),
                    List.of("chain_id"), ChainRow::chainId,
                    (r, o) -> o.add(r.chainId()).add(r.name()).add(r.headNumber()).add(r.finalizedNumber()))
            .withMerge((older, newer) -> new ChainRow(newer.chainId(), newer.name(),
                    Math.max(older.headNumber(), newer.headNumber()), Math.max(older.finalizedNumber(), newer.finalizedNumber())))
            .withExpressions(
                    Map.of("head_number", "NULLIF(s.head_number, 0)",
                            "finalized_number", "CASE WHEN s.finalized_number >= 0 THEN s.finalized_number END",
                            "head_seen_at", "CASE WHEN s.head_number > 0 THEN now() END",
                            "updated_at", "now()"),
                    Map.of("head_number", "GREATEST(t.head_number, EXCLUDED.head_number)",
                            "finalized_number", "GREATEST(t.finalized_number, EXCLUDED.finalized_number)",
                            "head_seen_at", "CASE WHEN EXCLUDED.head_number IS NOT NULL THEN now() ELSE t.head_seen_at END"));

    public static final UpsertTable<BlockRow> BLOCKS = UpsertTable.of("blocks",
            List.of(col("chain_id", "BIGINT"), col("block_hash", "TEXT"), col("block_number", "BIGINT"),
                    col("parent_hash", "TEXT"), col("block_time", "TIMESTAMPTZ"), col("transfer_count", "INTEGER"),
                    col("canonical", "BOOLEAN")),
            List.of("chain_id", "block_hash"), r -> new ChainBlockKey(r.chainId(), r.blockHash()),
            (r, o) -> o.add(r.chainId()).add(r.blockHash()).add(r.blockNumber()).add(r.parentHash())
                    .addTimestampMs(r.blockTimeMs()).add(r.transferCount()).add(r.canonical()));

    public static final UpsertTable<TransferRow> TRANSFERS = UpsertTable.of("transfers",
            List.of(col("chain_id", "BIGINT"), col("block_hash", "TEXT"), col("tx_index", "INTEGER"),
                    col("log_index", "INTEGER"), col("trace_address", "TEXT"), col("batch_index", "INTEGER"),
                    col("block_number", "BIGINT"), col("block_time", "TIMESTAMPTZ"), col("tx_hash", "TEXT"),
                    col("token", "TEXT"), col("standard", "TEXT"), col("from_address", "TEXT"),
                    col("to_address", "TEXT"), col("amount", "NUMERIC(78,0)"), col("token_id", "NUMERIC(78,0)"),
                    col("operator", "TEXT"), col("canonical", "BOOLEAN"), col("kind", "TEXT")),
            List.of("chain_id", "block_hash", "tx_index", "log_index", "trace_address", "batch_index"),
            r -> new TransferKey(r.chainId(), r.blockHash(), r.txIndex(), r.logIndex(), r.traceAddress(), r.batchIndex()),
            (r, o) -> o.add(r.chainId()).add(r.blockHash()).add(r.txIndex()).add(r.logIndex()).add(r.traceAddress())
                    .add(r.batchIndex()).add(r.blockNumber()).addTimestampMs(r.blockTimeMs()).add(r.txHash())
                    .add(r.token()).add(r.standard()).add(r.fromAddress()).add(r.toAddress()).add(r.amount())
                    .add(r.tokenId()).add(r.operator()).add(r.canonical()).add(r.kind()));

    public static final UpsertTable<BalanceWindowRow> BALANCE_WINDOWS = UpsertTable.of("balance_windows",
            List.of(col("chain_id", "BIGINT"), col("address", "TEXT"), col("token", "TEXT"),
                    col("token_id", "NUMERIC(78,0)"), col("window_seconds", "INTEGER"),
                    col("window_start", "TIMESTAMPTZ"), col("delta", "NUMERIC(78,0)"), col("balance", "NUMERIC(78,0)"),
                    col("transfers_in", "BIGINT"), col("transfers_out", "BIGINT"), col("volume_in", "NUMERIC(78,0)"),
                    col("volume_out", "NUMERIC(78,0)"), col("provisional", "BOOLEAN")),
            List.of("chain_id", "address", "token", "token_id", "window_seconds", "window_start"),
            r -> new WindowKey(r.chainId(), r.address(), r.token(), r.tokenId(), r.windowSeconds(), r.windowStartMs()),
            (r, o) -> o.add(r.chainId()).add(r.address()).add(r.token()).add(r.tokenId()).add(r.windowSeconds())
                    .addTimestampMs(r.windowStartMs()).add(r.delta()).add(r.balance()).add(r.transfersIn())
                    .add(r.transfersOut()).add(r.volumeIn()).add(r.volumeOut()).add(r.provisional()));

    public static final UpsertTable<CurrentBalanceRow> CURRENT_BALANCES = UpsertTable.of("current_balances",
            List.of(col("chain_id", "BIGINT"), col("address", "TEXT"), col("token", "TEXT"),
                    col("token_id", "NUMERIC(78,0)"), col("standard", "TEXT"), col("balance", "NUMERIC(78,0)"),
                    col("block_number", "BIGINT"), col("block_time", "TIMESTAMPTZ")),
            List.of("chain_id", "address", "token", "token_id"),
            r -> new AccountKey(r.chainId(), r.address(), r.token(), r.tokenId()),
            (r, o) -> o.add(r.chainId()).add(r.address()).add(r.token()).add(r.tokenId()).add(r.standard())
                    .add(r.balance()).add(r.blockNumber()).addTimestampMs(r.blockTimeMs()));

    public static final UpsertTable<ChainTotalsRow> CHAIN_TOTALS = UpsertTable.<ChainTotalsRow>of("chain_totals",
                    List.of(col("chain_id", "BIGINT"), col("blocks", "BIGINT"), col("transfers", "BIGINT"),
                            col("first_block", "BIGINT"), col("last_block", "BIGINT"),
                            col("last_block_time", "TIMESTAMPTZ")),
                    List.of("chain_id"), ChainTotalsRow::chainId,
                    (r, o) -> o.add(r.chainId()).add(r.blocks()).add(r.transfers()).add(r.firstBlock())
                            .add(r.lastBlock()).addTimestampMs(r.lastBlockTimeMs()))
            .withExpressions(Map.of("updated_at", "now()"), Map.of());

    public static final UpsertTable<TokenTotalsRow> TOKEN_TOTALS = UpsertTable.of("token_totals",
            List.of(col("chain_id", "BIGINT"), col("token", "TEXT"), col("standard", "TEXT"),
                    col("transfers", "BIGINT"), col("volume", "NUMERIC(78,0)")),
            List.of("chain_id", "token"), r -> new TokenKey(r.chainId(), r.token()),
            (r, o) -> o.add(r.chainId()).add(r.token()).add(r.standard()).add(r.transfers()).add(r.volume()));

    public static final UpsertTable<NftOwnerRow> NFT_OWNERS = UpsertTable.of("nft_owners",
            List.of(col("chain_id", "BIGINT"), col("token", "TEXT"), col("token_id", "NUMERIC(78,0)"),
                    col("owner", "TEXT"), col("block_number", "BIGINT"), col("block_time", "TIMESTAMPTZ")),
            List.of("chain_id", "token", "token_id"), r -> new NftKey(r.chainId(), r.token(), r.tokenId()),
            (r, o) -> o.add(r.chainId()).add(r.token()).add(r.tokenId()).add(r.owner()).add(r.blockNumber())
                    .addTimestampMs(r.blockTimeMs()));
}
