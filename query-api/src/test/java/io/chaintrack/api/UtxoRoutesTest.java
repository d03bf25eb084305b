package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.core.utxo.ExtendedKeyWallet;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesRequest;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routes on a UTXO chain: Bitcoin-family addresses are accepted in every form of that network (bech32 in any
 * case, base58 as written) and script-hash keys, addresses of another network or EVM addresses are a 400 naming
 * the network, and tokens other than the native coin are refused. Rows hand-made; addresses are BIP-173 and
 * Bitcoin wiki examples.
 */
class UtxoRoutesTest {
    private static final long BTC = UtxoNetwork.BITCOIN.chainId();
    private static final String SEGWIT = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    private static final String LEGACY = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");
    /** BIP-84's test vector: account 0 of "abandon ... about" and its first receive (0/0, 0/1) and change (1/0) addresses. */
    private static final String ZPUB = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
    private static final String R0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
    private static final String R1 = "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g";
    private static final String C0 = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el";
    private static ApiFixture fixture;
    private static Clients clients;

    static void seed(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO chains (chain_id, name, head_number) VALUES (" + BTC + ", 'bitcoin', 1)");
            s.execute("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                    + " VALUES (" + BTC + ", '0x" + "1".repeat(64) + "', 1, '0x" + "0".repeat(64) + "', '" + T + "', 1, true)");
            s.execute("INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time)"
                    + " VALUES (" + BTC + ", '" + SEGWIT + "', 'native', 0, 'NATIVE', 5000000000, 1, '" + T + "')");
        }
        new TransferRow(BTC, "0x" + "1".repeat(64), 1, T, "0x" + "2".repeat(64), 0, -1, "reward", 0, "native", "NATIVE",
                "coinbase", SEGWIT, BigInteger.valueOf(5_000_000_000L), null, null, true).insert(c);
        // BIP-84's test wallet: 0/0, 0/1 and 1/0 hold coins; 0/10 too, but beyond a gap limit of 3
        String[][] held = {{R0, "100"}, {R1, "50"}, {C0, "7"}, {ExtendedKeyWallet.parse(UtxoNetwork.BITCOIN, ZPUB).address(0, 10), "999"}};
        for (int i = 0; i < held.length; i++) {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number, block_time)"
                        + " VALUES (" + BTC + ", '" + held[i][0] + "', 'native', 0, 'NATIVE', " + held[i][1] + ", 1, '" + T + "')");
            }
            new TransferRow(BTC, "0x" + "1".repeat(64), 1, T, "0x" + "3".repeat(64), 1, -1, "reward", i + 1, "native", "NATIVE",
                    "coinbase", held[i][0], new BigInteger(held[i][1]), null, null, true).insert(c);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seedConnection(UtxoRoutesTest::seed).properties(Map.of()).start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aBitcoinAddressIsServedInAnyCaseOnBothTransports() {
        GetBalancesResponse rest = clients.get("/v1/chains/" + BTC + "/addresses/" + SEGWIT.toUpperCase() + "/balances")
                .parse(GetBalancesResponse.newBuilder()).build();
        assertThat(rest.getAddress()).isEqualTo(SEGWIT);
        assertThat(rest.getBalancesList()).singleElement().satisfies(b -> {
            assertThat(b.getToken()).isEqualTo("native");
            assertThat(b.getBalance()).isEqualTo("5000000000");
        });
        assertThat(clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(BTC).setAddress(SEGWIT).build()))
                .isEqualTo(rest);
        ListAddressTransfersResponse transfers = clients.get("/v1/chains/" + BTC + "/addresses/" + SEGWIT + "/transfers")
                .parse(ListAddressTransfersResponse.newBuilder()).build();
        assertThat(transfers.getTransfersList()).singleElement().satisfies(t -> assertThat(t.getFromAddress()).isEqualTo("coinbase"));
        assertThat(clients.get("/v1/chains/" + BTC + "/addresses/" + LEGACY + "/balances").status()).isEqualTo(200);
    }

    @Test
    void anExtendedKeyWalletsBalanceIsTheSumOverItsDerivedAddresses() {
        String path = "/v1/chains/" + BTC + "/extended-keys/balances?gap_limit=3&key="
                + java.net.URLEncoder.encode("wpkh([73c5da0a/84'/0'/0']" + ZPUB + "/<0;1>/*)", java.nio.charset.StandardCharsets.UTF_8);
        GetExtendedKeyBalancesResponse rest = clients.get(path).parse(GetExtendedKeyBalancesResponse.newBuilder()).build();
        assertThat(rest).isEqualTo(clients.balances.getExtendedKeyBalances(GetExtendedKeyBalancesRequest.newBuilder()
                .setChainId(BTC).setKey("wpkh([73c5da0a/84'/0'/0']" + ZPUB + "/<0;1>/*)").setGapLimit(3).build()));
        assertThat(rest.getScriptType()).isEqualTo("P2WPKH");
        // receive: 0/0 and 0/1 used, then 0/2..0/4 unused end it; change: 1/0 used, 1/1..1/3 unused
        assertThat(rest.getAddressesList()).extracting(a -> a.getChain() + "/" + a.getIndex() + (a.getUsed() ? " used" : ""))
                .containsExactly("0/0 used", "0/1 used", "0/2", "0/3", "0/4", "1/0 used", "1/1", "1/2", "1/3");
        assertThat(rest.getAddresses(0).getAddress()).isEqualTo(R0);
        assertThat(rest.getAddresses(5).getAddress()).isEqualTo(C0);
        // 100 + 50 + 7; the 999 at 0/10 lies beyond the gap
        assertThat(rest.getBalancesList()).singleElement().satisfies(b -> {
            assertThat(b.getToken()).isEqualTo("native");
            assertThat(b.getBalance()).isEqualTo("157");
        });
        assertThat(clients.get("/v1/chains/" + BTC + "/extended-keys/balances?key=" + ZPUB).parse(GetExtendedKeyBalancesResponse.newBuilder())
                .build().getBalances(0).getBalance()).as("the default gap of 20 reaches 0/10").isEqualTo("1156");

        Clients.Response evmChain = clients.get("/v1/chains/1/extended-keys/balances?key=" + ZPUB);
        assertThat(evmChain.status()).isEqualTo(400);
        assertThat(evmChain.json().get("detail").getAsString()).contains("UTXO chains only");
        Clients.Response bad = clients.get("/v1/chains/" + BTC + "/extended-keys/balances?key=xpubnonsense");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").getAsString()).isEqualTo("key");
    }

    @Test
    void addressesOfAnotherNetworkAndTokensAreRefusedNamingWhatIsWrong() {
        Clients.Response evm = clients.get("/v1/chains/" + BTC + "/addresses/0x52908400098527886e0f7030069857d2e4169ee7/balances");
        assertThat(evm.status()).isEqualTo(400);
        assertThat(evm.json().get("detail").getAsString()).contains("not a valid bitcoin address");
        Clients.Response testnet = clients.get("/v1/chains/" + BTC + "/addresses/tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7/balances");
        assertThat(testnet.status()).isEqualTo(400);
        assertThat(testnet.json().get("parameter").getAsString()).isEqualTo("address");
        Clients.Response token = clients.get("/v1/chains/" + BTC + "/addresses/" + SEGWIT + "/tokens/0x52908400098527886e0f7030069857d2e4169ee7/history");
        assertThat(token.status()).isEqualTo(400);
        assertThat(token.json().get("detail").getAsString()).contains("bitcoin has only its native coin");
        // a Bitcoin address on an EVM chain is still a 0x-address error
        assertThat(clients.get("/v1/chains/1/addresses/" + SEGWIT + "/balances").status()).isIn(400, 404);
    }
}
