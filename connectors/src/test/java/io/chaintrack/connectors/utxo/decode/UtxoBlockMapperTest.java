package io.chaintrack.connectors.utxo.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fixture utxo/bitcoin-block-verbosity3.json follows Bitcoin Core's documented {@code getblock} verbosity-3
 * result (fields, value as a JSON decimal in BTC, {@code prevout} on inputs, {@code fee}); its addresses and scripts
 * are BIP-173/BIP-350 and Bitcoin wiki examples, its txids made up. It holds a coinbase (segwit output plus a
 * witness-commitment OP_RETURN), a three-input transaction with change paying a taproot output, and a transaction
 * spending that output in the same block (no prevout: resolved from the block) into an OP_RETURN with value and a
 * bare multisig. The expected balance changes below are worked by hand from the outputs created minus spent.
 */
class UtxoBlockMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String P2PKH = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
    private static final String P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy";
    private static final String P2WPKH = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    private static final String P2TR = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0";
    private static final String OP_RETURN = UtxoAddresses.scriptHashKey("6a0568656c6c6f");
    private static final String MULTISIG = UtxoAddresses.scriptHashKey("51210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f8179851ae");

    private final UtxoBlockMapper mapper = new UtxoBlockMapper(UtxoNetwork.BITCOIN);

    @Test
    void everyAccountChangesByItsOutputsReceivedMinusSpent() throws Exception {
        ChainEvent event = mapper.map(fixture(), (txid, vout) -> {
            throw new AssertionError("every prevout is in the block");
        });

        Map<String, BigInteger> expected = Map.of(
                P2PKH, sats(-50_000_000 - 30_000_000 + 29_990_000),   // spent 0.5 + 0.3, change 0.2999
                P2SH, sats(-20_000_000),                               // spent 0.2
                P2TR, sats(70_000_000 - 70_000_000),                   // received 0.7, spent it in the next tx
                P2WPKH, sats(625_123_000),                             // coinbase: 6.25 subsidy + 0.00123 fees
                OP_RETURN, sats(10_000),
                MULTISIG, sats(69_877_000),
                UtxoAddresses.COINBASE, sats(-625_000_000));           // the subsidy is minted
        assertThat(netChanges(event)).isEqualTo(withoutZeros(expected));
    }

    @Test
    void transfersCarryTheirKindAndLocation() throws Exception {
        ChainEvent event = mapper.map(fixture(), null);
        assertThat(event.getBlock().getNumber()).isEqualTo(800_000);
        assertThat(event.getBlock().getHash()).isEqualTo("0x00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054");
        assertThat(event.getBlock().getParentHash()).isEqualTo("0x00000000000000000001b2505c11119fcf29be733ec379f686518bf1090a522a");
        assertThat(event.getBlock().getFeeRecipient()).isEqualTo(P2WPKH);
        assertThat(event.getBlock().getChainId()).isEqualTo(UtxoNetwork.BITCOIN.chainId());

        assertThat(event.getTransfersList()).extracting(t -> t.getKind() + " " + t.getFromAddress() + " -> "
                        + t.getToAddress() + " " + Uint256.decode(t.getAmount()) + " @" + t.getTxIndex() + "/"
                        + t.getTraceAddress() + "/" + t.getBatchIndex())
                .containsExactly(
                        "TRANSFER_KIND_FEE " + P2SH + " -> " + P2WPKH + " 10000 @1/fee/0",
                        "TRANSFER_KIND_FEE " + P2TR + " -> " + P2WPKH + " 113000 @2/fee/0",
                        "TRANSFER_KIND_BLOCK_REWARD coinbase -> " + P2WPKH + " 625000000 @0/reward/0",
                        "TRANSFER_KIND_CALL " + P2PKH + " -> " + P2TR + " 50010000 @1/utxo/0",
                        "TRANSFER_KIND_CALL " + P2SH + " -> " + P2TR + " 19990000 @1/utxo/1",
                        "TRANSFER_KIND_BURN " + P2TR + " -> " + OP_RETURN + " 10000 @2/utxo/0",
                        "TRANSFER_KIND_NONSTANDARD_OUTPUT " + P2TR + " -> " + MULTISIG + " 69877000 @2/utxo/1");
        assertThat(event.getTransfersList()).allSatisfy(t -> assertThat(t.getTxHash()).matches("0x[0-9a-f]{64}"));
    }

    @Test
    void prevoutsMissingFromTheBlockAreAskedFor() throws Exception {
        ObjectNode block = (ObjectNode) fixture();
        for (JsonNode vin : block.get("tx").get(1).get("vin")) {
            ((ObjectNode) vin).remove("prevout");
        }
        Map<String, Integer> asked = new HashMap<>();
        ChainEvent event = mapper.map(block, (txid, vout) -> {
            asked.merge(txid + ":" + vout, 1, Integer::sum);
            return switch (txid + ":" + vout) {
                case "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:0" -> out(P2PKH, 50_000_000);
                case "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1" -> out(P2PKH, 30_000_000);
                case "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:3" -> out(P2SH, 20_000_000);
                default -> throw new AssertionError(txid + ":" + vout);
            };
        });
        assertThat(asked).hasSize(3).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(netChanges(event)).isEqualTo(netChanges(mapper.map(fixture(), null)));
    }

    @Test
    void aStatedFeeThatDisagreesWithInputsMinusOutputsFails() throws Exception {
        ObjectNode block = (ObjectNode) fixture();
        ((ObjectNode) block.get("tx").get(1)).put("fee", new java.math.BigDecimal("0.00020000"));
        assertThatThrownBy(() -> mapper.map(block, null))
                .hasMessageContaining("states fee 0.00020000 but its inputs minus outputs are 10000 base units");
    }

    @Test
    void amountsParsedAsDoublesAreRefused() throws Exception {
        JsonNode lossy = new ObjectMapper().readTree(resource());
        assertThatThrownBy(() -> mapper.map(lossy, null)).hasMessageContaining("USE_BIG_DECIMAL_FOR_FLOATS");
    }

    @Test
    void anAddressOfAnotherNetworkFails() throws Exception {
        assertThatThrownBy(() -> new UtxoBlockMapper(UtxoNetwork.LITECOIN).map(fixture(), null))
                .hasMessageContaining("litecoin");
    }

    /**
     * A Dogecoin Core 1.14-style block (verbosity 2: no prevouts, addresses in an array); its P2PKH address is the
     * base58check of version 0x1e over the BIP-173 example key hash.
     */
    @Test
    void dogecoinOutputsListedAsAddressArraysAreRead() throws Exception {
        String doge = "DFpN6QqFfUm3gKNaxN6tNcab1FArL9cZLE";
        assertThat(UtxoAddresses.isValid(UtxoNetwork.DOGECOIN, doge)).isTrue();
        JsonNode block = JSON.readTree("""
                {"hash": "%s", "height": 5, "time": 1386474927, "previousblockhash": "%s",
                 "tx": [{"txid": "%s", "vin": [{"coinbase": "04ffff001d0104", "sequence": 4294967295}],
                         "vout": [{"value": 10000.00000000, "n": 0,
                                   "scriptPubKey": {"hex": "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac",
                                                    "reqSigs": 1, "type": "pubkeyhash", "addresses": ["%s"]}}]}]}
                """.formatted("c".repeat(64), "d".repeat(64), "e".repeat(64), doge));
        ChainEvent event = new UtxoBlockMapper(UtxoNetwork.DOGECOIN).map(block, null);
        assertThat(netChanges(event)).isEqualTo(Map.of(doge, sats(1_000_000_000_000L),
                UtxoAddresses.COINBASE, sats(-1_000_000_000_000L)));
    }

    private static UtxoBlockMapper.Output out(String address, long sats) {
        return new UtxoBlockMapper.Output(address, BigInteger.valueOf(sats), TransferKind.TRANSFER_KIND_CALL);
    }

    static Map<String, BigInteger> netChanges(ChainEvent event) {
        Map<String, BigInteger> net = new HashMap<>();
        for (Transfer t : event.getTransfersList()) {
            BigInteger amount = Uint256.decode(t.getAmount());
            net.merge(t.getFromAddress(), amount.negate(), BigInteger::add);
            net.merge(t.getToAddress(), amount, BigInteger::add);
        }
        net.values().removeIf(v -> v.signum() == 0);
        return net;
    }

    private static Map<String, BigInteger> withoutZeros(Map<String, BigInteger> m) {
        Map<String, BigInteger> out = new HashMap<>(m);
        out.values().removeIf(v -> v.signum() == 0);
        return out;
    }

    private static BigInteger sats(long n) {
        return BigInteger.valueOf(n);
    }

    private static JsonNode fixture() throws Exception {
        return JSON.readTree(resource());
    }

    private static InputStream resource() {
        return UtxoBlockMapperTest.class.getResourceAsStream("/utxo/bitcoin-block-verbosity3.json");
    }
}
