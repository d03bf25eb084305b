package io.chaintrack.stack;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.embedded.EmbeddedKafkaBroker;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.ingest.IngestJob;
import io.chaintrack.jobs.prices.PriceJob;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.generated.Int256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthLog;

/**
 * Uniswap V2 and V3 (the npm packages' own factory and pool bytecode) and a Chainlink-style aggregator on a real Hardhat node,
 * driven through liquidity, swaps, a burn and answer updates with blocks placed in chosen minutes, and two reorgs;
 * followed by the ingest and the price job into PostgreSQL. The oracle is the node: for every minute of the canonical
 * chain that has a Sync (V3 Swap, AnswerUpdated), the stored rows equal getReserves() (slot0() and liquidity(),
 * latestAnswer()) read at the minute's
 * last block, and no other rows exist (a reverted block's minute is recomputed or withdrawn).
 */
class PriceHardhatTest {
    private static final long CHAIN = 31337;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MathContext MC = new MathContext(34, RoundingMode.HALF_EVEN);
    private static final BigInteger E18 = BigInteger.TEN.pow(18);
    private static final String SYNC = "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1";
    private static final String V3_SWAP = "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67";
    private static final BigInteger Q96 = BigInteger.ONE.shiftLeft(96);
    private static final BigInteger MIN_SQRT_PLUS_1 = new BigInteger("4295128740");
    private static final BigInteger MAX_SQRT_MINUS_1 = new BigInteger("1461446703485210103287273752322564110160401220341");
    private static final String ANSWER_UPDATED = "0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f";

    private HardhatChain chain;
    private String me;
    private long clock;
    private String v3Pool;
    private String v3Caller;

    @Test
    void storedPricesEqualTheNodesReservesAndAnswersAtEveryMinuteThroughReorgs() throws Exception {
        try (HardhatNode node = HardhatNode.start();
             HardhatChain c = new HardhatChain(node.url());
             EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            chain = c;
            kafka.createTopics(TopicCatalog.all());
            me = chain.accounts().get(0);

            String tokenX = chain.deploy("TestToken20", me);
            String tokenY = chain.deploy("TestToken20", me);
            String factory = chain.deploy(uniswap("UniswapV2Factory"), me, FunctionEncoder.encodeConstructor(List.of(addr(me))));
            String aggregator = chain.deploy(compiled("EmittingAggregator"), me,
                    FunctionEncoder.encodeConstructor(List.of(new Uint8(8), new Int256(BigInteger.valueOf(2000_00000000L)))));
            send(tokenX, call("mint", addr(me), u(E18.multiply(BigInteger.valueOf(1_000_000)))));
            send(tokenY, call("mint", addr(me), u(E18.multiply(BigInteger.valueOf(1_000_000)))));
            send(factory, call("createPair", addr(tokenX), addr(tokenY)));
            String pair = HardhatChain.address(chain.ethCall(factory, call("getPair", addr(tokenX), addr(tokenY)), chain.blockNumber()));
            boolean xIsToken0 = tokenX.compareTo(tokenY) < 0;
            // Uniswap V3 from @uniswap/v3-core's artifacts: pool X/Y at fee 0.3%, price 1, liquidity in ticks -600..600
            String v3Factory = chain.deploy(uniswapV3("UniswapV3Factory"), me, "");
            send(v3Factory, call("createPool", addr(tokenX), addr(tokenY), new org.web3j.abi.datatypes.generated.Uint24(3000)));
            v3Pool = HardhatChain.address(chain.ethCall(v3Factory, call("getPool", addr(tokenX), addr(tokenY),
                    new org.web3j.abi.datatypes.generated.Uint24(3000)), chain.blockNumber()));
            send(v3Pool, call("initialize", new org.web3j.abi.datatypes.generated.Uint160(Q96)));
            v3Caller = chain.deploy("V3Caller", me);
            send(tokenX, call("transfer", addr(v3Caller), u(E18.multiply(BigInteger.valueOf(100_000)))));
            send(tokenY, call("transfer", addr(v3Caller), u(E18.multiply(BigInteger.valueOf(100_000)))));
            send(v3Caller, call("mint", addr(v3Pool), new org.web3j.abi.datatypes.generated.Int24(-600),
                    new org.web3j.abi.datatypes.generated.Int24(600), new org.web3j.abi.datatypes.generated.Uint128(E18.multiply(BigInteger.valueOf(1000)))));
            clock = chain.block(chain.blockNumber()).getTimestamp().longValueExact();

            PriceSourcesConfig prices = PriceSourcesConfig.parse(List.of(), List.of("v2:" + factory, "v3:" + v3Factory),
                    List.of("native=" + aggregator + ":8"), List.of());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            JobEnvironment.configure(env, Duration.ofMillis(400), null);
            PostgresSinkOptions tables = PostgresSinkOptions.of(postgres.jdbcUrl(), postgres.user(), postgres.password());
            IngestJob.buildEvm(env, EvmChainConfig.builder(CHAIN, "hardhat").preset(ChainPresets.HARDHAT)
                    .endpoint(node.url()).startBlock(0).pollInterval(Duration.ofMillis(150)).reorgDepth(12)
                    .prices(prices).build(), kafka.bootstrapServers(), tables);
            PriceJob.addToEnvironment(env, new KafkaInput(kafka.bootstrapServers(), "price-hardhat", false),
                    tables.withBatching(100, Duration.ofMillis(50)), prices, 12);
            JobClient job = env.executeAsync("price-hardhat");
            try {
                // liquidity, two swaps in one minute, a price update in the same minute as a swap, a burn
                addLiquidity(pair, tokenX, tokenY, E18.multiply(BigInteger.valueOf(1000)), E18.multiply(BigInteger.valueOf(3000)), true);
                swap(pair, tokenX, xIsToken0, E18.multiply(BigInteger.valueOf(10)), true);
                swap(pair, tokenY, !xIsToken0, E18.multiply(BigInteger.valueOf(500)), false);
                send(aggregator, call("setAnswer", new Int256(BigInteger.valueOf(2012_34567890L))), false);
                send(aggregator, call("setAnswer", new Int256(BigInteger.valueOf(1999_00000001L))), true);
                swap(pair, tokenX, xIsToken0, E18.multiply(BigInteger.valueOf(7)), false);
                v3Swap(true, E18.multiply(BigInteger.valueOf(5)), false);
                burn(pair, E18.multiply(BigInteger.valueOf(100)), true);
                v3Swap(false, E18.multiply(BigInteger.valueOf(8)), true);
                v3Swap(true, E18.multiply(BigInteger.valueOf(1)), false);
                awaitPrices(postgres, pair, aggregator);

                // reorg 1: three blocks replaced by two others in other minutes (one minute loses its only Sync)
                String snapshot = chain.snapshot();
                long forkClock = clock;
                swap(pair, tokenY, !xIsToken0, E18.multiply(BigInteger.valueOf(40)), true);
                send(aggregator, call("setAnswer", new Int256(BigInteger.valueOf(2500_00000000L))), true);
                swap(pair, tokenX, xIsToken0, E18.multiply(BigInteger.valueOf(3)), true);
                v3Swap(false, E18.multiply(BigInteger.valueOf(20)), true);
                awaitPrices(postgres, pair, aggregator);
                Map<String, String> beforeReorg = stored(postgres);
                chain.revert(snapshot);
                clock = forkClock + 120;
                swap(pair, tokenX, xIsToken0, E18.multiply(BigInteger.valueOf(25)), true);
                v3Swap(true, E18.multiply(BigInteger.valueOf(13)), false);
                addLiquidity(pair, tokenX, tokenY, E18.multiply(BigInteger.valueOf(10)), E18.multiply(BigInteger.valueOf(31)), false);
                send(aggregator, call("setAnswer", new Int256(BigInteger.valueOf(1987_65432100L))), true);
                awaitPrices(postgres, pair, aggregator);
                TreeSet<String> withdrawn = new TreeSet<>(beforeReorg.keySet());
                withdrawn.removeAll(stored(postgres).keySet());
                assertThat(withdrawn).as("minutes only the reverted blocks had lost their rows").isNotEmpty();
                Map<String, String> changed = new TreeMap<>(beforeReorg);
                changed.entrySet().removeIf(e -> e.getValue().equals(stored0(postgres).get(e.getKey())));
                assertThat(changed.size()).as("rows withdrawn or recomputed by the reorg").isGreaterThan(withdrawn.size());

                // reorg 2: the fork keeps the minute of the block it replaces (the minute's row moves to another block)
                String snapshot2 = chain.snapshot();
                long fork2 = clock;
                swap(pair, tokenY, !xIsToken0, E18.multiply(BigInteger.valueOf(11)), false);
                swap(pair, tokenY, !xIsToken0, E18.multiply(BigInteger.valueOf(12)), true);
                awaitPrices(postgres, pair, aggregator);
                chain.revert(snapshot2);
                clock = fork2;
                swap(pair, tokenX, xIsToken0, E18.multiply(BigInteger.valueOf(2)), true);
                v3Swap(false, E18.multiply(BigInteger.valueOf(2)), false);
                chain.mineEmpty(1);
                awaitPrices(postgres, pair, aggregator);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            Map<String, String> expected = expectedRows(pair, aggregator);
            assertThat(stored(postgres)).isEqualTo(expected);
            long minutesWithSync = expected.keySet().stream().filter(k -> k.contains("uniswap-v2")).count() / 2;
            long minutesWithSwap = expected.keySet().stream().filter(k -> k.contains("uniswap-v3")).count() / 2;
            System.out.printf("prices on Hardhat: %d V2 and %d V3 pool minutes x 2 directions and %d feed minutes equal the node's%n",
                    minutesWithSync, minutesWithSwap, expected.size() - 2 * (minutesWithSync + minutesWithSwap));
            assertThat(minutesWithSync).isGreaterThanOrEqualTo(6);
            assertThat(minutesWithSwap).isGreaterThanOrEqualTo(3);
        }
    }

    // ---------------------------------------------------------------- the oracle

    /**
     * What token_prices must hold, from the node alone: per minute with a Sync of the pair (AnswerUpdated of the
     * aggregator) on the canonical chain, the state read at that minute's last block. Key "token|source|minute".
     */
    private Map<String, String> expectedRows(String pair, String aggregator) throws IOException {
        long head = chain.blockNumber();
        Map<Long, Long> blockMinute = new TreeMap<>();
        Map<Long, Long> lastBlockOfMinute = new TreeMap<>();
        for (long n = 0; n <= head; n++) {
            long minute = chain.block(n).getTimestamp().longValueExact() / 60 * 60;
            blockMinute.put(n, minute);
            lastBlockOfMinute.merge(minute, n, Math::max);
        }
        Map<String, String> out = new TreeMap<>();
        String token0 = HardhatChain.address(chain.ethCall(pair, call("token0"), head));
        String token1 = HardhatChain.address(chain.ethCall(pair, call("token1"), head));
        for (long minute : minutesWithLogs(pair, SYNC, blockMinute)) {
            long at = lastBlockOfMinute.get(minute);
            byte[] r = chain.ethCall(pair, "0x0902f1ac", at); // getReserves()
            BigInteger r0 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 0, 32));
            BigInteger r1 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 32, 64));
            out.put(token0 + "|uniswap-v2:" + pair + "|" + minute, row(token1, "base", ratio(r1, r0), r1.shiftLeft(1).toString()));
            out.put(token1 + "|uniswap-v2:" + pair + "|" + minute, row(token0, "base", ratio(r0, r1), r0.shiftLeft(1).toString()));
        }
        String v3Token0 = HardhatChain.address(chain.ethCall(v3Pool, call("token0"), head));
        String v3Token1 = HardhatChain.address(chain.ethCall(v3Pool, call("token1"), head));
        for (long minute : minutesWithLogs(v3Pool, V3_SWAP, blockMinute)) {
            long at = lastBlockOfMinute.get(minute);
            BigInteger sqrt = new BigInteger(1, java.util.Arrays.copyOfRange(chain.ethCall(v3Pool, "0x3850c7bd", at), 0, 32)); // slot0()
            BigInteger liq = new BigInteger(1, chain.ethCall(v3Pool, "0x1a686502", at)); // liquidity()
            out.put(v3Token0 + "|uniswap-v3:" + v3Pool + "|" + minute, row(v3Token1, "base",
                    ratio(sqrt.pow(2), Q96.pow(2)), ratio(liq.multiply(sqrt).shiftLeft(1), Q96)));
            out.put(v3Token1 + "|uniswap-v3:" + v3Pool + "|" + minute, row(v3Token0, "base",
                    ratio(Q96.pow(2), sqrt.pow(2)), ratio(liq.multiply(Q96).shiftLeft(1), sqrt)));
        }
        for (long minute : minutesWithLogs(aggregator, ANSWER_UPDATED, blockMinute)) {
            BigInteger answer = new BigInteger(chain.ethCall(aggregator, "0x50d25bcd", lastBlockOfMinute.get(minute))); // latestAnswer()
            out.put("native|chainlink:" + aggregator + "|" + minute,
                    row("USD", "whole", ratio(answer, BigInteger.TEN.pow(8)), null));
        }
        return out;
    }

    private TreeSet<Long> minutesWithLogs(String address, String topic, Map<Long, Long> blockMinute) throws IOException {
        var filter = new org.web3j.protocol.core.methods.request.EthFilter(DefaultBlockParameter.valueOf(BigInteger.ZERO),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(chain.blockNumber())), address).addSingleTopic(topic);
        TreeSet<Long> minutes = new TreeSet<>();
        for (EthLog.LogResult<?> l : chain.web3j().ethGetLogs(filter).send().getLogs()) {
            minutes.add(blockMinute.get(((EthLog.LogObject) l).getBlockNumber().longValueExact()));
        }
        return minutes;
    }

    private static String ratio(BigInteger numerator, BigInteger denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), MC).stripTrailingZeros().toPlainString();
    }

    private static String row(String quote, String unit, String price, String liquidity) {
        return quote + " " + unit + " " + price + " " + (liquidity == null ? "-" : liquidity);
    }

    private static Map<String, String> stored(EmbeddedPostgresServer postgres) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT token, source, extract(epoch FROM minute)::bigint, quote, unit, price,"
                     + " liquidity FROM token_prices WHERE chain_id = " + CHAIN)) {
            while (rs.next()) {
                BigDecimal liq = rs.getBigDecimal(7);
                out.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3),
                        row(rs.getString(4), rs.getString(5), rs.getBigDecimal(6).stripTrailingZeros().toPlainString(),
                                liq == null ? null : liq.stripTrailingZeros().toPlainString()));
            }
        }
        return out;
    }

    private static Map<String, String> stored0(EmbeddedPostgresServer postgres) {
        try {
            return stored(postgres);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitPrices(EmbeddedPostgresServer postgres, String pair, String aggregator) throws Exception {
        Map<String, String>[] expected = new Map[1];
        Await.until(() -> {
            expected[0] = expectedRows(pair, aggregator);
            return stored(postgres).equals(expected[0]);
        }, 120_000, () -> {
            try {
                return "stored " + stored(postgres) + "\nexpected " + expected[0];
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    // ---------------------------------------------------------------- driving the chain

    private void addLiquidity(String pair, String x, String y, BigInteger amountX, BigInteger amountY, boolean newMinute)
            throws IOException {
        chain.automine(false);
        send(x, call("transfer", addr(pair), u(amountX)), false);
        send(y, call("transfer", addr(pair), u(amountY)), false);
        send(pair, call("mint", addr(me)), false);
        mine(newMinute);
    }

    /** Sells {@code amountIn} of {@code tokenIn} for the other token at the pair's constant product (0.3% fee). */
    private void swap(String pair, String tokenIn, boolean inIsToken0, BigInteger amountIn, boolean newMinute) throws IOException {
        byte[] r = chain.ethCall(pair, "0x0902f1ac", chain.blockNumber());
        BigInteger r0 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 0, 32));
        BigInteger r1 = new BigInteger(1, java.util.Arrays.copyOfRange(r, 32, 64));
        BigInteger reserveIn = inIsToken0 ? r0 : r1;
        BigInteger reserveOut = inIsToken0 ? r1 : r0;
        BigInteger withFee = amountIn.multiply(BigInteger.valueOf(997));
        BigInteger out = withFee.multiply(reserveOut).divide(reserveIn.multiply(BigInteger.valueOf(1000)).add(withFee));
        chain.automine(false);
        send(tokenIn, call("transfer", addr(pair), u(amountIn)), false);
        send(pair, call("swap", u(inIsToken0 ? BigInteger.ZERO : out), u(inIsToken0 ? out : BigInteger.ZERO), addr(me),
                HardhatChain.noBytes()), false);
        mine(newMinute);
    }

    /** Sells {@code amountIn} of token0 ({@code zeroForOne}) or token1 into the V3 pool through V3Caller. */
    private void v3Swap(boolean zeroForOne, BigInteger amountIn, boolean newMinute) throws IOException {
        send(v3Caller, call("swap", addr(v3Pool), new org.web3j.abi.datatypes.Bool(zeroForOne), new Int256(amountIn),
                new org.web3j.abi.datatypes.generated.Uint160(zeroForOne ? MIN_SQRT_PLUS_1 : MAX_SQRT_MINUS_1)), newMinute);
    }

    private void burn(String pair, BigInteger liquidity, boolean newMinute) throws IOException {
        chain.automine(false);
        send(pair, call("transfer", addr(pair), u(liquidity)), false);
        send(pair, call("burn", addr(me)), false);
        mine(newMinute);
    }

    /** Mines the pending transactions in one block, in the next minute or 10 s after the previous block. */
    private void mine(boolean newMinute) throws IOException {
        clock = newMinute ? (clock / 60 + 1) * 60 + 7 : clock + 10;
        chain.raw("evm_setNextBlockTimestamp", clock);
        chain.mine();
        chain.automine(true);
    }

    private void send(String to, String data, boolean newMinute) throws IOException {
        chain.automine(false);
        send(to, data);
        mine(newMinute);
    }

    private void send(String to, String data) throws IOException {
        Transaction tx = new Transaction(me, null, null, BigInteger.valueOf(10_000_000), to, BigInteger.ZERO, data);
        var r = chain.web3j().ethSendTransaction(tx).send();
        if (r.hasError()) {
            throw new IOException("eth_sendTransaction to " + to + " failed: " + r.getError().getMessage());
        }
    }




    private static JsonNode uniswap(String name) throws IOException {
        Path root = HardhatNode.hardhatBootstrap().getParent().getParent().getParent().getParent();
        return JSON.readTree(root.resolve("@uniswap/v2-core/build/" + name + ".json").toFile());
    }

    private static JsonNode uniswapV3(String name) throws IOException {
        Path root = HardhatNode.hardhatBootstrap().getParent().getParent().getParent().getParent();
        return JSON.readTree(root.resolve("@uniswap/v3-core/artifacts/contracts/" + name + ".sol/" + name + ".json").toFile());
    }

    private static JsonNode compiled(String name) throws IOException {
        return JSON.readTree(HardhatNode.fixtureDir().resolve("compiled/" + name + ".json").toFile());
    }
}
