package io.chaintrack.connectors.price;

import io.chaintrack.core.model.Addresses;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The price-bearing logs, decoded once at the edge from their ABI layout: Uniswap V2 {@code Sync}, Uniswap V3
 * {@code Swap}, Chainlink-style {@code AnswerUpdated}, and the factories' {@code PairCreated} / {@code PoolCreated}
 * that discover pools. A log with a known topic but the wrong shape is refused with a reason, never guessed at.
 */
public final class PriceLogDecoder {
    /** keccak256("Sync(uint112,uint112)"). */
    public static final String SYNC = "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1";
    /** keccak256("Swap(address,address,int256,int256,uint160,uint128,int24)"). */
    public static final String V3_SWAP = "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67";
    /** keccak256("AnswerUpdated(int256,uint256,uint256)"). */
    public static final String ANSWER_UPDATED = "0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f";
    /** keccak256("PairCreated(address,address,address,uint256)"). */
    public static final String PAIR_CREATED = "0x0d3648bd0f6ba80134a33ba9275ac585d9d315f0ad8355cddefde31afa28d0e9";
    /** keccak256("PoolCreated(address,address,uint24,int24,address)"). */
    public static final String POOL_CREATED = "0x783cca1c0412dd0d695e784568c96da2e9c22ff989357a2e8b1d9b2b4e6b7118";

    public static final List<String> TOPICS = List.of(SYNC, V3_SWAP, ANSWER_UPDATED, PAIR_CREATED, POOL_CREATED);

    /** What a price log says. */
    public sealed interface Observation permits V2Reserves, V3State, AggregatorAnswer, PoolDiscovered {}

    public record V2Reserves(String pool, BigInteger reserve0, BigInteger reserve1) implements Observation {}

    public record V3State(String pool, BigInteger sqrtPriceX96, BigInteger liquidity, int tick) implements Observation {}

    public record AggregatorAnswer(String aggregator, BigInteger answer, BigInteger roundId, long updatedAt) implements Observation {}

    /** {@code fee} is the V3 fee tier, -1 for a V2 pair. */
    public record PoolDiscovered(String factory, String token0, String token1, String pool, int fee) implements Observation {}

    private PriceLogDecoder() {}

    /** The observation in a log, empty when its first topic is not a price topic. */
    public static Optional<Observation> decode(String address, List<String> topics, String data) {
        if (topics.isEmpty()) {
            return Optional.empty();
        }
        String emitter = Addresses.normalize(address);
        String topic0 = topics.get(0).toLowerCase(Locale.ROOT);
        BigInteger[] words = words(data);
        Observation observation = switch (topic0) {
            case SYNC -> {
                shape("Sync", topics, 1, words, 2);
                yield new V2Reserves(emitter, words[0], words[1]);
            }
            case V3_SWAP -> {
                shape("Swap", topics, 3, words, 5);
                yield new V3State(emitter, words[2], words[3], signed(words[4], 24).intValueExact());
            }
            case ANSWER_UPDATED -> {
                shape("AnswerUpdated", topics, 3, words, 1);
                yield new AggregatorAnswer(emitter, signed(new BigInteger(strip(topics.get(1)), 16), 256),
                        new BigInteger(strip(topics.get(2)), 16), words[0].longValueExact());
            }
            case PAIR_CREATED -> {
                shape("PairCreated", topics, 3, words, 2);
                yield new PoolDiscovered(emitter, Addresses.fromTopic(topics.get(1)), Addresses.fromTopic(topics.get(2)),
                        address(words[0]), -1);
            }
            case POOL_CREATED -> {
                shape("PoolCreated", topics, 4, words, 2);
                yield new PoolDiscovered(emitter, Addresses.fromTopic(topics.get(1)), Addresses.fromTopic(topics.get(2)),
                        address(words[1]), new BigInteger(strip(topics.get(3)), 16).intValueExact());
            }
            default -> null;
        };
        return Optional.ofNullable(observation);
    }

    private static void shape(String event, List<String> topics, int topicCount, BigInteger[] words, int wordCount) {
        if (topics.size() != topicCount || words.length != wordCount) {
            throw new IllegalArgumentException(event + " log with " + topics.size() + " topics and " + words.length
                    + " data words; expected " + topicCount + " and " + wordCount);
        }
    }

    private static BigInteger[] words(String data) {
        String hex = strip(data == null ? "0x" : data);
        if (hex.length() % 64 != 0 || !hex.matches("[0-9a-fA-F]*")) {
            throw new IllegalArgumentException("log data is not whole 32-byte words: " + data);
        }
        BigInteger[] out = new BigInteger[hex.length() / 64];
        for (int i = 0; i < out.length; i++) {
            out[i] = new BigInteger(hex.substring(i * 64, (i + 1) * 64), 16);
        }
        return out;
    }

    /** Two's complement of the low {@code bits} bits, as Solidity's intN is sign-extended into a word. */
    private static BigInteger signed(BigInteger word, int bits) {
        BigInteger value = word.mod(BigInteger.ONE.shiftLeft(256));
        return value.testBit(255) ? value.subtract(BigInteger.ONE.shiftLeft(256)) : value.and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    }

    private static String address(BigInteger word) {
        if (word.bitLength() > 160) {
            throw new IllegalArgumentException("not an address word: 0x" + word.toString(16));
        }
        return "0x" + String.format("%40s", word.toString(16)).replace(' ', '0');
    }

    private static String strip(String hex) {
        return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    }
}
