package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.chaintrack.api.keys.ApiKeyStore;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.CreateWalletRequest;
import io.chaintrack.proto.v1.DeleteWalletRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetWalletBalancesRequest;
import io.chaintrack.proto.v1.GetWalletBalancesResponse;
import io.chaintrack.proto.v1.GetWalletRequest;
import io.chaintrack.proto.v1.ImportWalletsRequest;
import io.chaintrack.proto.v1.ImportWalletsResponse;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListWalletTransfersRequest;
import io.chaintrack.proto.v1.ListWalletsRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.chaintrack.proto.v1.UpdateWalletRequest;
import io.chaintrack.proto.v1.WalletServiceGrpc;
import io.chaintrack.proto.v1.WalletSyncState;
import io.chaintrack.proto.v1.WalletView;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wallets per user over REST and gRPC, signed in through a real in-process OIDC provider: add (validated), list,
 * get, label and tags, delete (the chain's shared data stays), CSV upload with per-line errors and repeatable, 10,000
 * rows paged back exactly; wallet balances and transfers are the address's; sync state from the chain status; a key
 * that belongs to a user sees that user's wallets; no user ever reaches another user's wallet; one client cannot
 * take every live-stream slot.
 */
class WalletsTest {
    static final String AUDIENCE = "chaintrack-api";
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    static final String JSON = "application/json";
    static MockOAuth2Server oidc;
    static ApiFixture fixture;
    static Clients clients;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        oidc = new MockOAuth2Server();
        oidc.start();
        issuer = oidc.issuerUrl("default").toString();
        fixture = ApiFixture.builder().seed(new SeedData()::seed)
                .properties(Map.of("chaintrack.api.auth.enabled", true, "chaintrack.api.auth.oidc.issuer", issuer,
                        "chaintrack.api.auth.oidc.audience", AUDIENCE, "chaintrack.api.auth.oidc.tier", "unlimited",
                        "chaintrack.api.streams.max-streams-per-client", 2))
                .start();
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        oidc.shutdown();
    }

    /** A REST caller signed in as {@code subject}. */
    record User(String subject, String token) {
        Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + token);
        }

        Map<String, String> headers(String contentType) {
            return Map.of("Authorization", "Bearer " + token, "Content-Type", contentType);
        }

        Clients.Response get(String path) {
            return clients.get(path, headers());
        }

        Clients.Response post(String path, String json) {
            return clients.send("POST", path, headers(JSON), json);
        }

        Clients.Response patch(String path, String json) {
            return clients.send("PATCH", path, headers(JSON), json);
        }

        Clients.Response delete(String path) {
            return clients.send("DELETE", path, headers());
        }

        WalletServiceGrpc.WalletServiceBlockingStub grpc() {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            return WalletServiceGrpc.newBlockingStub(clients.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        JsonObject create(long chain, String address, String label) {
            Clients.Response created = post("/v1/wallets", "{\"chainId\": \"" + chain + "\", \"address\": \"" + address
                    + "\", \"label\": \"" + label + "\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            return created.json().getAsJsonObject("wallet");
        }
    }

    static User signIn(String subject) {
        return new User(subject, oidc.issueToken("default", subject, AUDIENCE, Map.of(), 3600).serialize());
    }

    static String address(int i) {
        return String.format("0x%040x", i);
    }

    @Test
    void addListGetLabelTagAndDelete() throws Exception {
        User alice = signIn("alice-crud");
        JsonObject wallet = alice.create(1, SeedData.A.toUpperCase().replace("0X", "0x"), "cold storage");
        String id = wallet.get("walletId").getAsString();
        assertThat(id).matches("w_[0-9a-f]{20}");
        assertThat(wallet.get("address").getAsString()).isEqualTo(SeedData.A);
        assertThat(wallet.get("chainId").getAsString()).isEqualTo("1");
        assertThat(wallet.get("label").getAsString()).isEqualTo("cold storage");

        // adding it again answers the same wallet, not a second one
        Clients.Response again = alice.post("/v1/wallets", "{\"chainId\": \"1\", \"address\": \"" + SeedData.A + "\", \"label\": \"other\"}");
        assertThat(again.json().get("created").getAsBoolean()).isFalse();
        assertThat(again.json().getAsJsonObject("wallet").get("walletId").getAsString()).isEqualTo(id);
        assertThat(again.json().getAsJsonObject("wallet").get("label").getAsString()).isEqualTo("cold storage");

        // bad input names the field
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"chainId\": \"1\", \"address\": \"0x123\"}", "address");
        bad.put("{\"chainId\": \"999\", \"address\": \"" + SeedData.B + "\"}", "chain_id");
        bad.put("{\"address\": \"" + SeedData.B + "\"}", "chain_id");
        bad.put("{\"chainId\": \"1\", \"address\": \"" + SeedData.B + "\", \"tags\": [\"ok\", \"no;semicolons\"]}", "tags");
        bad.put("{\"chainId\": \"1\", \"address\": \"" + SeedData.B + "\", \"label\": \"" + "x".repeat(201) + "\"}", "label");
        bad.put("{\"chainId\": \"1\", \"address\": \"" + SeedData.B + "\", \"colour\": \"red\"}", "body");
        bad.put("[1, 2]", "body");
        bad.put("", "body");
        for (Map.Entry<String, String> body : bad.entrySet()) {
            Clients.Response refused = alice.post("/v1/wallets", body.getKey());
            assertThat(refused.status()).as(body.getKey()).isEqualTo(400);
            assertThat(refused.json().get("parameter").getAsString()).as(body.getKey()).isEqualTo(body.getValue());
        }
        assertThat(alice.post("/v1/wallets?label=x", "{\"chainId\": \"1\", \"address\": \"" + SeedData.B + "\"}").status()).isEqualTo(400);

        // tags are sorted and deduplicated; update_fields clears
        Clients.Response tagged = alice.patch("/v1/wallets/" + id, "{\"tags\": [\"trading\", \"defi\", \"trading\"]}");
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(tagged.json().getAsJsonObject("wallet").getAsJsonArray("tags").toString()).isEqualTo("[\"defi\",\"trading\"]");
        assertThat(tagged.json().getAsJsonObject("wallet").get("label").getAsString()).isEqualTo("cold storage");
        Clients.Response cleared = alice.patch("/v1/wallets/" + id, "{\"updateFields\": [\"label\"]}");
        assertThat(cleared.json().getAsJsonObject("wallet").get("label").getAsString()).isEmpty();
        assertThat(cleared.json().getAsJsonObject("wallet").getAsJsonArray("tags")).hasSize(2);
        assertThat(alice.patch("/v1/wallets/" + id, "{}").status()).isEqualTo(400);
        assertThat(alice.patch("/v1/wallets/" + id, "{\"walletId\": \"w_00000000000000000000\", \"label\": \"x\"}").status()).isEqualTo(400);

        // over gRPC: the same wallet, renamed there and seen on REST
        WalletView viaGrpc = alice.grpc().getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()).getWallet();
        assertThat(viaGrpc.getTagsList()).containsExactly("defi", "trading");
        alice.grpc().updateWallet(UpdateWalletRequest.newBuilder().setWalletId(id).setLabel("renamed").build());
        assertThat(alice.get("/v1/wallets/" + id).json().getAsJsonObject("wallet").get("label").getAsString()).isEqualTo("renamed");
        JsonObject second = alice.create(1, SeedData.B, "hot");
        assertThat(alice.get("/v1/wallets").json().getAsJsonArray("wallets")).extracting(w -> w.getAsJsonObject().get("walletId").getAsString())
                .containsExactly(id, second.get("walletId").getAsString());
        assertThat(alice.get("/v1/wallets?tag=defi").json().getAsJsonArray("wallets")).hasSize(1);
        assertThat(alice.get("/v1/wallets?chain_id=10").json().getAsJsonArray("wallets")).isEmpty();

        // delete removes the wallet; the chain data it showed is shared and stays
        String transfersBefore = clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?limit=1000", alice.headers()).body();
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            SeedData.execute(c, "INSERT INTO wallet_webhook_deliveries (wallet_id, url, body, state) VALUES ('" + id
                    + "', 'https://hooks.example.org/sync', '{}', 'pending')");
        }
        Clients.Response deleted = alice.delete("/v1/wallets/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("walletId").getAsString()).isEqualTo(id);
        assertThat(alice.get("/v1/wallets/" + id).status()).isEqualTo(404);
        try (Connection c = fixture.postgres.dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM wallet_webhook_deliveries WHERE wallet_id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the deleted wallet's pending webhook delivery").isZero();
        }
        assertThat(alice.delete("/v1/wallets/" + id).status()).isEqualTo(404);
        assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?limit=1000", alice.headers()).body()).isEqualTo(transfersBefore);
        StatusRuntimeException gone = catchThrowableOfType(StatusRuntimeException.class,
                () -> alice.grpc().deleteWallet(DeleteWalletRequest.newBuilder().setWalletId(id).build()));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(alice.get("/v1/wallets").json().getAsJsonArray("wallets")).hasSize(1);
    }

    /**
     * On a UTXO chain a wallet can be an extended public key: its balance is the sum over the addresses it derives.
     * Oracle: BIP-84's test wallet (its zpub and first receive and change addresses) with hand-written balances.
     */
    @Test
    void anExtendedKeyWalletIsManyAddressesWithOneBalance() throws Exception {
        long btc = io.chaintrack.core.utxo.UtxoNetwork.BITCOIN.chainId();
        String zpub = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
        String receive0 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
        String change0 = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el";
        String block = "0x" + "4".repeat(64);
        java.time.Instant t = java.time.Instant.parse("2024-01-01T00:00:00Z");
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name, head_number) VALUES (" + btc + ", 'bitcoin', 1)");
            SeedData.execute(c, "INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash, block_time, transfer_count, canonical)"
                    + " VALUES (" + btc + ", '" + block + "', 1, '0x" + "0".repeat(64) + "', '" + t + "', 2, true)");
            String[][] held = {{receive0, "100"}, {change0, "7"}};
            for (int i = 0; i < held.length; i++) {
                SeedData.execute(c, "INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number,"
                        + " block_time) VALUES (" + btc + ", '" + held[i][0] + "', 'native', 0, 'NATIVE', " + held[i][1] + ", 1, '" + t + "')");
                new TransferRow(btc, block, 1, t, "0x" + "5".repeat(64), 0, -1, "reward", i, "native", "NATIVE", "coinbase",
                        held[i][0], new java.math.BigInteger(held[i][1]), null, null, true).insert(c);
            }
        }
        User cora = signIn("cora-cold-storage");
        String id = cora.create(btc, zpub, "cold storage").get("walletId").getAsString();
        GetWalletBalancesResponse grpc = cora.grpc().getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(id).build());
        assertThat(grpc.getWallet().getAddress()).isEqualTo(zpub);
        assertThat(grpc.getBalancesList()).singleElement().satisfies(b -> assertThat(b.getBalance()).isEqualTo("107"));
        JsonArray rest = cora.get("/v1/wallets/" + id + "/balances").json().getAsJsonArray("balances");
        assertThat(rest).singleElement().satisfies(b -> assertThat(b.getAsJsonObject().get("balance").getAsString()).isEqualTo("107"));
        // one of its addresses alone is an ordinary wallet with that address's balance
        String single = cora.create(btc, receive0, "hot").get("walletId").getAsString();
        assertThat(cora.grpc().getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(single).build())
                .getBalances(0).getBalance()).isEqualTo("100");
        Clients.Response transfers = cora.get("/v1/wallets/" + id + "/transfers");
        assertThat(transfers.status()).isEqualTo(400);
        assertThat(transfers.body()).contains("listed per derived address");
        Clients.Response wrong = cora.post("/v1/wallets", "{\"chainId\": \"" + btc + "\", \"address\": \"ltc1notakey\"}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("not a valid bitcoin address").contains("nor an extended public key");
    }

    @Test
    void walletBalancesAndTransfersAreTheAddresssOnBothTransports() {
        User bea = signIn("bea-data");
        String id = bea.create(1, SeedData.A, "main").get("walletId").getAsString();
        Clients.Response balances = bea.get("/v1/wallets/" + id + "/balances");
        assertThat(balances.status()).as(balances.body()).isEqualTo(200);
        JsonArray rows = balances.json().getAsJsonArray("balances");
        // the seeded (hand-written) current balance of A's native coin, exact
        assertThat(rows).anySatisfy(b -> {
            assertThat(b.getAsJsonObject().get("token").getAsString()).isEqualTo("native");
            assertThat(b.getAsJsonObject().get("balance").getAsString()).isEqualTo("123456789012345678901234567890");
        });
        GetBalancesResponse address = clients.get("/v1/chains/1/addresses/" + SeedData.A + "/balances", bea.headers())
                .parse(GetBalancesResponse.newBuilder()).build();
        assertThat(rows).hasSize(address.getBalancesCount());
        GetWalletBalancesResponse grpc = bea.grpc().getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(id).build());
        assertThat(grpc.getBalancesList()).containsExactlyElementsOf(address.getBalancesList());
        assertThat(grpc.getWallet().getWalletId()).isEqualTo(id);

        // transfer pages: the same pages, cursor for cursor, as the address route
        String walletCursor = "";
        String addressCursor = "";
        int pages = 0;
        do {
            ListAddressTransfersResponse expected = clients.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers?limit=7"
                    + (addressCursor.isEmpty() ? "" : "&cursor=" + addressCursor), bea.headers()).parse(ListAddressTransfersResponse.newBuilder()).build();
            var page = bea.grpc().listWalletTransfers(ListWalletTransfersRequest.newBuilder().setWalletId(id).setLimit(7)
                    .setCursor(walletCursor).build());
            assertThat(page.getTransfersList()).containsExactlyElementsOf(expected.getTransfersList());
            Clients.Response rest = bea.get("/v1/wallets/" + id + "/transfers?limit=7" + (walletCursor.isEmpty() ? "" : "&cursor=" + walletCursor));
            assertThat(rest.json().getAsJsonArray("transfers")).hasSize(expected.getTransfersCount());
            walletCursor = page.getNextCursor();
            addressCursor = expected.getNextCursor();
            pages++;
        } while (!walletCursor.isEmpty());
        assertThat(addressCursor).isEmpty();
        assertThat(pages).isGreaterThan(1);
    }

    @Test
    void syncStatusFollowsTheChainStatusThePipelineWrites() throws Exception {
        User cem = signIn("cem-sync");
        String id = cem.create(1, SeedData.C, "").get("walletId").getAsString();
        String empty = cem.create(SeedData.EMPTY_CHAIN, SeedData.C, "").get("walletId").getAsString();
        JsonObject unknownHead = cem.get("/v1/wallets/" + id).json().getAsJsonObject("wallet").getAsJsonObject("sync");
        assertThat(unknownHead.get("state").getAsString()).isEqualTo("WALLET_SYNC_STATE_HEAD_UNKNOWN");
        assertThat(unknownHead.get("indexedBlock").getAsString()).isEqualTo("40");
        assertThat(cem.get("/v1/wallets/" + empty).json().getAsJsonObject("wallet").getAsJsonObject("sync").get("state").getAsString())
                .isEqualTo("WALLET_SYNC_STATE_NOT_INDEXED");
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            SeedData.execute(c, "UPDATE chains SET head_number = 50, head_seen_at = now() WHERE chain_id = 1");
            WalletView behind = cem.grpc().getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()).getWallet();
            assertThat(behind.getSync().getState()).isEqualTo(WalletSyncState.WALLET_SYNC_STATE_SYNCING);
            assertThat(behind.getSync().getIndexedBlock()).isEqualTo(40);
            assertThat(behind.getSync().getHeadBlock()).isEqualTo(50);
            assertThat(behind.getSync().getBlocksBehind()).isEqualTo(10);
            assertThat(behind.getSync().getProgress()).isEqualTo(0.8);
            SeedData.execute(c, "UPDATE chains SET head_number = 40 WHERE chain_id = 1");
            JsonObject listed = cem.get("/v1/wallets").json().getAsJsonArray("wallets").get(0).getAsJsonObject().getAsJsonObject("sync");
            assertThat(listed.get("state").getAsString()).isEqualTo("WALLET_SYNC_STATE_SYNCED");
            assertThat(listed.get("progress").getAsDouble()).isEqualTo(1.0);
            assertThat(listed.get("blocksBehind").getAsString()).isEqualTo("0");
        } finally {
            try (Connection c = fixture.postgres.dataSource().getConnection()) {
                SeedData.execute(c, "UPDATE chains SET head_number = NULL, head_seen_at = NULL WHERE chain_id = 1");
            }
        }
    }

    /**
     * EIP-55 (https://eips.ethereum.org/EIPS/eip-55): a mixed-case address is a checksum and one letter in the wrong
     * case is a typo, refused naming the address on every entry (address routes over REST and gRPC, wallet creation
     * on both, CSV rows); the EIP's own checksummed vectors and single-case forms are accepted.
     */
    @Test
    void mixedCaseAddressesMustPassTheirEip55ChecksumEverywhere() {
        User fay = signIn("fay-eip55");
        String good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";   // EIP-55 test vector
        String typo = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";   // its last letter in the wrong case
        String token = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";  // EIP-55 test vector
        String tokenTypo = "0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";

        assertThat(fay.get("/v1/chains/1/addresses/" + good + "/balances").status()).isEqualTo(200);
        assertThat(fay.get("/v1/chains/1/addresses/" + good.toUpperCase().replace("0X", "0x") + "/balances").status()).isEqualTo(200);
        Clients.Response rest = fay.get("/v1/chains/1/addresses/" + typo + "/balances");
        assertThat(rest.status()).isEqualTo(400);
        assertThat(rest.contentType()).startsWith("application/problem+json");
        assertThat(rest.json().get("parameter").getAsString()).isEqualTo("address");
        assertThat(rest.json().get("detail").getAsString()).contains(typo).contains("EIP-55 checksum");
        Clients.Response restToken = fay.get("/v1/chains/1/addresses/" + good + "/tokens/" + tokenTypo + "/history");
        assertThat(restToken.status()).isEqualTo(400);
        assertThat(restToken.json().get("parameter").getAsString()).isEqualTo("token");
        assertThat(restToken.json().get("detail").getAsString()).contains(tokenTypo).contains("EIP-55 checksum");
        assertThat(fay.get("/v1/chains/1/addresses/" + good + "/tokens/" + token + "/history").status()).isEqualTo(200);

        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + fay.token());
        var balances = io.chaintrack.proto.v1.BalanceServiceGrpc.newBlockingStub(clients.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        assertThat(balances.getBalances(io.chaintrack.proto.v1.GetBalancesRequest.newBuilder().setChainId(1).setAddress(good).build())
                .getAddress()).isEqualTo(good.toLowerCase());
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () -> balances.getBalances(
                io.chaintrack.proto.v1.GetBalancesRequest.newBuilder().setChainId(1).setAddress(typo).build()));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(grpc.getStatus().getDescription()).contains(typo).contains("EIP-55 checksum").isEqualTo(rest.json().get("detail").getAsString());

        Clients.Response refused = fay.post("/v1/wallets", "{\"chainId\": \"1\", \"address\": \"" + typo + "\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").getAsString()).contains(typo).contains("EIP-55 checksum");
        StatusRuntimeException grpcCreate = catchThrowableOfType(StatusRuntimeException.class, () -> fay.grpc().createWallet(
                CreateWalletRequest.newBuilder().setChainId(1).setAddress(typo).build()));
        assertThat(grpcCreate.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(grpcCreate.getStatus().getDescription()).contains(typo);
        // a checksummed address is stored as every address is: lowercase
        assertThat(fay.create(1, good, "checksummed").get("address").getAsString()).isEqualTo(good.toLowerCase());

        String csv = String.join("\n", "chain_id,address,label",
                "1," + token + ",right",
                "1," + tokenTypo + ",typo",
                "1," + token.toLowerCase() + ",lowercase duplicate");
        ImportWalletsResponse upload = fay.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(csv).build());
        assertThat(upload.getCreated()).isEqualTo(1);
        assertThat(upload.getErrorsList()).extracting(e -> e.getLine() + ":" + e.getColumn()).containsExactly("3:address", "4:address");
        assertThat(upload.getErrors(0).getMessage()).contains(tokenTypo).contains("EIP-55 checksum");
        assertThat(fay.get("/v1/wallets").json().getAsJsonArray("wallets")).hasSize(2);
    }

    @Test
    void csvUploadReportsBadLinesAddsTheRestAndCanBeRepeated() {
        User dan = signIn("dan-csv");
        String csv = String.join("\r\n",
                "chain_id,address,label,tags",
                "1," + SeedData.A + ",Main,defi;long term",
                "1,0xnothex,broken,",
                "",
                "999," + SeedData.B + ",unknown chain,",
                "1," + SeedData.B.toUpperCase().replace("0X", "0x") + ",\"Hot, with a comma\",trading",
                "1," + SeedData.A + ",duplicate,",
                "١," + SeedData.C + ",arabic digit,",
                "1," + SeedData.C + ",bad tag,ok;no!",
                "1," + SeedData.C + ",too,many,fields",
                "1,0xbad,\"multi",
                "line label\",",
                "10," + SeedData.C + ",\"say \"\"hi\"\"\",");
        Clients.Response first = dan.post("/v1/wallets/import", "{\"csv\": " + new com.google.gson.Gson().toJson(csv) + "}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        ImportWalletsResponse result = first.parse(ImportWalletsResponse.newBuilder()).build();
        assertThat(result.getCreated()).isEqualTo(3);
        assertThat(result.getUpdated()).isZero();
        assertThat(result.getErrorsList()).extracting(e -> e.getLine() + ":" + e.getColumn())
                .containsExactly("3:address", "5:chain_id", "7:address", "8:chain_id", "9:tags", "10:", "11:address");
        assertThat(result.getErrors(3).getMessage()).contains("not a chain id");
        assertThat(result.getErrors(2).getMessage()).contains("line 2");
        List<JsonElement> wallets = new ArrayList<>();
        dan.get("/v1/wallets").json().getAsJsonArray("wallets").forEach(wallets::add);
        assertThat(wallets).extracting(w -> w.getAsJsonObject().get("label").getAsString())
                .containsExactly("Main", "Hot, with a comma", "say \"hi\"");
        assertThat(wallets.get(0).getAsJsonObject().getAsJsonArray("tags").toString()).isEqualTo("[\"defi\",\"long term\"]");

        // the same upload again, as the file itself: nothing new, the valid rows rewritten to the same values
        Clients.Response again = clients.send("POST", "/v1/wallets/import", dan.headers("text/csv"), csv);
        ImportWalletsResponse second = again.parse(ImportWalletsResponse.newBuilder()).build();
        assertThat(second.getCreated()).isZero();
        assertThat(second.getUpdated()).isEqualTo(3);
        assertThat(second.getErrorsCount()).isEqualTo(7);
        assertThat(dan.get("/v1/wallets").json().getAsJsonArray("wallets")).hasSize(3);

        // a wrong header or an unclosed quote refuses the whole upload
        Clients.Response header = clients.send("POST", "/v1/wallets/import", dan.headers("text/csv"), "address,chain_id\n1,2\n");
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.json().get("detail").getAsString()).contains("header must be chain_id,address,label");
        Clients.Response quote = clients.send("POST", "/v1/wallets/import", dan.headers("text/csv"),
                "chain_id,address,label\n1," + SeedData.C + ",\"never closed\n");
        assertThat(quote.status()).isEqualTo(400);
        assertThat(quote.json().get("detail").getAsString()).contains("line 2");
        assertThat(dan.get("/v1/wallets").json().getAsJsonArray("wallets")).hasSize(3);
    }

    @Test
    void tenThousandRowsUploadAndPageBackExactly() {
        User eve = signIn("eve-bulk");
        StringBuilder csv = new StringBuilder("chain_id,address,label\n");
        for (int i = 1; i <= 10_000; i++) {
            csv.append("1,").append(address(i)).append(",w").append(i).append('\n');
        }
        ImportWalletsResponse result = eve.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(csv.toString()).build());
        assertThat(result.getCreated()).isEqualTo(10_000);
        assertThat(result.getErrorsCount()).isZero();
        Set<String> seen = new HashSet<>();
        List<String> labels = new ArrayList<>();
        String cursor = "";
        do {
            Clients.Response page = eve.get("/v1/wallets?limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            for (JsonElement w : page.json().getAsJsonArray("wallets")) {
                assertThat(seen.add(w.getAsJsonObject().get("address").getAsString())).isTrue();
                labels.add(w.getAsJsonObject().get("label").getAsString());
            }
            cursor = page.json().get("nextCursor").getAsString();
        } while (!cursor.isEmpty());
        assertThat(seen).hasSize(10_000);
        assertThat(labels.get(0)).isEqualTo("w1");
        assertThat(labels.get(9_999)).isEqualTo("w10000");
        // one row over the upload limit refuses the upload, adding nothing
        StringBuilder tooMany = new StringBuilder(csv).append("1,").append(address(10_001)).append(",w10001\n");
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> eve.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(tooMany.toString()).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("10001 rows is over the limit of 10000");
        assertThat(eve.grpc().listWallets(ListWalletsRequest.newBuilder().setLimit(1000).build()).getNextCursor()).isNotEmpty();
        assertThat(eve.get("/v1/wallets?cursor=bm9wZQ").status()).isEqualTo(400);
    }

    @Test
    void noUserReachesAnotherUsersWallets() {
        User owner = signIn("fay-owner");
        User other = signIn("gus-other");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(owner.create(1, address(100 + i), "mine " + i).get("walletId").getAsString());
        }
        String otherOwn = other.create(1, address(100), "same address, other user").get("walletId").getAsString();
        assertThat(ids).doesNotContain(otherOwn);
        // every wallet route with the owner's ids: answered exactly as an id that does not exist
        List<String> probes = new ArrayList<>(ids);
        probes.add("w_00000000000000000000");
        for (String id : probes) {
            for (String path : List.of("/v1/wallets/" + id, "/v1/wallets/" + id + "/balances", "/v1/wallets/" + id + "/transfers")) {
                Clients.Response r = other.get(path);
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.json().get("detail").getAsString()).isEqualTo("wallet_id: you have no wallet " + id);
            }
            assertThat(other.patch("/v1/wallets/" + id, "{\"label\": \"pwned\"}").status()).isEqualTo(404);
            assertThat(other.delete("/v1/wallets/" + id).status()).isEqualTo(404);
            List<Consumer<WalletServiceGrpc.WalletServiceBlockingStub>> calls = List.of(
                    s -> s.getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()),
                    s -> s.getWalletBalances(GetWalletBalancesRequest.newBuilder().setWalletId(id).build()),
                    s -> s.listWalletTransfers(ListWalletTransfersRequest.newBuilder().setWalletId(id).build()),
                    s -> s.updateWallet(UpdateWalletRequest.newBuilder().setWalletId(id).setLabel("pwned").build()),
                    s -> s.deleteWallet(DeleteWalletRequest.newBuilder().setWalletId(id).build()));
            for (Consumer<WalletServiceGrpc.WalletServiceBlockingStub> call : calls) {
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call.accept(other.grpc()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            }
        }
        // an upload naming the owner's addresses makes the other user's own wallets, never touches the owner's
        StringBuilder csv = new StringBuilder("chain_id,address,label\n");
        for (int i = 0; i < 5; i++) {
            csv.append("1,").append(address(100 + i)).append(",taken\n");
        }
        ImportWalletsResponse upload = other.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(csv.toString()).build());
        assertThat(upload.getCreated()).isEqualTo(4);
        assertThat(upload.getUpdated()).isEqualTo(1);
        JsonArray mine = owner.get("/v1/wallets").json().getAsJsonArray("wallets");
        assertThat(mine).extracting(w -> w.getAsJsonObject().get("walletId").getAsString()).containsExactlyElementsOf(ids);
        assertThat(mine).extracting(w -> w.getAsJsonObject().get("label").getAsString())
                .containsExactly("mine 0", "mine 1", "mine 2", "mine 3", "mine 4");
        assertThat(other.grpc().listWallets(ListWalletsRequest.getDefaultInstance()).getWalletsList())
                .extracting(WalletView::getWalletId).doesNotContainAnyElementsOf(ids).hasSize(5);
    }

    @Test
    void aKeyOfAUserSeesThatUsersWalletsAndAKeyOfNoUserNone() throws Exception {
        User hal = signIn("hal-keys");
        String id = hal.create(1, SeedData.B, "via token").get("walletId").getAsString();
        ApiKeyStore keys = new ApiKeyStore(fixture.postgres.dataSource());
        String userKey = keys.create("hal's script", "standard", new io.chaintrack.api.context.Caller.User(issuer, "hal-keys")).secret();
        String machineKey = keys.create("dashboard", "standard").secret();
        Clients.Response listed = clients.get("/v1/wallets", Map.of("x-api-key", userKey));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().getAsJsonArray("wallets")).extracting(w -> w.getAsJsonObject().get("walletId").getAsString()).containsExactly(id);
        Metadata headers = new Metadata();
        headers.put(API_KEY, userKey);
        WalletView created = WalletServiceGrpc.newBlockingStub(clients.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .createWallet(CreateWalletRequest.newBuilder().setChainId(1).setAddress(SeedData.C).setLabel("via key").build()).getWallet();
        assertThat(hal.get("/v1/wallets/" + created.getWalletId()).status()).isEqualTo(200);

        Clients.Response denied = clients.get("/v1/wallets", Map.of("x-api-key", machineKey));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().get("detail").getAsString()).contains("belongs to no user");
        // the machine key still reads addresses
        assertThat(clients.get("/v1/chains/1/addresses/" + SeedData.B + "/balances", Map.of("x-api-key", machineKey)).status()).isEqualTo(200);
    }

    @Test
    void oneClientCannotTakeEveryLiveStreamSlot() throws Exception {
        User ida = signIn("ida-streams");
        User jon = signIn("jon-streams");
        LiveStreams streams = fixture.api.context().getBean(LiveStreams.class);
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + ida.token());
        StreamAddressTransfersRequest request = StreamAddressTransfersRequest.newBuilder().setChainId(1).setAddress(SeedData.A).build();
        try (var one = new LiveReaders.Grpc<StreamAddressTransfersResponse>("ida 1", o -> TransferServiceGrpc.newStub(clients.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).streamAddressTransfers(request, o));
             var two = new LiveReaders.Grpc<StreamAddressTransfersResponse>("ida 2", o -> TransferServiceGrpc.newStub(clients.channel)
                     .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).streamAddressTransfers(request, o))) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (streams.running() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(streams.running()).isEqualTo(2);
            Clients.Response third = ida.get("/v1/chains/1/addresses/" + SeedData.A + "/transfers/stream");
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("10");
            assertThat(third.json().get("detail").getAsString()).contains("this client already holds 2 live streams");
            StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class, () -> TransferServiceGrpc.newBlockingStub(clients.channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).streamAddressTransfers(request).hasNext());
            assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            // another client still gets a slot
            Metadata jonHeaders = new Metadata();
            jonHeaders.put(AUTHORIZATION, "Bearer " + jon.token());
            try (var jons = new LiveReaders.Grpc<StreamAddressTransfersResponse>("jon", o -> TransferServiceGrpc.newStub(clients.channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(jonHeaders)).streamAddressTransfers(request, o))) {
                while (streams.running() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(streams.running()).isEqualTo(3);
                jons.assertAlive();
            }
        }
    }

    @Test
    void syncStreamSendsEachChangeAndEndsWhenSynced() throws Exception {
        User kim = signIn("kim-sync-stream");
        String id = kim.create(1, address(777), "watch").get("walletId").getAsString();
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            SeedData.execute(c, "UPDATE chains SET head_number = 60, head_seen_at = now() WHERE chain_id = 1");
            var updates = kim.grpc().withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS)
                    .streamWalletSync(io.chaintrack.proto.v1.StreamWalletSyncRequest.newBuilder().setWalletId(id).build());
            var first = updates.next();
            assertThat(first.getWalletId()).isEqualTo(id);
            assertThat(first.getSync().getState()).isEqualTo(WalletSyncState.WALLET_SYNC_STATE_SYNCING);
            assertThat(first.getSync().getHeadBlock()).isEqualTo(60);
            assertThat(first.getComplete()).isFalse();
            SeedData.execute(c, "UPDATE chains SET head_number = 45 WHERE chain_id = 1");
            var closer = updates.next();
            assertThat(closer.getSync().getBlocksBehind()).isEqualTo(5);
            assertThat(closer.getComplete()).isFalse();
            SeedData.execute(c, "UPDATE chains SET head_number = 40 WHERE chain_id = 1");
            var done = updates.next();
            assertThat(done.getSync().getState()).isEqualTo(WalletSyncState.WALLET_SYNC_STATE_SYNCED);
            assertThat(done.getComplete()).isTrue();
            // the notification is the last message: the stream ends
            assertThat(updates.hasNext()).isFalse();

            // already synced: one event that says so, then the SSE response ends
            java.net.http.HttpResponse<String> sse = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + fixture.api.httpPort() + "/v1/wallets/" + id + "/sync/stream"))
                    .header("Authorization", "Bearer " + kim.token()).timeout(java.time.Duration.ofSeconds(60)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(sse.statusCode()).isEqualTo(200);
            assertThat(sse.body()).containsPattern("event: ?walletSync").containsPattern("\"complete\": ?true").contains("WALLET_SYNC_STATE_SYNCED");
            // another user cannot follow it
            assertThat(signIn("lea-sync-stream").get("/v1/wallets/" + id + "/sync/stream").status()).isEqualTo(404);
        } finally {
            try (Connection c = fixture.postgres.dataSource().getConnection()) {
                SeedData.execute(c, "UPDATE chains SET head_number = NULL, head_seen_at = NULL WHERE chain_id = 1");
            }
        }
    }

    @Test
    void anExportUploadedAgainGivesTheSameWallets() {
        User mia = signIn("mia-export");
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("chainId", "1");
        body.addProperty("address", SeedData.A);
        body.addProperty("label", "Main, \"the\" one");
        JsonArray tags = new JsonArray();
        tags.add("long term");
        tags.add("defi");
        body.add("tags", tags);
        assertThat(mia.post("/v1/wallets", body.toString()).status()).isEqualTo(200);
        mia.create(SeedData.EMPTY_CHAIN, SeedData.B, "");
        String expected = "chain_id,address,label,tags\r\n"
                + "1," + SeedData.A + ",\"Main, \"\"the\"\" one\",defi;long term\r\n"
                + "10," + SeedData.B + ",,\r\n";
        Clients.Response file = clients.get("/v1/wallets/export", Map.of("Authorization", "Bearer " + mia.token(), "Accept", "text/csv"));
        assertThat(file.status()).as(file.body()).isEqualTo(200);
        assertThat(file.contentType()).startsWith("text/csv");
        assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"wallets.csv\"");
        assertThat(file.body()).isEqualTo(expected);
        Clients.Response json = mia.get("/v1/wallets/export");
        assertThat(json.json().get("csv").getAsString()).isEqualTo(expected);
        assertThat(json.json().get("wallets").getAsInt()).isEqualTo(2);

        User noa = signIn("noa-export");
        ImportWalletsResponse upload = noa.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(file.body()).build());
        assertThat(upload.getCreated()).isEqualTo(2);
        assertThat(upload.getErrorsList()).isEmpty();
        assertThat(noa.grpc().exportWallets(io.chaintrack.proto.v1.ExportWalletsRequest.getDefaultInstance()).getCsv()).isEqualTo(expected);
        ImportWalletsResponse again = mia.grpc().importWallets(ImportWalletsRequest.newBuilder().setCsv(file.body()).build());
        assertThat(again.getCreated()).isZero();
        assertThat(again.getUpdated()).isEqualTo(2);
        assertThat(mia.get("/v1/wallets/export").json().get("csv").getAsString()).isEqualTo(expected);
    }

    /**
     * The targeted history sync as the API shows it (rows the pipeline's sync worker would write, hand-made): unavailable
     * without a worker, queued, running with progress and ETA, resync over REST and gRPC superseding it, done with the
     * opening balance added to the pipeline's (hand-computed sums), failed with the reason ending the stream; the
     * completion webhook set, validated and cleared.
     */
    @Test
    void historySyncStatesResyncOpeningBalancesAndWebhook() throws Exception {
        User ida = signIn("ida-history");
        String id = ida.create(1, SeedData.A, "history").get("walletId").getAsString();
        String token = "0x" + "e".repeat(40);
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            JsonObject none = ida.get("/v1/wallets/" + id).json().getAsJsonObject("wallet").getAsJsonObject("sync").getAsJsonObject("history");
            assertThat(none.get("state").getAsString()).isEqualTo("WALLET_HISTORY_SYNC_STATE_UNAVAILABLE");
            assertThat(none.get("reason").getAsString()).contains("indexed from block 1");

            SeedData.execute(c, "INSERT INTO wallet_sync_workers (chain_id, explorer) VALUES (1, true)");
            WalletView queued = ida.grpc().getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()).getWallet();
            assertThat(queued.getSync().getHistory().getState()).isEqualTo(io.chaintrack.proto.v1.WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_QUEUED);
            assertThat(queued.getSync().getHistory().getGeneration()).isEqualTo(1);

            SeedData.execute(c, "INSERT INTO wallet_syncs (chain_id, address, generation, state, target_block, logs_through,"
                    + " native_through, records_done, started_at, updated_at) VALUES (1, '" + SeedData.A + "', 1, 'running', 99,"
                    + " 99, 49, 7, now() - interval '30 seconds', now())");
            var running = ida.grpc().getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()).getWallet().getSync().getHistory();
            assertThat(running.getState()).isEqualTo(io.chaintrack.proto.v1.WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_RUNNING);
            // three passes of 100 blocks: 100 + 50 + 0 done in 30 s, 150 left at 5 blocks/s
            assertThat(running.getBlocksTotal()).isEqualTo(300);
            assertThat(running.getBlocksDone()).isEqualTo(150);
            assertThat(running.getProgress()).isEqualTo(0.5);
            assertThat(running.getEtaSeconds()).isBetween(29L, 31L);
            assertThat(running.getRecordsDone()).isEqualTo(7);
            assertThat(running.getTargetBlock()).isEqualTo(99);

            Clients.Response resync = ida.post("/v1/wallets/" + id + "/sync", "");
            assertThat(resync.status()).as(resync.body()).isEqualTo(200);
            JsonObject again = resync.json().getAsJsonObject("wallet").getAsJsonObject("sync").getAsJsonObject("history");
            assertThat(again.get("state").getAsString()).isEqualTo("WALLET_HISTORY_SYNC_STATE_QUEUED");
            assertThat(again.get("generation").getAsString()).isEqualTo("2");
            var viaGrpc = ida.grpc().resyncWallet(io.chaintrack.proto.v1.ResyncWalletRequest.newBuilder().setWalletId(id).build());
            assertThat(viaGrpc.getWallet().getSync().getHistory().getGeneration()).isEqualTo(3);
            assertThat(signIn("jon-history").post("/v1/wallets/" + id + "/sync", "{}").status()).isEqualTo(404);

            // the worker took generation 3 up and finished: the opening balance joins the pipeline's
            SeedData.execute(c, "UPDATE wallet_syncs SET generation = 3, state = 'done', finished_at = now() WHERE address = '" + SeedData.A + "'");
            Map<String, String> atBefore = balancesAt(ida, SeedData.A, 40);
            assertThat(atBefore).doesNotContainKey(token);
            SeedData.execute(c, "INSERT INTO opening_balances (chain_id, address, token, token_id, standard, balance, block_number,"
                    + " block_time) VALUES (1, '" + SeedData.A + "', 'native', 0, 'NATIVE', 10, 0, now()),"
                    + " (1, '" + SeedData.A + "', '" + token + "', 0, 'ERC20', 77, 0, now())");
            JsonArray balances = ida.get("/v1/wallets/" + id + "/balances").json().getAsJsonArray("balances");
            assertThat(balances).anySatisfy(b -> {
                assertThat(b.getAsJsonObject().get("token").getAsString()).isEqualTo("native");
                assertThat(b.getAsJsonObject().get("balance").getAsString()).isEqualTo("123456789012345678901234567900");
            });
            assertThat(balances).anySatisfy(b -> {
                assertThat(b.getAsJsonObject().get("token").getAsString()).isEqualTo(token);
                assertThat(b.getAsJsonObject().get("balance").getAsString()).isEqualTo("77");
            });
            // balances at a block: the pipeline's there plus the opening one; a token held only from before S as it was
            Map<String, String> atAfter = balancesAt(ida, SeedData.A, 40);
            assertThat(new BigInteger(atAfter.get("native"))).isEqualTo(new BigInteger(atBefore.get("native")).add(BigInteger.TEN));
            assertThat(atAfter).containsEntry(token, "77").hasSize(atBefore.size() + 1);
            // the pipeline's hourly windows of A (seeded 100, 150, 120, 200, 180) each start from the opening balance
            Clients.Response history = ida.get("/v1/chains/1/addresses/" + SeedData.A + "/tokens/native/history?window_seconds=3600");
            assertThat(history.status()).as(history.body()).isEqualTo(200);
            assertThat(history.json().get("openingBalance").getAsString()).isEqualTo("10");
            List<String> windowBalances = new java.util.ArrayList<>();
            history.json().getAsJsonArray("windows").forEach(w -> windowBalances.add(w.getAsJsonObject().get("balance").getAsString()));
            assertThat(windowBalances).containsExactly("110", "160", "130", "210", "190");
            // the portfolio history and the wallet's history agree: every token's windows and opening add the synced
            // opening, and a token held only from before S is there at its opening balance
            for (String route : List.of("/v1/chains/1/addresses/" + SeedData.A + "/history?window_seconds=3600",
                    "/v1/wallets/" + id + "/history?window_seconds=3600")) {
                Clients.Response portfolio = ida.get(route);
                assertThat(portfolio.status()).as(portfolio.body()).isEqualTo(200);
                JsonObject body = portfolio.json().has("history") ? portfolio.json().getAsJsonObject("history") : portfolio.json();
                Map<String, JsonObject> byToken = new java.util.HashMap<>();
                body.getAsJsonArray("tokens").forEach(t -> byToken.put(t.getAsJsonObject().get("token").getAsString(), t.getAsJsonObject()));
                assertThat(byToken.get("native").get("openingBalance").getAsString()).as(route).isEqualTo("10");
                List<String> nativeWindows = new java.util.ArrayList<>();
                byToken.get("native").getAsJsonArray("windows").forEach(w -> nativeWindows.add(w.getAsJsonObject().get("balance").getAsString()));
                assertThat(nativeWindows).as(route).containsExactly("110", "160", "130", "210", "190");
                assertThat(byToken.get(token).get("openingBalance").getAsString()).as(route).isEqualTo("77");
            }
            var done = ida.grpc().getWallet(GetWalletRequest.newBuilder().setWalletId(id).build()).getWallet().getSync().getHistory();
            assertThat(done.getState()).isEqualTo(io.chaintrack.proto.v1.WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_DONE);
            assertThat(done.getProgress()).isEqualTo(1.0);

            // failed: the stream says why and ends at once
            SeedData.execute(c, "UPDATE wallet_syncs SET state = 'failed', reason = 'explorer etherscan txlist: Invalid API Key'"
                    + " WHERE address = '" + SeedData.A + "'");
            var updates = ida.grpc().withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS)
                    .streamWalletSync(io.chaintrack.proto.v1.StreamWalletSyncRequest.newBuilder().setWalletId(id).build());
            var last = updates.next();
            assertThat(last.getComplete()).isTrue();
            assertThat(last.getSync().getHistory().getReason()).isEqualTo("explorer etherscan txlist: Invalid API Key");
            assertThat(updates.hasNext()).isFalse();

            // the completion webhook: set (secret never shown), validated, cleared
            Clients.Response set = ida.patch("/v1/wallets/" + id, "{\"webhookUrl\": \"https://hooks.example.org/sync\","
                    + " \"webhookSecret\": \"0123456789abcdef-secret\"}");
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().getAsJsonObject("wallet").get("webhookUrl").getAsString()).isEqualTo("https://hooks.example.org/sync");
            assertThat(set.body()).doesNotContain("0123456789abcdef-secret");
            Clients.Response badUrl = ida.patch("/v1/wallets/" + id, "{\"webhookUrl\": \"ftp://x\", \"webhookSecret\": \"0123456789abcdef\"}");
            assertThat(badUrl.status()).isEqualTo(400);
            assertThat(badUrl.body()).contains("webhook_url");
            Clients.Response shortSecret = ida.patch("/v1/wallets/" + id, "{\"webhookUrl\": \"https://h.example/x\", \"webhookSecret\": \"short\"}");
            assertThat(shortSecret.status()).isEqualTo(400);
            assertThat(shortSecret.body()).contains("webhook_secret");
            Clients.Response cleared = ida.patch("/v1/wallets/" + id, "{\"updateFields\": [\"webhook\"]}");
            assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
            assertThat(cleared.json().getAsJsonObject("wallet").get("webhookUrl").getAsString()).isEmpty();
        } finally {
            try (Connection c = fixture.postgres.dataSource().getConnection()) {
                SeedData.execute(c, "DELETE FROM opening_balances");
                SeedData.execute(c, "DELETE FROM wallet_syncs");
                SeedData.execute(c, "DELETE FROM wallet_sync_workers");
            }
        }
    }

    /** GetBalancesAt of {@code address} at {@code block} over REST: token to balance. */
    static Map<String, String> balancesAt(User user, String address, long block) {
        Clients.Response at = user.get("/v1/chains/1/addresses/" + address + "/balances/at?block_number=" + block);
        assertThat(at.status()).as(at.body()).isEqualTo(200);
        Map<String, String> out = new java.util.HashMap<>();
        at.json().getAsJsonArray("balances").forEach(b -> out.merge(b.getAsJsonObject().get("token").getAsString(),
                b.getAsJsonObject().get("balance").getAsString(), (x, y) -> x + "," + y));
        return out;
    }
}
