package io.chaintrack.connectors.utxo.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bitcoin Core's {@code getblock} (verbosity 2, or 3 with prevouts) as transfers of the native coin, so every
 * downstream job works unchanged. Per transaction, each address's net change is what moves: senders pay receivers
 * in order, what senders have left is the fee, which goes to the coinbase's outputs in order; the rest of the
 * coinbase is minted. Every address's balance is therefore exactly the sum of its unspent outputs.
 */
public final class UtxoBlockMapper {
    public static final String TRACE_PAYMENT = "utxo";
    public static final String TRACE_FEE = "fee";
    public static final String TRACE_REWARD = "reward";
    public static final String TRACE_UNCLAIMED = "unclaimed";

    /** Where an input's spent output comes from when the block does not carry it (verbosity 2, Dogecoin Core). */
    @FunctionalInterface
    public interface PrevoutLookup {
        /** The output {@code vout} of transaction {@code txid}; fails when the node cannot serve it. */
        Output output(String txid, int vout);
    }

    /** One output as chaintrack keys it: the account it pays and its exact value in base units. */
    public record Output(String account, BigInteger value, TransferKind kind) {}

    private record Share(String account, BigInteger amount, TransferKind kind) {}

    private record FeePart(Transfer txProto, String payer, BigInteger amount) {}

    private final UtxoNetwork network;

    public UtxoBlockMapper(UtxoNetwork network) {
        this.network = network;
    }

    public UtxoNetwork network() {
        return network;
    }

    /** The block as one APPLIED event; {@code lookup} is asked only for prevouts the block does not carry. */
    public ChainEvent map(JsonNode block, PrevoutLookup lookup) {
        long height = block.path("height").asLong(-1);
        String hash = hash(block.path("hash"), "block hash");
        if (height < 0) {
            throw new IllegalArgumentException("block " + hash + " has no height");
        }
        JsonNode txs = block.path("tx");
        if (!txs.isArray() || txs.isEmpty() || !txs.get(0).isObject()) {
            throw new IllegalArgumentException("block " + height + " came without decoded transactions (verbosity 2 or 3 is needed)");
        }
        String parent = block.hasNonNull("previousblockhash") ? hash(block.get("previousblockhash"), "previousblockhash")
                : "0x" + "0".repeat(64);
        Transfer blockProto = Transfer.newBuilder()
                .setChainId(network.chainId())
                .setBlockNumber(height)
                .setBlockHash(hash)
                .setBlockTime(block.path("time").asLong())
                .setLogIndex(-1)
                .setToken(Addresses.NATIVE)
                .setStandard(TokenStandard.TOKEN_STANDARD_NATIVE)
                .build();

        Map<String, Output> createdHere = new HashMap<>();
        List<Transfer> payments = new ArrayList<>();
        Deque<FeePart> fees = new ArrayDeque<>();
        List<Output> coinbaseOutputs = null;
        Transfer coinbaseProto = null;
        for (int i = 0; i < txs.size(); i++) {
            JsonNode tx = txs.get(i);
            String txid = hash(tx.path("txid"), "txid");
            Transfer txProto = blockProto.toBuilder().setTxHash(txid).setTxIndex(i).build();
            List<Output> outputs = outputs(tx, txid);
            for (int n = 0; n < outputs.size(); n++) {
                createdHere.put(outpoint(txid, n), outputs.get(n));
            }
            if (isCoinbase(tx)) {
                if (i != 0) {
                    throw new IllegalArgumentException("block " + height + " has a coinbase input in transaction " + i);
                }
                coinbaseOutputs = outputs;
                coinbaseProto = txProto;
                continue;
            }
            List<Output> inputs = new ArrayList<>();
            for (JsonNode vin : tx.path("vin")) {
                inputs.add(spent(vin, createdHere, lookup, txid));
            }
            mapTransaction(txProto, tx, inputs, outputs, payments, fees);
        }
        if (coinbaseOutputs == null) {
            throw new IllegalArgumentException("block " + height + " has no coinbase transaction");
        }
        List<Transfer> rewards = coinbase(coinbaseProto, coinbaseOutputs, fees);
        String miner = coinbaseOutputs.stream().filter(o -> o.value().signum() > 0).map(Output::account)
                .findFirst().orElse(UtxoAddresses.COINBASE);
        BlockHeader header = BlockHeader.newBuilder()
                .setChainId(network.chainId())
                .setNumber(height)
                .setHash(hash)
                .setParentHash(parent)
                .setTimestamp(block.path("time").asLong())
                .setFeeRecipient(miner)
                .build();
        return ChainEvent.newBuilder()
                .setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(header)
                .addAllTransfers(rewards)
                .addAllTransfers(payments)
                .build();
    }

    /** Senders (net losers, in input order) pay receivers (net gainers, in output order); what is left is the fee. */
    private void mapTransaction(Transfer txProto, JsonNode tx, List<Output> inputs, List<Output> outputs,
                                List<Transfer> out, Deque<FeePart> fees) {
        Map<String, BigInteger> net = new LinkedHashMap<>();
        Map<String, TransferKind> kinds = new HashMap<>();
        BigInteger in = BigInteger.ZERO;
        BigInteger paid = BigInteger.ZERO;
        for (Output o : inputs) {
            net.merge(o.account(), o.value().negate(), BigInteger::add);
            in = in.add(o.value());
        }
        for (Output o : outputs) {
            net.merge(o.account(), o.value(), BigInteger::add);
            kinds.putIfAbsent(o.account(), o.kind());
            paid = paid.add(o.value());
        }
        BigInteger fee = in.subtract(paid);
        if (fee.signum() < 0) {
            throw new IllegalArgumentException("transaction " + txProto.getTxHash() + " pays " + paid + " but spends only " + in);
        }
        if (tx.has("fee") && tx.get("fee").isNumber() && !UtxoAddresses.baseUnits(decimal(tx.get("fee"), "fee")).equals(fee)) {
            throw new IllegalArgumentException("transaction " + txProto.getTxHash() + " states fee " + tx.get("fee")
                    + " but its inputs minus outputs are " + fee + " base units");
        }
        Deque<Share> senders = new ArrayDeque<>();
        List<Share> receivers = new ArrayList<>();
        net.forEach((account, change) -> {
            if (change.signum() < 0) {
                senders.add(new Share(account, change.negate(), null));
            } else if (change.signum() > 0) {
                receivers.add(new Share(account, change, kinds.get(account)));
            }
        });
        int batch = 0;
        for (Share receiver : receivers) {
            BigInteger owed = receiver.amount();
            while (owed.signum() > 0) {
                Share sender = senders.pollFirst();
                BigInteger part = sender.amount().min(owed);
                out.add(transfer(txProto, receiver.kind(), TRACE_PAYMENT, batch++, sender.account(), receiver.account(), part));
                owed = owed.subtract(part);
                if (sender.amount().compareTo(part) > 0) {
                    senders.addFirst(new Share(sender.account(), sender.amount().subtract(part), null));
                }
            }
        }
        for (Share left : senders) {
            fees.add(new FeePart(txProto, left.account(), left.amount()));
        }
    }

    /**
     * The coinbase's outputs are filled first from the block's fees (in transaction order), then minted. A miner
     * that claims less than the fees destroys the rest: it goes to the coinbase pseudo-account, like a burn.
     */
    private static List<Transfer> coinbase(Transfer proto, List<Output> outputs, Deque<FeePart> fees) {
        List<Transfer> out = new ArrayList<>();
        // fee transfers are numbered per paying transaction
        Map<Integer, Integer> feeBatches = new HashMap<>();
        int rewardBatch = 0;
        for (Output o : outputs) {
            BigInteger owed = o.value();
            while (owed.signum() > 0 && !fees.isEmpty()) {
                FeePart fee = fees.pollFirst();
                BigInteger part = fee.amount().min(owed);
                int batch = feeBatches.merge(fee.txProto().getTxIndex(), 1, Integer::sum) - 1;
                out.add(transfer(fee.txProto(), TransferKind.TRANSFER_KIND_FEE, TRACE_FEE, batch, fee.payer(), o.account(), part));
                owed = owed.subtract(part);
                if (fee.amount().compareTo(part) > 0) {
                    fees.addFirst(new FeePart(fee.txProto(), fee.payer(), fee.amount().subtract(part)));
                }
            }
            if (owed.signum() > 0) {
                out.add(transfer(proto, TransferKind.TRANSFER_KIND_BLOCK_REWARD, TRACE_REWARD, rewardBatch++,
                        UtxoAddresses.COINBASE, o.account(), owed));
            }
        }
        for (FeePart fee : fees) {
            int batch = feeBatches.merge(fee.txProto().getTxIndex(), 1, Integer::sum) - 1;
            out.add(transfer(fee.txProto(), TransferKind.TRANSFER_KIND_BURN, TRACE_UNCLAIMED, batch, fee.payer(),
                    UtxoAddresses.COINBASE, fee.amount()));
        }
        return out;
    }

    private List<Output> outputs(JsonNode tx, String txid) {
        List<Output> outputs = new ArrayList<>();
        JsonNode vout = tx.path("vout");
        for (int n = 0; n < vout.size(); n++) {
            JsonNode o = vout.get(n);
            if (o.path("n").asInt(n) != n) {
                throw new IllegalArgumentException("transaction " + txid + " lists output " + o.path("n") + " at position " + n);
            }
            outputs.add(output(o.path("scriptPubKey"), UtxoAddresses.baseUnits(decimal(o.get("value"), "value of " + txid + ":" + n))));
        }
        return outputs;
    }

    /** The account an output script pays: its address, or its script hash when it has none. */
    public Output output(JsonNode script, BigInteger value) {
        String type = script.path("type").asText("");
        String address = script.hasNonNull("address") ? script.get("address").asText()
                // Bitcoin Core before 22.0 (and Dogecoin Core) list addresses in an array
                : script.path("addresses").isArray() && script.path("addresses").size() == 1
                        ? script.path("addresses").get(0).asText() : null;
        if (address != null) {
            return new Output(UtxoAddresses.normalize(network, address), value, TransferKind.TRANSFER_KIND_CALL);
        }
        if (!script.hasNonNull("hex")) {
            throw new IllegalArgumentException("an output script of type '" + type + "' has neither address nor hex");
        }
        TransferKind kind = "nulldata".equals(type) ? TransferKind.TRANSFER_KIND_BURN : TransferKind.TRANSFER_KIND_NONSTANDARD_OUTPUT;
        return new Output(UtxoAddresses.scriptHashKey(script.get("hex").asText()), value, kind);
    }

    private Output spent(JsonNode vin, Map<String, Output> createdHere, PrevoutLookup lookup, String txid) {
        if (vin.has("prevout")) {
            JsonNode p = vin.get("prevout");
            return output(p.path("scriptPubKey"), UtxoAddresses.baseUnits(decimal(p.get("value"), "prevout value in " + txid)));
        }
        String spentTx = hash(vin.path("txid"), "input txid of " + txid);
        int n = vin.path("vout").asInt(-1);
        Output here = createdHere.get(outpoint(spentTx, n));
        if (here != null) {
            return here;
        }
        if (lookup == null) {
            throw new IllegalArgumentException("input " + spentTx + ":" + n + " of " + txid + " has no prevout and no lookup was given");
        }
        return lookup.output(spentTx.substring(2), n);
    }

    private static boolean isCoinbase(JsonNode tx) {
        JsonNode vin = tx.path("vin");
        return vin.size() == 1 && vin.get(0).has("coinbase");
    }

    private static String outpoint(String txid, int n) {
        return txid + ":" + n;
    }

    /** Amounts must arrive as exact decimals: a double would already have lost digits. */
    private static BigDecimal decimal(JsonNode node, String what) {
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(what + " is not a number: " + node);
        }
        if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
            throw new IllegalStateException(what + " was parsed as binary floating point; parse with USE_BIG_DECIMAL_FOR_FLOATS");
        }
        return node.decimalValue();
    }

    /** Bitcoin hashes are written without 0x; inside chaintrack every hash is 0x-prefixed lowercase hex. */
    private static String hash(JsonNode node, String what) {
        String s = node == null ? "" : node.asText("");
        String h = "0x" + s.toLowerCase(Locale.ROOT);
        if (!Addresses.isHash(h)) {
            throw new IllegalArgumentException(what + " is not a 32-byte hex hash: '" + s + "'");
        }
        return h;
    }

    private static Transfer transfer(Transfer txProto, TransferKind kind, String trace, int batch, String from, String to,
                                     BigInteger amount) {
        return txProto.toBuilder()
                .setKind(kind)
                .setTraceAddress(trace)
                .setBatchIndex(batch)
                .setFromAddress(from)
                .setToAddress(to)
                .setAmount(Uint256.encode(amount))
                .build();
    }
}
