package io.chaintrack.connectors.postgres;

import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.ChainRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.connectors.postgres.rows.CurrentBalanceRow;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.connectors.postgres.rows.TokenTotalsRow;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * At-least-once JDBC sinks, one per table, each an idempotent upsert on the table's natural key that
 * sets every column to the row's full value (never an increment), so replaying rows converges to the same table.
 * Rows of one key must arrive in order: callers key the stream by the table's key before the sink.
 */
public final class PostgresSinks {
    public static final String UPSERT_CHAINS = """
            INSERT INTO chains (chain_id, name, head_number, head_seen_at)
            VALUES (?, ?, NULLIF(?, 0), CASE WHEN ? > 0 THEN now() END)
            ON CONFLICT (chain_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now(),
                head_number = GREATEST(chains.head_number, EXCLUDED.head_number),
                head_seen_at = CASE WHEN EXCLUDED.head_number IS NOT NULL THEN now() ELSE chains.head_seen_at END""";

    public static final String UPSERT_BLOCKS = """
            INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, block_hash) DO UPDATE SET
              block_number = EXCLUDED.block_number, parent_hash = EXCLUDED.parent_hash,
              block_time = EXCLUDED.block_time, transfer_count = EXCLUDED.transfer_count,
              canonical = EXCLUDED.canonical""";

    public static final String UPSERT_TRANSFERS = """
            INSERT INTO transfers (chain_id, block_hash, tx_index, log_index, trace_address, batch_index,
              block_number, block_time, tx_hash, token, standard, from_address, to_address, amount, token_id,
              operator, canonical)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, block_hash, tx_index, log_index, trace_address, batch_index) DO UPDATE SET
              block_number = EXCLUDED.block_number, block_time = EXCLUDED.block_time, tx_hash = EXCLUDED.tx_hash,
              token = EXCLUDED.token, standard = EXCLUDED.standard, from_address = EXCLUDED.from_address,
              to_address = EXCLUDED.to_address, amount = EXCLUDED.amount, token_id = EXCLUDED.token_id,
              operator = EXCLUDED.operator, canonical = EXCLUDED.canonical""";

    public static final String UPSERT_BALANCE_WINDOWS = """
            INSERT INTO balance_windows (chain_id, address, token, token_id, window_seconds, window_start,
              delta, balance, transfers_in, transfers_out, volume_in, volume_out)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, address, token, token_id, window_seconds, window_start) DO UPDATE SET
              delta = EXCLUDED.delta, balance = EXCLUDED.balance,
              transfers_in = EXCLUDED.transfers_in, transfers_out = EXCLUDED.transfers_out,
              volume_in = EXCLUDED.volume_in, volume_out = EXCLUDED.volume_out""";

    public static final String UPSERT_CURRENT_BALANCES = """
            INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, address, token, token_id) DO UPDATE SET
              standard = EXCLUDED.standard, balance = EXCLUDED.balance,
              block_number = EXCLUDED.block_number, block_time = EXCLUDED.block_time""";

    public static final String UPSERT_CHAIN_TOTALS = """
            INSERT INTO chain_totals (chain_id, blocks, transfers, first_block, last_block, last_block_time)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id) DO UPDATE SET
              blocks = EXCLUDED.blocks, transfers = EXCLUDED.transfers, first_block = EXCLUDED.first_block,
              last_block = EXCLUDED.last_block, last_block_time = EXCLUDED.last_block_time, updated_at = now()""";

    public static final String UPSERT_TOKEN_TOTALS = """
            INSERT INTO token_totals (chain_id, token, standard, transfers, volume)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, token) DO UPDATE SET
              standard = EXCLUDED.standard, transfers = EXCLUDED.transfers, volume = EXCLUDED.volume""";

    public static final String UPSERT_NFT_OWNERS = """
            INSERT INTO nft_owners (chain_id, token, token_id, owner, block_number, block_time)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (chain_id, token, token_id) DO UPDATE SET
              owner = EXCLUDED.owner, block_number = EXCLUDED.block_number, block_time = EXCLUDED.block_time""";

    private PostgresSinks() {}

    public static JdbcSink<ChainRow> chains(PostgresSinkOptions options) {
        return sink(options, UPSERT_CHAINS, PostgresSinks::bindChain);
    }

    public static JdbcSink<BlockRow> blocks(PostgresSinkOptions options) {
        return sink(options, UPSERT_BLOCKS, PostgresSinks::bindBlock);
    }

    public static JdbcSink<TransferRow> transfers(PostgresSinkOptions options) {
        return sink(options, UPSERT_TRANSFERS, PostgresSinks::bindTransfer);
    }

    public static JdbcSink<BalanceWindowRow> balanceWindows(PostgresSinkOptions options) {
        return sink(options, UPSERT_BALANCE_WINDOWS, PostgresSinks::bindBalanceWindow);
    }

    public static JdbcSink<CurrentBalanceRow> currentBalances(PostgresSinkOptions options) {
        return sink(options, UPSERT_CURRENT_BALANCES, PostgresSinks::bindCurrentBalance);
    }

    public static JdbcSink<ChainTotalsRow> chainTotals(PostgresSinkOptions options) {
        return sink(options, UPSERT_CHAIN_TOTALS, PostgresSinks::bindChainTotals);
    }

    public static JdbcSink<TokenTotalsRow> tokenTotals(PostgresSinkOptions options) {
        return sink(options, UPSERT_TOKEN_TOTALS, PostgresSinks::bindTokenTotals);
    }

    public static JdbcSink<NftOwnerRow> nftOwners(PostgresSinkOptions options) {
        return sink(options, UPSERT_NFT_OWNERS, PostgresSinks::bindNftOwner);
    }

    private static <T> JdbcSink<T> sink(PostgresSinkOptions options, String sql, JdbcStatementBuilder<T> binder) {
        return JdbcSink.<T>builder()
                .withQueryStatement(sql, binder)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(options.batchSize())
                        .withBatchIntervalMs(options.batchInterval().toMillis())
                        .withMaxRetries(options.maxRetries())
                        .build())
                .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(options.jdbcUrl())
                        .withDriverName("org.postgresql.Driver")
                        .withUsername(options.user())
                        .withPassword(options.password())
                        .build());
    }

    static void bindChain(PreparedStatement ps, ChainRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.name());
        ps.setLong(3, r.headNumber());
        ps.setLong(4, r.headNumber());
    }

    static void bindBlock(PreparedStatement ps, BlockRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.blockHash());
        ps.setLong(3, r.blockNumber());
        ps.setString(4, r.parentHash());
        ps.setObject(5, timestamp(r.blockTimeMs()));
        ps.setInt(6, r.transferCount());
        ps.setBoolean(7, r.canonical());
    }

    static void bindTransfer(PreparedStatement ps, TransferRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.blockHash());
        ps.setInt(3, r.txIndex());
        ps.setInt(4, r.logIndex());
        ps.setString(5, r.traceAddress());
        ps.setInt(6, r.batchIndex());
        ps.setLong(7, r.blockNumber());
        ps.setObject(8, timestamp(r.blockTimeMs()));
        ps.setString(9, r.txHash());
        ps.setString(10, r.token());
        ps.setString(11, r.standard());
        ps.setString(12, r.fromAddress());
        ps.setString(13, r.toAddress());
        numeric(ps, 14, r.amount());
        numeric(ps, 15, r.tokenId());
        if (r.operator() == null) {
            ps.setNull(16, Types.VARCHAR);
        } else {
            ps.setString(16, r.operator());
        }
        ps.setBoolean(17, r.canonical());
    }

    static void bindBalanceWindow(PreparedStatement ps, BalanceWindowRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.address());
        ps.setString(3, r.token());
        numeric(ps, 4, r.tokenId());
        ps.setInt(5, r.windowSeconds());
        ps.setObject(6, timestamp(r.windowStartMs()));
        numeric(ps, 7, r.delta());
        numeric(ps, 8, r.balance());
        ps.setLong(9, r.transfersIn());
        ps.setLong(10, r.transfersOut());
        numeric(ps, 11, r.volumeIn());
        numeric(ps, 12, r.volumeOut());
    }

    static void bindCurrentBalance(PreparedStatement ps, CurrentBalanceRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.address());
        ps.setString(3, r.token());
        numeric(ps, 4, r.tokenId());
        ps.setString(5, r.standard());
        numeric(ps, 6, r.balance());
        ps.setLong(7, r.blockNumber());
        ps.setObject(8, timestamp(r.blockTimeMs()));
    }

    static void bindChainTotals(PreparedStatement ps, ChainTotalsRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setLong(2, r.blocks());
        ps.setLong(3, r.transfers());
        ps.setLong(4, r.firstBlock());
        ps.setLong(5, r.lastBlock());
        ps.setObject(6, timestamp(r.lastBlockTimeMs()));
    }

    static void bindTokenTotals(PreparedStatement ps, TokenTotalsRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.token());
        ps.setString(3, r.standard());
        ps.setLong(4, r.transfers());
        numeric(ps, 5, r.volume());
    }

    static void bindNftOwner(PreparedStatement ps, NftOwnerRow r) throws SQLException {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.token());
        numeric(ps, 3, r.tokenId());
        ps.setString(4, r.owner());
        ps.setLong(5, r.blockNumber());
        ps.setObject(6, timestamp(r.blockTimeMs()));
    }

    /** TIMESTAMPTZ from epoch milliseconds, always UTC whatever the JVM's zone. */
    static OffsetDateTime timestamp(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    static void numeric(PreparedStatement ps, int index, BigInteger value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NUMERIC);
        } else {
            ps.setBigDecimal(index, new BigDecimal(value));
        }
    }
}
