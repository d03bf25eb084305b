package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.api.tokens.TokenMetadataResolver;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.http.HttpService;

/**
 * Token metadata read from contracts on a real Hardhat node: an OpenZeppelin ERC-20 and ERC-721, an old token
 * whose symbol/name are bytes32, a contract with unreadable metadata, and an address without code. Each token
 * is looked up once and served with the balances; an unreachable endpoint is recorded as an error.
 */
class TokenMetadataTest {
    static final long HARDHAT = 31337;
    static final long NO_RPC = 2;
    static final long DEAD = 3;
    static final String HOLDER = "0x" + "d".repeat(40);
    static HardhatNode node;
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static QueryApi api;
    static Clients clients;
    static Map<String, String> tokens = new HashMap<>();

    static String deploy(Web3j web3j, String from, String artifact) throws Exception {
        JsonNode a = new ObjectMapper().readTree(HardhatNode.fixtureDir().resolve("compiled/" + artifact + ".json").toFile());
        EthSendTransaction sent = web3j.ethSendTransaction(Transaction.createContractTransaction(from, null, null,
                BigInteger.valueOf(6_000_000), BigInteger.ZERO, a.get("bytecode").asText())).send();
        assertThat(sent.hasError()).as(artifact + " deploy: " + (sent.hasError() ? sent.getError().getMessage() : "")).isFalse();
        return web3j.ethGetTransactionReceipt(sent.getTransactionHash()).send().getTransactionReceipt().orElseThrow()
                .getContractAddress().toLowerCase();
    }

    @BeforeAll
    static void start() throws Exception {
        node = HardhatNode.start();
        Web3j web3j = Web3j.build(new HttpService(node.url()));
        List<String> accounts = web3j.ethAccounts().send().getAccounts();
        for (String artifact : List.of("TestToken20", "TestNft721", "OldStyleToken", "OddMetadataToken")) {
            tokens.put(artifact, deploy(web3j, accounts.get(0), artifact));
        }
        tokens.put("eoa", accounts.get(5).toLowerCase());
        web3j.shutdown();

        String otherToken = "0x" + "4".repeat(40);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        fixture = ApiFixture.builder().seedConnection(c -> {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (" + HARDHAT + ", 'hardhat'), (" + NO_RPC + ", 'no-rpc'), ("
                    + DEAD + ", 'dead')");
            StringBuilder totals = new StringBuilder("INSERT INTO token_totals (chain_id, token, standard, transfers, volume) VALUES"
                    + " (" + HARDHAT + ", 'native', 'NATIVE', 1, 1), (" + NO_RPC + ", '" + otherToken + "', 'ERC20', 1, 1),"
                    + " (" + DEAD + ", '" + otherToken + "', 'ERC20', 1, 1)");
            StringBuilder balances = new StringBuilder("INSERT INTO current_balances (chain_id, address, token, token_id, standard,"
                    + " balance, block_number, block_time) VALUES (" + HARDHAT + ", '" + HOLDER + "', 'native', 0, 'NATIVE', 5, 1, now()),"
                    + " (" + NO_RPC + ", '" + HOLDER + "', '" + otherToken + "', 0, 'ERC20', 5, 1, now()),"
                    + " (" + DEAD + ", '" + HOLDER + "', '" + otherToken + "', 0, 'ERC20', 5, 1, now())");
            for (Map.Entry<String, String> t : tokens.entrySet()) {
                String standard = t.getKey().equals("TestNft721") ? "ERC721" : "ERC20";
                totals.append(", (").append(HARDHAT).append(", '").append(t.getValue()).append("', '").append(standard).append("', 1, 1)");
                balances.append(", (").append(HARDHAT).append(", '").append(HOLDER).append("', '").append(t.getValue()).append("', 0, '")
                        .append(standard).append("', 7, 1, now())");
            }
            SeedData.execute(c, totals.toString());
            SeedData.execute(c, balances.toString());
            SeedData.execute(c, "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                    + " VALUES (" + HARDHAT + ", '" + SeedData.hash(1, '1') + "', 1, '" + SeedData.hash(0, '1') + "', now() - interval '1 minute', 0, true)");
        }).properties(Map.of(
                "chaintrack.api.token-metadata.rpc-urls." + HARDHAT, node.url(),
                "chaintrack.api.token-metadata.rpc-urls." + DEAD, "http://127.0.0.1:" + closed + "/",
                "chaintrack.api.token-metadata.interval", "200ms",
                "chaintrack.api.token-metadata.request-timeout", "2s")).start();
        postgres = fixture.postgres;
        api = fixture.api;
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        node.close();
    }

    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(condition::getAsBoolean, 60_000, () -> "waiting for " + what);
    }

    record Row(String status, int attempts, String lookedUpAt, String error) {}

    static Map<String, Row> rows(long chainId) {
        Map<String, Row> out = new HashMap<>();
        try (Connection c = postgres.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT token, status, attempts, looked_up_at::text, error FROM tokens"
                     + " WHERE chain_id = " + chainId)) {
            while (rs.next()) {
                out.put(rs.getString(1), new Row(rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5)));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void metadataIsReadOnceFromTheContractsAndServedWithBalances() throws Exception {
        await("every hardhat token looked up", () -> rows(HARDHAT).values().stream().filter(r -> r.status().equals("done")).count() == 5);
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

        // looked up once: further sweeps leave every row as it is
        Map<String, Row> first = rows(HARDHAT);
        assertThat(first.values()).allMatch(r -> r.attempts() == 1 && r.error() == null);
        assertThat(first).doesNotContainKey("native");
        TokenMetadataResolver resolver = api.context().getBean(TokenMetadataResolver.class);
        long sweeps = resolver.sweeps();
        await("two more sweeps", () -> resolver.sweeps() >= sweeps + 2);
        clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(HARDHAT).setAddress(HOLDER).build());
        assertThat(rows(HARDHAT)).isEqualTo(first);
    }

    @Test
    void chainsWithoutOrWithADeadEndpoint() throws Exception {
        await("the dead endpoint's lookup failed", () -> rows(DEAD).values().stream().anyMatch(r -> r.status().equals("error")));
        Row failed = rows(DEAD).values().iterator().next();
        assertThat(failed.attempts()).isEqualTo(1); // retried only after retry-after (10 minutes by default)
        assertThat(failed.error()).isNotBlank();
        assertThat(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(DEAD).setAddress(HOLDER).build())
                .getBalances(0).getSymbol()).isEmpty();
        // a chain without an endpoint is never looked up
        assertThat(rows(NO_RPC)).isEmpty();
        assertThat(clients.get("/v1/chains/" + NO_RPC + "/addresses/" + HOLDER + "/balances").json().getAsJsonArray("balances")
                .get(0).getAsJsonObject().get("decimals").isJsonNull()).isTrue();
        MetricsText metrics = MetricsText.parse(clients.get("/metrics").body());
        assertThat(metrics.value("chaintrack_api_token_metadata_lookups_total", Map.of("chain", Long.toString(DEAD), "outcome", "error")))
                .isGreaterThanOrEqualTo(1);
    }
}
