package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetTokenPriceResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.generated.Int256;
import org.web3j.abi.datatypes.generated.Uint8;
import picocli.CommandLine;

/**
 * On-chain prices through the one-command stack, started with its --price-* options: a Uniswap V2 pair TOK/WETH (the
 * npm package's factory), a Chainlink-style ETH/USD aggregator and WETH declared the same asset as native, plus an HTTP
 * provider stub for a third token. Ingest → Kafka → price job → PostgreSQL → API: the API's USD price of TOK equals
 * getReserves()' ratio × latestAnswer() / 10^decimals() read from the node (rounded to 34 digits at each of the two
 * steps, as documented), the HTTP token's price is the stub's, and currency=usd on the holder's balances is
 * balanceOf() × that price.
 */
class StackPriceTest {
    private static final long CHAIN = 31337;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MathContext MC = new MathContext(34, RoundingMode.HALF_EVEN);
    private static final BigInteger E18 = BigInteger.TEN.pow(18);
    private static final String HTTP_TOKEN = "0x" + "d1".repeat(20);

    @TempDir
    Path dir;

    private HardhatChain chain;
    private String me;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theApisPriceOfAPoolTokenIsTheReservesRatioTimesTheFeedsAnswer() throws Exception {
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/api/v3/simple/token_price/ethereum", exchange -> {
            byte[] body = ("{\"" + HTTP_TOKEN + "\":{\"usd\":42.125,\"last_updated_at\":" + System.currentTimeMillis() / 1000
                    + "}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try (HardhatNode node = HardhatNode.start(); HardhatChain c = new HardhatChain(node.url())) {
            chain = c;
            me = chain.accounts().get(0);
            String holder = chain.accounts().get(1);
            String weth = chain.deploy("TestToken20", me);
            String tok = chain.deploy("TestToken20", me);
            String factory = chain.deploy(uniswap("UniswapV2Factory"), me, FunctionEncoder.encodeConstructor(List.of(addr(me))));
            String aggregator = chain.deploy(compiled("EmittingAggregator"), me,
                    FunctionEncoder.encodeConstructor(List.of(new Uint8(8), new Int256(BigInteger.valueOf(2000_00000000L)))));
            send(weth, call("mint", addr(me), u(E18.multiply(BigInteger.valueOf(1000)))));
            send(tok, call("mint", addr(me), u(E18.multiply(BigInteger.valueOf(1_000_000)))));
            send(factory, call("createPair", addr(tok), addr(weth)));
            String pair = HardhatChain.address(chain.ethCall(factory, call("getPair", addr(tok), addr(weth)), chain.blockNumber()));
            // liquidity 5000 TOK : 2 WETH, then a swap of 37 TOK so the ratio is no round number
            send(tok, call("transfer", addr(pair), u(E18.multiply(BigInteger.valueOf(5000)))));
            send(weth, call("transfer", addr(pair), u(E18.multiply(BigInteger.valueOf(2)))));
            send(pair, call("mint", addr(me)));
            swapTokIn(pair, tok, tok.compareTo(weth) < 0, E18.multiply(BigInteger.valueOf(37)));
            send(aggregator, call("setAnswer", new Int256(BigInteger.valueOf(2012_34567890L))));
            send(tok, call("transfer", addr(holder), u(new BigInteger("1234500000000000000001"))));

            CommandLine cli = ChaintrackCli.commandLine();
            ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--state-dir", dir.toString(), "--http-port", "0",
                    "--grpc-port", "0", "--postgres-port", "0", "--rpc-url", node.url(), "--chain-id", Long.toString(CHAIN),
                    "--chain-preset", "hardhat", "--price-pool", "v2:" + pair + ":" + tok + ":" + weth,
                    "--price-feed", "native=" + aggregator + ":8", "--price-reference-asset", weth + "=native",
                    "--price-http-base-url", "http://127.0.0.1:" + stub.getAddress().getPort() + "/api/v3",
                    "--price-http-name", "stub", "--price-http-chain-id", Long.toString(CHAIN),
                    "--price-http-token", HTTP_TOKEN, "--price-http-poll-interval", "500ms");
            StackCommand command = cli.getSubcommands().get("stack").getCommand();
            StateDirectory state = StateDirectory.open(dir);
            StackCommand.Stack stack = command.new Stack();
            try {
                stack.start(state);
                int port = stack.api.httpPort();

                // the oracle, from the node alone
                long head = chain.blockNumber();
                byte[] reserves = chain.ethCall(pair, "0x0902f1ac", head); // getReserves()
                BigInteger r0 = new BigInteger(1, java.util.Arrays.copyOfRange(reserves, 0, 32));
                BigInteger r1 = new BigInteger(1, java.util.Arrays.copyOfRange(reserves, 32, 64));
                boolean tokIs0 = HardhatChain.address(chain.ethCall(pair, call("token0"), head)).equals(tok);
                BigInteger answer = new BigInteger(chain.ethCall(aggregator, "0x50d25bcd", head)); // latestAnswer()
                int feedDecimals = new BigInteger(chain.ethCall(aggregator, "0x313ce567", head)).intValueExact(); // decimals()
                int tokDecimals = new BigInteger(chain.ethCall(tok, "0x313ce567", head)).intValueExact();
                int wethDecimals = new BigInteger(chain.ethCall(weth, "0x313ce567", head)).intValueExact();
                // WETH per TOK in whole tokens: (reserveWeth / 10^wethDecimals) / (reserveTok / 10^tokDecimals)
                BigDecimal wethPerTok = new BigDecimal(tokIs0 ? r1 : r0).divide(new BigDecimal(tokIs0 ? r0 : r1), MC)
                        .scaleByPowerOfTen(tokDecimals - wethDecimals);
                BigDecimal usdPerWeth = new BigDecimal(answer).scaleByPowerOfTen(-feedDecimals);
                String expected = wethPerTok.multiply(usdPerWeth, MC).stripTrailingZeros().toPlainString();
                assertThat(usdPerWeth.toPlainString()).isEqualTo("2012.34567890");

                GetTokenPriceResponse[] last = {null};
                String[] refused = {""};
                Await.until(() -> {
                    try {
                        last[0] = price(port, tok);
                    } catch (AssertionError e) {
                        // 400 unknown chain until the balance job has written the chain's row: the price job can be first
                        refused[0] = e.getMessage();
                        return false;
                    }
                    return last[0].getBest().equals(expected);
                }, 180_000, () -> "expected " + expected + ", API answered " + last[0] + " " + refused[0]);
                GetTokenPriceResponse p = last[0];
                assertThat(p.getStale()).isFalse();
                assertThat(p.getSourcesList()).anySatisfy(s -> {
                    assertThat(s.getSource()).isEqualTo("uniswap-v2:" + pair);
                    assertThat(s.getToken()).isEqualTo(tok);
                    assertThat(s.getVia()).isEqualTo(weth);
                    assertThat(s.getQuotePrice()).isEqualTo(wethPerTok.stripTrailingZeros().toPlainString());
                });
                // WETH is native: priced by the feed
                assertThat(price(port, weth).getBest()).isEqualTo(usdPerWeth.stripTrailingZeros().toPlainString());

                // the HTTP provider configured by --price-http-*: its value, its status in health
                Await.until(() -> price(port, HTTP_TOKEN).getBest().equals("42.125"), 60_000,
                        () -> "HTTP token " + safePrice(port, HTTP_TOKEN));
                assertThat(get(port, "/v1/health")).contains("http:stub");

                // currency=usd on the holder's balances: balanceOf × the price
                BigInteger balance = new BigInteger(1, chain.ethCall(tok, call("balanceOf", addr(holder)), head));
                String value = new BigDecimal(balance).scaleByPowerOfTen(-tokDecimals).multiply(new BigDecimal(expected), MC)
                        .stripTrailingZeros().toPlainString();
                BalanceView[] seen = {null};
                Await.until(() -> {
                    GetBalancesResponse.Builder b = GetBalancesResponse.newBuilder();
                    JsonFormat.parser().ignoringUnknownFields().merge(get(port, "/v1/chains/" + CHAIN + "/addresses/" + holder
                            + "/balances?currency=usd"), b);
                    seen[0] = b.getBalancesList().stream().filter(v -> v.getToken().equals(tok)).findFirst().orElse(null);
                    return seen[0] != null && seen[0].getValue().getPriced();
                }, 60_000, () -> "holder's TOK balance " + seen[0]);
                assertThat(seen[0].getBalance()).isEqualTo(balance.toString());
                assertThat(seen[0].getValue().getPrice()).isEqualTo(expected);
                assertThat(seen[0].getValue().getValue()).isEqualTo(value);
                System.out.printf("stack prices: TOK = %s WETH x %s USD = %s USD; holder's %s TOK = %s USD%n",
                        wethPerTok.stripTrailingZeros().toPlainString(), usdPerWeth.toPlainString(), expected, balance, value);
            } finally {
                stack.stop(state);
            }
        } finally {
            stub.stop(0);
        }
    }

    private String safePrice(int port, String token) {
        try {
            return price(port, token).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private GetTokenPriceResponse price(int port, String token) throws Exception {
        GetTokenPriceResponse.Builder b = GetTokenPriceResponse.newBuilder();
        JsonFormat.parser().merge(get(port, "/v1/chains/" + CHAIN + "/tokens/" + token + "/price"), b);
        return b.build();
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " → " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Sells {@code amountIn} TOK into the pair at its constant product with the 0.3 % fee. */
    private void swapTokIn(String pair, String tok, boolean tokIs0, BigInteger amountIn) throws Exception {
        byte[] r = chain.ethCall(pair, "0x0902f1ac", chain.blockNumber());
        BigInteger r0 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 0, 32));
        BigInteger r1 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 32, 64));
        BigInteger reserveIn = tokIs0 ? r0 : r1;
        BigInteger reserveOut = tokIs0 ? r1 : r0;
        BigInteger withFee = amountIn.multiply(BigInteger.valueOf(997));
        BigInteger out = withFee.multiply(reserveOut).divide(reserveIn.multiply(BigInteger.valueOf(1000)).add(withFee));
        send(tok, call("transfer", addr(pair), u(amountIn)));
        send(pair, call("swap", u(tokIs0 ? BigInteger.ZERO : out), u(tokIs0 ? out : BigInteger.ZERO), addr(me),
                HardhatChain.noBytes()));
    }

    private void send(String to, String data) throws Exception {
        Transaction tx = new Transaction(me, null, null, BigInteger.valueOf(10_000_000), to, BigInteger.ZERO, data);
        var r = chain.web3j().ethSendTransaction(tx).send();
        if (r.hasError()) {
            throw new java.io.IOException("eth_sendTransaction to " + to + " failed: " + r.getError().getMessage());
        }
        chain.receipt(r.getTransactionHash());
    }



    private static JsonNode uniswap(String name) throws Exception {
        Path root = HardhatNode.hardhatBootstrap().getParent().getParent().getParent().getParent();
        return JSON.readTree(root.resolve("@uniswap/v2-core/build/" + name + ".json").toFile());
    }

    private static JsonNode compiled(String name) throws Exception {
        return JSON.readTree(HardhatNode.fixtureDir().resolve("compiled/" + name + ".json").toFile());
    }
}
