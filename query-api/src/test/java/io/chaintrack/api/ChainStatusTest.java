package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.chaintrack.proto.v1.ChainFreshness;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetChainStatusResponse;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListChainStatusesResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chain status against the wall clock: fresh and stale chains (with a per-chain threshold), an empty chain,
 * the latest reorg (highest orphaned block and what replaced it), and the follower's head when recorded.
 */
class ChainStatusTest {
    static ApiFixture fixture;
    static Clients clients;
    static Instant now;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seedConnection(c -> {
            now = Instant.now();
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (21, 'fresh'), (22, 'stale'), (23, 'slow'), (24, 'empty')");
            for (long n = 1; n <= 10; n++) {
                block(c, 21, n, 'a', now.minusSeconds(10 + (10 - n) * 12), true);
            }
            block(c, 21, 3, 'e', now.minusSeconds(200), false);
            block(c, 21, 5, 'e', now.minusSeconds(100), false);
            block(c, 21, 5, 'f', now.minusSeconds(101), false);
            block(c, 22, 1, 'a', now.minusSeconds(3600), true);
            block(c, 23, 1, 'a', now.minusSeconds(3600), true);
            block(c, 23, 2, 'e', now.minusSeconds(3500), false); // an orphaned tip with no canonical replacement yet
            SeedData.execute(c, "UPDATE chains SET head_number = 13, head_seen_at = '" + now.minusSeconds(2) + "' WHERE chain_id = 21");
            SeedData.execute(c, "UPDATE chains SET head_number = 99 WHERE chain_id = 24");
        }).properties(Map.of("chaintrack.api.chain-status.stale-after", "90s",
                "chaintrack.api.chain-status.stale-after-by-chain.23", "2h")).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static void block(Connection c, long chain, long n, char variant, Instant time, boolean canonical) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash,"
                + " block_time, transfer_count, canonical) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
            st.setLong(1, chain);
            st.setString(2, SeedData.hash(chain * 1000 + n, variant));
            st.setLong(3, n);
            st.setString(4, SeedData.hash(chain * 1000 + n - 1, 'a'));
            st.setObject(5, time.atOffset(ZoneOffset.UTC));
            st.setBoolean(6, canonical);
            st.executeUpdate();
        }
    }

    @Test
    void statusOfEveryChainOnBothTransports() {
        ListChainStatusesResponse grpc = clients.chains.listChainStatuses(ListChainStatusesRequest.getDefaultInstance());
        Clients.Response rest = clients.get("/v1/chains/status");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(ListChainStatusesResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getChainsList()).extracting(ChainStatusView::getChainId).containsExactly(21L, 22L, 23L, 24L);

        ChainStatusView fresh = grpc.getChains(0);
        assertThat(fresh.getLatestBlock()).isEqualTo(10);
        assertThat(fresh.getLatestBlockHash()).isEqualTo(SeedData.hash(21010, 'a'));
        assertThat(fresh.getFreshness()).isEqualTo(ChainFreshness.CHAIN_FRESHNESS_FRESH);
        assertThat(fresh.getLagSeconds()).isBetween(9L, 85L);
        assertThat(fresh.getStaleAfterSeconds()).isEqualTo(90);
        // the highest orphaned block (5; of two orphans there the first by hash), and the canonical block that replaced it
        assertThat(fresh.getLastReorg().getBlockNumber()).isEqualTo(5);
        assertThat(fresh.getLastReorg().getOrphanedHash()).isEqualTo(SeedData.hash(21005, 'e'));
        assertThat(fresh.getLastReorg().getCanonicalHash()).isEqualTo(SeedData.hash(21005, 'a'));
        assertThat(fresh.getLastReorg().getBlockTime().getSeconds()).isEqualTo(now.minusSeconds(100).getEpochSecond());
        assertThat(fresh.hasHeadNumber()).isTrue();
        assertThat(fresh.getHeadNumber()).isEqualTo(13);
        assertThat(fresh.getBlocksBehindHead()).isEqualTo(3);
        assertThat(fresh.getHeadSeenAt().getSeconds()).isEqualTo(now.minusSeconds(2).getEpochSecond());

        ChainStatusView stale = grpc.getChains(1);
        assertThat(stale.getFreshness()).isEqualTo(ChainFreshness.CHAIN_FRESHNESS_STALE);
        assertThat(stale.getLagSeconds()).isBetween(3599L, 3700L);
        assertThat(stale.hasLastReorg()).isFalse();
        assertThat(stale.hasHeadNumber()).isFalse();
        assertThat(stale.hasBlocksBehindHead()).isFalse();

        ChainStatusView slow = grpc.getChains(2);
        assertThat(slow.getFreshness()).isEqualTo(ChainFreshness.CHAIN_FRESHNESS_FRESH);
        assertThat(slow.getStaleAfterSeconds()).isEqualTo(7200);
        assertThat(slow.getLastReorg().getCanonicalHash()).isEmpty();

        ChainStatusView empty = grpc.getChains(3);
        assertThat(empty.getFreshness()).isEqualTo(ChainFreshness.CHAIN_FRESHNESS_EMPTY);
        assertThat(empty.getLatestBlock()).isZero();
        assertThat(empty.getHeadNumber()).isEqualTo(99);
        assertThat(empty.hasBlocksBehindHead()).isFalse();

        // JSON: absent head and reorg are null, enums by name, 64-bit numbers as strings
        JsonObject staleJson = rest.json().getAsJsonArray("chains").get(1).getAsJsonObject();
        assertThat(staleJson.get("headNumber").isJsonNull()).isTrue();
        assertThat(staleJson.get("lastReorg").isJsonNull()).isTrue();
        assertThat(staleJson.get("headSeenAt").isJsonNull()).isTrue();
        assertThat(staleJson.get("freshness").getAsString()).isEqualTo("CHAIN_FRESHNESS_STALE");
        assertThat(staleJson.get("lagSeconds").getAsString()).matches("[0-9]+");
        JsonObject freshJson = rest.json().getAsJsonArray("chains").get(0).getAsJsonObject();
        assertThat(freshJson.get("headNumber").getAsString()).isEqualTo("13");
        assertThat(freshJson.getAsJsonObject("lastReorg").get("blockNumber").getAsString()).isEqualTo("5");
    }

    @Test
    void statusOfOneChain() {
        GetChainStatusResponse grpc = clients.chains.getChainStatus(GetChainStatusRequest.newBuilder().setChainId(22).build());
        Clients.Response rest = clients.get("/v1/chains/22/status");
        assertThat(rest.parse(GetChainStatusResponse.newBuilder()).build()).isEqualTo(grpc);
        assertThat(grpc.getStatus().getName()).isEqualTo("stale");
        assertThat(grpc.getStatus().getLatestBlock()).isEqualTo(1);
        Clients.Response unknown = clients.get("/v1/chains/25/status");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("parameter").getAsString()).isEqualTo("chain_id");
    }
}
