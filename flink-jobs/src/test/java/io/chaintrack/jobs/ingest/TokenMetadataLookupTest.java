package io.chaintrack.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.chaintrack.jobs.ingest.TokenMetadataLookup.Row;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Token metadata read by the ingest job's lookup operator from contracts on a real Hardhat node (an OpenZeppelin
 * ERC-20 and ERC-721, an old token whose symbol/name are bytes32, a contract with unreadable metadata, an address
 * without code) and written to the tokens table through the upsert sink, as the API reads it. Each token is
 * looked up once; an unreachable endpoint is recorded as an error and retried after retry-after, up to max-attempts.
 */
class TokenMetadataLookupTest {
    static final long HARDHAT = 31337;
    static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    static HardhatNode node;
    static Map<String, String> tokens = new HashMap<>();

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    @BeforeAll
    static void start() throws Exception {
        node = HardhatNode.start();
        try (HardhatChain chain = new HardhatChain(node.url())) {
            String from = chain.accounts().get(0);
            for (String artifact : List.of("TestToken20", "TestNft721", "OldStyleToken", "OddMetadataToken")) {
                tokens.put(artifact, chain.deploy(artifact, from));
            }
            tokens.put("eoa", chain.accounts().get(5).toLowerCase());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, Row> harness(String url, TokenMetadataLookup.Settings settings)
            throws Exception {
        EvmChainConfig chain = EvmChainConfig.builder(HARDHAT, "hardhat").endpoint(url).requestTimeout(Duration.ofSeconds(2)).build();
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TokenMetadataLookup(chain, settings,
                () -> REGISTRY)), k -> k, Types.STRING);
    }

    /** Moves processing time on until {@code n} rows came out (lookups answer on their own threads). */
    static List<Row> await(KeyedOneInputStreamOperatorTestHarness<String, String, Row> h, int n) throws Exception {
        List<Row> out = new ArrayList<>();
        Await.until(() -> {
            h.setProcessingTime(h.getProcessingTime() + TokenMetadataLookup.POLL_MS * 10);
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    out.add((Row) r.getValue());
                }
            }
            h.getOutput().clear();
            return out.size() >= n;
        }, 60_000, () -> "waiting for " + n + " rows, have " + out);
        return out;
    }

    static void write(List<Row> rows) throws Exception {
        try (CollapsingUpsertSink.Writer<Row> writer = CollapsingUpsertSink.standaloneWriter(TokenMetadataLookup.TABLE, PG.sinkOptions())) {
            for (Row r : rows) {
                writer.write(r, null);
            }
            writer.flush(true);
        }
    }

    record Stored(String symbol, String name, Integer decimals, String status, int attempts, String error) {}

    static Map<String, Stored> stored() throws Exception {
        Map<String, Stored> out = new HashMap<>();
        try (Connection c = PG.connection();
             ResultSet rs = c.createStatement().executeQuery("SELECT token, symbol, name, decimals, status, attempts, error,"
                     + " looked_up_at IS NOT NULL FROM tokens WHERE chain_id = " + HARDHAT)) {
            while (rs.next()) {
                int decimals = rs.getInt(4);
                Integer known = rs.wasNull() ? null : decimals;
                assertThat(rs.getBoolean(8)).isTrue();
                out.put(rs.getString(1), new Stored(rs.getString(2), rs.getString(3), known, rs.getString(5), rs.getInt(6), rs.getString(7)));
            }
        }
        return out;
    }

    @Test
    void metadataIsReadOnceFromTheContractsIntoTheTokensTable() throws Exception {
        try (var h = harness(node.url(), TokenMetadataLookup.Settings.DEFAULTS)) {
            h.open();
            for (int round = 0; round < 2; round++) {
                for (String token : tokens.values()) {
                    h.processElement(HARDHAT + "/" + token, 0);
                }
            }
            List<Row> rows = await(h, tokens.size());
            assertThat(rows).hasSize(tokens.size());
            write(rows);
            Map<String, Stored> table = stored();
            assertThat(table.get(tokens.get("TestToken20"))).isEqualTo(new Stored("CTT", "Chaintrack Test Token", 18, "done", 1, null));
            // ERC-721 has no decimals(): the call reverts
            assertThat(table.get(tokens.get("TestNft721"))).isEqualTo(new Stored("CTN", "Chaintrack Test NFT", null, "done", 1, null));
            // bytes32, NUL padding removed
            assertThat(table.get(tokens.get("OldStyleToken"))).isEqualTo(new Stored("OLD", "Old Style Token", 9, "done", 1, null));
            // symbol not UTF-8, name reverts, decimals 300 is not a uint8
            assertThat(table.get(tokens.get("OddMetadataToken"))).isEqualTo(new Stored(null, null, null, "done", 1, null));
            assertThat(table.get(tokens.get("eoa"))).isEqualTo(new Stored(null, null, null, "done", 1, null));

            // looked up once: the same tokens seen again, later, start nothing
            for (String token : tokens.values()) {
                h.processElement(HARDHAT + "/" + token, 0);
            }
            h.setProcessingTime(h.getProcessingTime() + Duration.ofHours(1).toMillis());
            assertThat(h.getOutput()).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aDeadEndpointIsAnErrorRetriedAfterRetryAfterUpToMaxAttempts() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String token = "0x" + "4".repeat(40);
        var settings = new TokenMetadataLookup.Settings(2, Duration.ofMinutes(10), 1);
        try (var h = harness("http://127.0.0.1:" + closed + "/", settings)) {
            h.open();
            h.processElement(HARDHAT + "/" + token, 0);
            Row first = await(h, 1).get(0);
            assertThat(first.status()).isEqualTo("error");
            assertThat(first.attempts()).isEqualTo(1);
            assertThat(first.error()).isNotBlank();
            write(List.of(first));
            assertThat(stored().get(token).status()).isEqualTo("error");

            h.processElement(HARDHAT + "/" + token, 0); // seen again: not before retry-after
            h.setProcessingTime(h.getProcessingTime() + Duration.ofMinutes(9).toMillis());
            assertThat(h.getOutput()).isEmpty();
            h.setProcessingTime(h.getProcessingTime() + Duration.ofMinutes(1).toMillis());
            Row second = await(h, 1).get(0);
            assertThat(second.attempts()).isEqualTo(2);
            write(List.of(second));
            assertThat(stored().get(token).attempts()).isEqualTo(2);

            h.setProcessingTime(h.getProcessingTime() + Duration.ofHours(1).toMillis());
            assertThat(h.getOutput()).as("max-attempts reached").isEmpty();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aLookupRunningAtACheckpointIsStartedAgainOnRestore() throws Exception {
        OperatorSubtaskState snapshot;
        String token = tokens.get("TestToken20");
        try (var h = harness(node.url(), TokenMetadataLookup.Settings.DEFAULTS)) {
            h.open();
            h.processElement(HARDHAT + "/" + token, 0);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(node.url(), TokenMetadataLookup.Settings.DEFAULTS)) {
            h.initializeState(snapshot);
            h.open();
            Row row = await(h, 1).get(0);
            assertThat(row.symbol()).isEqualTo("CTT");
            assertThat(row.attempts()).isEqualTo(1);
        }
    }

    @Test
    void sightingsAreTheContractTokensOfAppliedBlocksAndRowsArePojos() {
        Transfer.Builder t = Transfer.newBuilder().setChainId(HARDHAT);
        ChainEvent applied = ChainEvent.newBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(BlockHeader.newBuilder().setChainId(HARDHAT).setNumber(1))
                .addTransfers(t.setToken("native")).addTransfers(t.setToken("0xaa")).addTransfers(t.setToken("0xbb"))
                .addTransfers(t.setToken("0xaa")).build();
        List<String> seen = new ArrayList<>();
        Collector<String> out = new Collector<>() {
            @Override
            public void collect(String record) {
                seen.add(record);
            }

            @Override
            public void close() {}
        };
        TokenMetadataLookup.tokensOf(applied, out);
        assertThat(seen).containsExactly(HARDHAT + "/0xaa", HARDHAT + "/0xbb");
        seen.clear();
        TokenMetadataLookup.tokensOf(applied.toBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED).build(), out);
        assertThat(seen).isEmpty();
        // no Kryo fallback for the rows between lookup and sink
        assertThat(TypeInformation.of(Row.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
