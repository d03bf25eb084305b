package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token metadata as the ingest job's lookup writes it to tokens (read from contracts on a real Hardhat node:
 * flink-jobs TokenMetadataLookupTest): an OpenZeppelin ERC-20 and ERC-721, an old token whose symbol/name are
 * bytes32, a contract with unreadable metadata, an address without code, and a lookup that failed. The API serves
 * 'done' rows with the balances and nothing else; it never calls a node.
 */
class TokenMetadataTest {
    static final long HARDHAT = 31337;
    static final long NO_RPC = 2;
    static final long DEAD = 3;
    static final String HOLDER = "0x" + "d".repeat(40);
    static ApiFixture fixture;
    static QueryApi api;
    static Clients clients;
    static Map<String, String> tokens = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        for (String artifact : new String[] {"TestToken20", "TestNft721", "OldStyleToken", "OddMetadataToken", "eoa"}) {
            tokens.put(artifact, "0x" + String.format("%040x", 0x1000 + tokens.size()));
        }
        String otherToken = "0x" + "4".repeat(40);
        fixture = ApiFixture.builder().seedConnection(c -> {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (" + HARDHAT + ", 'hardhat'), (" + NO_RPC + ", 'no-rpc'), ("
                    + DEAD + ", 'dead')");
            StringBuilder balances = new StringBuilder("INSERT INTO current_balances (chain_id, address, token, token_id, standard,"
                    + " balance, block_number, block_time) VALUES (" + HARDHAT + ", '" + HOLDER + "', 'native', 0, 'NATIVE', 5, 1, now()),"
                    + " (" + NO_RPC + ", '" + HOLDER + "', '" + otherToken + "', 0, 'ERC20', 5, 1, now()),"
                    + " (" + DEAD + ", '" + HOLDER + "', '" + otherToken + "', 0, 'ERC20', 5, 1, now())");
            for (Map.Entry<String, String> t : tokens.entrySet()) {
                String standard = t.getKey().equals("TestNft721") ? "ERC721" : "ERC20";
                balances.append(", (").append(HARDHAT).append(", '").append(HOLDER).append("', '").append(t.getValue()).append("', 0, '")
                        .append(standard).append("', 7, 1, now())");
            }
            SeedData.execute(c, balances.toString());
            // the rows TokenMetadataLookup wrote for these contracts and for a dead endpoint
            SeedData.execute(c, "INSERT INTO tokens (chain_id, token, symbol, name, decimals, status, attempts, error, looked_up_at) VALUES"
                    + " (" + HARDHAT + ", '" + tokens.get("TestToken20") + "', 'CTT', 'Chaintrack Test Token', 18, 'done', 1, NULL, now()),"
                    + " (" + HARDHAT + ", '" + tokens.get("TestNft721") + "', 'CTN', 'Chaintrack Test NFT', NULL, 'done', 1, NULL, now()),"
                    + " (" + HARDHAT + ", '" + tokens.get("OldStyleToken") + "', 'OLD', 'Old Style Token', 9, 'done', 1, NULL, now()),"
                    + " (" + HARDHAT + ", '" + tokens.get("OddMetadataToken") + "', NULL, NULL, NULL, 'done', 1, NULL, now()),"
                    + " (" + HARDHAT + ", '" + tokens.get("eoa") + "', NULL, NULL, NULL, 'done', 1, NULL, now()),"
                    + " (" + DEAD + ", '" + otherToken + "', 'STALE', 'never served', 6, 'error', 1, 'eth_call: connection refused', now())");
            SeedData.execute(c, "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                    + " VALUES (" + HARDHAT + ", '" + SeedData.hash(1, '1') + "', 1, '" + SeedData.hash(0, '1') + "', now() - interval '1 minute', 0, true)");
        }).start();
        api = fixture.api;
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void metadataIsServedWithBalances() throws Exception {
        GetBalancesResponse grpc = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(HARDHAT).setAddress(HOLDER).build());
        Clients.Response rest = clients.get("/v1/chains/" + HARDHAT + "/addresses/" + HOLDER + "/balances");
        assertThat(rest.parse(GetBalancesResponse.newBuilder()).build()).isEqualTo(grpc);
        Map<String, BalanceView> byToken = grpc.getBalancesList().stream().collect(Collectors.toMap(BalanceView::getToken, Function.identity()));

        BalanceView erc20 = byToken.get(tokens.get("TestToken20"));
        assertThat(erc20.getSymbol()).isEqualTo("CTT");
        assertThat(erc20.getName()).isEqualTo("Chaintrack Test Token");
        assertThat(erc20.getDecimals()).isEqualTo(18);
        BalanceView nft = byToken.get(tokens.get("TestNft721"));
        assertThat(nft.getSymbol()).isEqualTo("CTN");
        assertThat(nft.getName()).isEqualTo("Chaintrack Test NFT");
        assertThat(nft.hasDecimals()).isFalse(); // ERC-721 has no decimals(): the call reverts
        BalanceView old = byToken.get(tokens.get("OldStyleToken"));
        assertThat(old.getSymbol()).isEqualTo("OLD"); // bytes32, NUL padding removed
        assertThat(old.getName()).isEqualTo("Old Style Token");
        assertThat(old.getDecimals()).isEqualTo(9);
        BalanceView odd = byToken.get(tokens.get("OddMetadataToken"));
        assertThat(odd.getSymbol()).isEmpty(); // not UTF-8
        assertThat(odd.getName()).isEmpty(); // reverts
        assertThat(odd.hasDecimals()).isFalse(); // 300 is not a uint8
        BalanceView eoa = byToken.get(tokens.get("eoa"));
        assertThat(eoa.getSymbol()).isEmpty();
        assertThat(eoa.hasDecimals()).isFalse();
        assertThat(byToken.get("native").getSymbol()).isEmpty();
        JsonObject nftJson = null;
        for (var e : rest.json().getAsJsonArray("balances")) {
            if (e.getAsJsonObject().get("token").getAsString().equals(tokens.get("TestNft721"))) {
                nftJson = e.getAsJsonObject();
            }
        }
        assertThat(nftJson).isNotNull();
        assertThat(nftJson.get("decimals").isJsonNull()).isTrue();
        assertThat(nftJson.get("symbol").getAsString()).isEqualTo("CTN");
        // the past-balance answer carries the same metadata
        BalanceView at = clients.balances.getBalancesAt(GetBalancesAtRequest.newBuilder().setChainId(HARDHAT).setAddress(HOLDER)
                .setToken(tokens.get("TestToken20")).setBlockNumber(1).build()).getBalances(0);
        assertThat(at.getSymbol()).isEqualTo("CTT");
        assertThat(at.getDecimals()).isEqualTo(18);
    }

    @Test
    void chainsWithoutMetadataOrWithAFailedLookup() throws Exception {
        // a failed lookup ('error') is never served
        assertThat(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(DEAD).setAddress(HOLDER).build())
                .getBalances(0).getSymbol()).isEmpty();
        assertThat(clients.get("/v1/chains/" + NO_RPC + "/addresses/" + HOLDER + "/balances").json().getAsJsonArray("balances")
                .get(0).getAsJsonObject().get("decimals").isJsonNull()).isTrue();
    }
}
