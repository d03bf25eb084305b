package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.TokenStandards;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole balance topology on a MiniCluster writing to a real PostgreSQL through the JDBC upsert sinks:
 * the tables must equal an independent fold of the canonical chain, and replaying the same events must
 * leave them unchanged.
 */
class BalancePipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final List<Integer> WINDOW_SECONDS = List.of(3600, 86400);
    private static final BalanceJobConfig CONFIG = new BalanceJobConfig(
            List.of(Duration.ofHours(1), Duration.ofDays(1)), Duration.ofHours(2), Duration.ZERO);

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @Test
    void tablesEqualAFoldOfTheCanonicalChainAndAReplayChangesNothing() throws Exception {
        PipelineScenario scenario = new PipelineScenario();
        List<ChainEvent> valid = scenario.events.stream().filter(e -> e != scenario.invalid).toList();
        CanonicalFold fold = new CanonicalFold(valid, WINDOW_SECONDS);

        CollectingSink<DeadLetter> rejected = new CollectingSink<>();
        run(scenario.events, rejected);

        assertThat(rejected.values()).singleElement().satisfies(letter -> {
            assertThat(letter.error).contains("has no token standard").contains(scenario.invalid.getBlock().getHash());
            assertThat(ChainEvent.parseFrom(letter.payload.value)).isEqualTo(scenario.invalid);
        });
        assertBlocksAndTransfers(scenario, fold);
        assertBalanceWindows(fold);
        assertCurrentBalances(fold);
        assertTotals(fold);
        assertNftOwners(fold);

        Map<String, List<String>> before = snapshot();
        rejected.clear();
        run(scenario.events, rejected);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(rejected.values()).hasSize(1);
    }

    private static void run(List<ChainEvent> events, CollectingSink<DeadLetter> rejected) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // any Kryo fallback fails the job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        PostgresSinkOptions options = PG.sinkOptions().withBatching(50, Duration.ofMillis(100));
        BalanceJob.defineWorkflow(env, env.fromData(events, ProtobufTypeInfo.CHAIN_EVENT).name("scenario"),
                BalanceSinks.postgres(options, rejected), CONFIG);
        env.execute("balance-pipeline-test");
    }

    private void assertBlocksAndTransfers(PipelineScenario scenario, CanonicalFold fold) throws SQLException {
        Map<String, Object[]> blocks = new HashMap<>();
        query("SELECT block_hash, chain_id, block_number, transfer_count, canonical, block_time FROM blocks", rs -> blocks.put(
                rs.getString(1), new Object[] {rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getBoolean(5), millis(rs, 6)}));
        assertThat(blocks.keySet()).containsExactlyInAnyOrderElementsOf(fold.blocks.keySet());
        assertThat(blocks).doesNotContainKey(scenario.invalid.getBlock().getHash());
        fold.blocks.forEach((hash, e) -> assertThat(blocks.get(hash)).as("block %s", hash).containsExactly(
                e.getBlock().getChainId(), e.getBlock().getNumber(), e.getTransfersCount(),
                fold.canonicalHashes.contains(hash), e.getBlock().getTimestamp() * 1000L));
        long reverted = blocks.values().stream().filter(b -> !(Boolean) b[3]).count();
        assertThat(reverted).as("orphaned blocks: 31337 #11, #12 and 10 #2, #3").isEqualTo(4);

        Map<String, Object[]> transfers = new HashMap<>();
        query("SELECT block_hash, tx_index, log_index, trace_address, batch_index, canonical, amount, token_id, standard,"
                + " from_address, to_address, operator FROM transfers", rs -> transfers.put(
                rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getInt(3) + "/" + rs.getString(4) + "/" + rs.getInt(5),
                new Object[] {rs.getBoolean(6), numeric(rs, 7), numeric(rs, 8), rs.getString(9), rs.getString(10),
                        rs.getString(11), rs.getString(12)}));
        int expected = 0;
        for (ChainEvent e : fold.blocks.values()) {
            for (Transfer t : e.getTransfersList()) {
                expected++;
                Object[] row = transfers.get(t.getBlockHash() + "/" + t.getTxIndex() + "/" + t.getLogIndex() + "/"
                        + t.getTraceAddress() + "/" + t.getBatchIndex());
                assertThat(row).as("transfer %s", t).isNotNull();
                boolean hasId = t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721
                        || t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC1155;
                assertThat(row).containsExactly(fold.canonicalHashes.contains(t.getBlockHash()),
                        io.chaintrack.core.model.TransferEffects.amount(t),
                        hasId ? io.chaintrack.core.model.Uint256.decode(t.getTokenId()) : null,
                        TokenStandards.name(t.getStandard()), t.getFromAddress(), t.getToAddress(),
                        t.getOperator().isEmpty() ? null : t.getOperator());
            }
        }
        assertThat(transfers).hasSize(expected);
        assertThat(transfers.values().stream().filter(r -> !(Boolean) r[0]).count()).isGreaterThan(0);
    }

    private void assertBalanceWindows(CanonicalFold fold) throws SQLException {
        Map<CanonicalFold.WindowKey, CanonicalFold.Window> rows = new HashMap<>();
        query("SELECT chain_id, address, token, token_id, window_seconds, window_start, delta, balance, transfers_in,"
                + " transfers_out, volume_in, volume_out FROM balance_windows", rs -> rows.put(
                new CanonicalFold.WindowKey(new CanonicalFold.Account(rs.getLong(1), rs.getString(2), rs.getString(3),
                        numeric(rs, 4)), rs.getInt(5), millis(rs, 6)),
                new CanonicalFold.Window(numeric(rs, 7), numeric(rs, 8), rs.getLong(9), rs.getLong(10),
                        numeric(rs, 11), numeric(rs, 12))));

        // every window with canonical activity is there, exactly
        fold.windows.forEach((key, expected) -> assertThat(rows.get(key)).as("window %s", key).isEqualTo(expected));
        // any other row is a window whose transfers were all reverted: zero activity, right balance
        int zeroRows = 0;
        for (var e : rows.entrySet()) {
            if (fold.windows.containsKey(e.getKey())) {
                continue;
            }
            zeroRows++;
            CanonicalFold.WindowKey key = e.getKey();
            BigInteger balance = fold.balanceBefore(key.account(), key.startMs() + key.seconds() * 1000L);
            assertThat(e.getValue()).as("reverted-only window %s", key).isEqualTo(new CanonicalFold.Window(
                    BigInteger.ZERO, balance, 0, 0, BigInteger.ZERO, BigInteger.ZERO));
        }
        // the orphan token moved only in reverted block 11 (02:46, in the 02:00 window emitted before the reorg)
        CanonicalFold.Account orphan = new CanonicalFold.Account(PipelineScenario.HARDHAT, PipelineScenario.ORPHAN_RECEIVER,
                PipelineScenario.ORPHAN_TOKEN, BigInteger.ZERO);
        assertThat(rows.get(new CanonicalFold.WindowKey(orphan, 3600, TestEvents.T0_MS + 2 * TestEvents.HOUR_MS)))
                .isEqualTo(new CanonicalFold.Window(BigInteger.ZERO, BigInteger.ZERO, 0, 0, BigInteger.ZERO, BigInteger.ZERO));
        // and on chain 10, the 01:00 window of PEOPLE[3] lost block 2's transfer but its balance moved with 2' at 00:50
        CanonicalFold.Account optimismErc20 = new CanonicalFold.Account(PipelineScenario.OPTIMISM, PipelineScenario.PEOPLE[3],
                TestEvents.ERC20, BigInteger.ZERO);
        CanonicalFold.WindowKey hourOne = new CanonicalFold.WindowKey(optimismErc20, 3600, TestEvents.T0_MS + TestEvents.HOUR_MS);
        assertThat(rows).containsKey(hourOne);
        assertThat(rows.get(hourOne).balance()).isEqualTo(fold.balanceBefore(optimismErc20, TestEvents.T0_MS + 2 * TestEvents.HOUR_MS));
        assertThat(zeroRows).isGreaterThanOrEqualTo(2);
        assertThat(rows.size()).isEqualTo(fold.windows.size() + zeroRows);
    }

    private void assertCurrentBalances(CanonicalFold fold) throws SQLException {
        Map<CanonicalFold.Account, Object[]> rows = new HashMap<>();
        query("SELECT chain_id, address, token, token_id, balance, block_number, standard FROM current_balances", rs -> rows.put(
                new CanonicalFold.Account(rs.getLong(1), rs.getString(2), rs.getString(3), numeric(rs, 4)),
                new Object[] {numeric(rs, 5), rs.getLong(6), rs.getString(7)}));
        assertThat(rows.keySet()).containsAll(fold.balances.keySet());
        assertThat(rows.values().stream().anyMatch(r -> ((BigInteger) r[0]).signum() < 0))
                .as("the zero address and partial histories go negative").isTrue();
        rows.forEach((account, row) -> {
            assertThat(row[0]).as("balance of %s", account).isEqualTo(fold.balances.getOrDefault(account, BigInteger.ZERO));
            long validAt = (Long) row[1];
            assertThat(validAt).as("block of %s", account)
                    .isGreaterThanOrEqualTo(fold.lastCanonicalBlock(account))
                    .isLessThanOrEqualTo(fold.head(account.chainId()));
        });
    }

    private void assertTotals(CanonicalFold fold) throws SQLException {
        Map<Long, CanonicalFold.ChainTotals> chains = new HashMap<>();
        query("SELECT chain_id, blocks, transfers, first_block, last_block, last_block_time FROM chain_totals", rs -> chains.put(
                rs.getLong(1), new CanonicalFold.ChainTotals(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        millis(rs, 6))));
        assertThat(chains).isEqualTo(fold.chains);

        Map<CanonicalFold.TokenKey, CanonicalFold.TokenTotals> tokens = new HashMap<>();
        query("SELECT chain_id, token, standard, transfers, volume FROM token_totals", rs -> tokens.put(
                new CanonicalFold.TokenKey(rs.getLong(1), rs.getString(2)),
                new CanonicalFold.TokenTotals(rs.getString(3), rs.getLong(4), numeric(rs, 5))));
        Map<CanonicalFold.TokenKey, CanonicalFold.TokenTotals> expected = new HashMap<>(fold.tokens);
        expected.put(new CanonicalFold.TokenKey(PipelineScenario.HARDHAT, PipelineScenario.ORPHAN_TOKEN),
                new CanonicalFold.TokenTotals("ERC20", 0, BigInteger.ZERO));
        assertThat(tokens).isEqualTo(expected);

        Map<Long, String> names = new HashMap<>();
        query("SELECT chain_id, name FROM chains", rs -> names.put(rs.getLong(1), rs.getString(2)));
        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(31337L, "hardhat", 10L, "optimism"));
    }

    private void assertNftOwners(CanonicalFold fold) throws SQLException {
        Map<CanonicalFold.NftKey, Object[]> rows = new HashMap<>();
        query("SELECT chain_id, token, token_id, owner, block_number FROM nft_owners", rs -> rows.put(
                new CanonicalFold.NftKey(rs.getLong(1), rs.getString(2), numeric(rs, 3)),
                new Object[] {rs.getString(4), rs.getLong(5)}));
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(fold.nftOwners.keySet());
        fold.nftOwners.forEach((key, expected) -> {
            assertThat(rows.get(key)[0]).as("owner of %s", key).isEqualTo(expected.owner());
            assertThat((Long) rows.get(key)[1]).as("block of %s", key)
                    .isGreaterThanOrEqualTo(expected.lastMoveBlock())
                    .isLessThanOrEqualTo(fold.head(key.chainId()));
        });
        // token 99 moved twice in reverted block 11; undone last first it is back with its minter
        CanonicalFold.NftKey minted = new CanonicalFold.NftKey(PipelineScenario.HARDHAT, TestEvents.ERC721, BigInteger.valueOf(99));
        assertThat(rows.get(minted)).containsExactly(PipelineScenario.PEOPLE[1], 10L);
    }

    /** Every table's rows as text in key order, without the updated_at bookkeeping columns. */
    private static Map<String, List<String>> snapshot() throws SQLException {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("chains", "SELECT chain_id, name FROM chains ORDER BY 1");
        tables.put("blocks", "SELECT * FROM blocks ORDER BY chain_id, block_hash");
        tables.put("transfers", "SELECT * FROM transfers ORDER BY chain_id, block_hash, tx_index, log_index, trace_address, batch_index");
        tables.put("balance_windows", "SELECT * FROM balance_windows ORDER BY 1, 2, 3, 4, 5, 6");
        tables.put("current_balances", "SELECT * FROM current_balances ORDER BY 1, 2, 3, 4");
        tables.put("chain_totals", "SELECT chain_id, blocks, transfers, first_block, last_block, last_block_time FROM chain_totals ORDER BY 1");
        tables.put("token_totals", "SELECT * FROM token_totals ORDER BY 1, 2");
        tables.put("nft_owners", "SELECT * FROM nft_owners ORDER BY 1, 2, 3");
        Map<String, List<String>> snapshot = new LinkedHashMap<>();
        for (var t : tables.entrySet()) {
            List<String> rows = new ArrayList<>();
            query(t.getValue(), rs -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                rows.add(sb.toString());
            });
            assertThat(rows).as("table %s", t.getKey()).isNotEmpty();
            snapshot.put(t.getKey(), rows);
        }
        return snapshot;
    }

    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private static void query(String sql, RowReader reader) throws SQLException {
        try (Connection c = PG.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }

    private static BigInteger numeric(ResultSet rs, int column) throws SQLException {
        var d = rs.getBigDecimal(column);
        return d == null ? null : d.toBigIntegerExact();
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }

    @SuppressWarnings("unused")
    private static boolean applied(ChainEvent e) {
        return e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
    }
}
