package io.chaintrack.connectors.utxo.synthetic;

import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitcoinj.base.LegacyAddress;
import org.bitcoinj.base.SegwitAddress;

/**
 * A deterministic Bitcoin-style chain: the same seed gives the same blocks, and a reorg replaces the newest blocks
 * with a longer branch of different transactions. Its ground truth is the UTXO set itself (each account's balance
 * is the sum of its unspent outputs), kept per height, independent of how chaintrack maps blocks to transfers.
 */
public final class SyntheticUtxoChain {
    /** Regtest's schedule: 50 coins, halving every 150 blocks. */
    private static final long SUBSIDY = 5_000_000_000L;
    private static final int HALVING = 150;
    private static final HexFormat HEX = HexFormat.of();

    /** An output script and the account it pays (an address, or a script-hash key when it has none). */
    public record Script(String hex, String type, String address) {
        public String account() {
            return address != null ? address : UtxoAddresses.scriptHashKey(hex);
        }
    }

    public record Output(long value, Script script) {}

    public record Input(String txid, int vout, Output spent) {}

    /** A transaction; a coinbase has no inputs. */
    public record Tx(String txid, List<Input> inputs, List<Output> outputs) {
        public boolean coinbase() {
            return inputs.isEmpty();
        }

        public long fee() {
            return coinbase() ? 0 : inputs.stream().mapToLong(i -> i.spent().value()).sum()
                    - outputs.stream().mapToLong(Output::value).sum();
        }
    }

    public record Block(long height, String hash, String previousHash, long time, List<Tx> txs) {}

    private final long seed;
    private final UtxoNetwork network;
    private final List<Script> wallets = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    /** UTXO set after each block, outpoint "txid:n" to output; index = height. */
    private final List<Map<String, Output>> utxos = new ArrayList<>();
    private final Map<String, Tx> txs = new HashMap<>();
    private final int txsPerBlock;
    private int branch;
    private int reorgs;

    public SyntheticUtxoChain(long seed, UtxoNetwork network, int accounts, int txsPerBlock) {
        this.seed = seed;
        this.network = network;
        this.txsPerBlock = txsPerBlock;
        for (int i = 0; i < accounts; i++) {
            byte[] key = sha256("key|" + seed + "|" + i);
            switch (i % 3) {
                case 0 -> wallets.add(p2wpkhOrLegacy(key));
                case 1 -> wallets.add(legacy(key));
                default -> wallets.add(taprootOrLegacy(key));
            }
        }
        mine();
    }

    public UtxoNetwork network() {
        return network;
    }

    public synchronized long height() {
        return blocks.size() - 1;
    }

    public synchronized Block block(long height) {
        return height < 0 || height >= blocks.size() ? null : blocks.get((int) height);
    }

    public synchronized Block blockByHash(String hash) {
        return blocks.stream().filter(b -> b.hash().equals(hash)).findFirst().orElse(null);
    }

    public synchronized Tx tx(String txid) {
        return txs.get(txid);
    }

    public synchronized int reorgs() {
        return reorgs;
    }

    /** Every account's balance after block {@code height}: the sum of its unspent outputs (zero balances left out). */
    public synchronized Map<String, BigInteger> balancesAt(long height) {
        Map<String, BigInteger> out = new LinkedHashMap<>();
        for (Output o : utxos.get((int) height).values()) {
            out.merge(o.script().account(), BigInteger.valueOf(o.value()), BigInteger::add);
        }
        out.values().removeIf(v -> v.signum() == 0);
        return out;
    }

    /** Mines one block on the current branch. */
    public synchronized Block mine() {
        long height = blocks.size();
        SplittableRandom random = new SplittableRandom(seed * 31 + height * 1_000_003L + branch * 7_919L);
        Map<String, Output> utxo = new LinkedHashMap<>(height == 0 ? Map.of() : utxos.get((int) height - 1));
        String previous = height == 0 ? "0".repeat(64) : blocks.get((int) height - 1).hash();
        List<Tx> body = new ArrayList<>();
        long fees = 0;
        for (int t = 0; t < txsPerBlock && utxo.size() > 0; t++) {
            Tx tx = spend(random, utxo, height, t + 1);
            if (tx != null) {
                body.add(tx);
                fees += tx.fee();
            }
        }
        long reward = (SUBSIDY >> (height / HALVING)) + fees;
        Script miner = wallets.get(random.nextInt(wallets.size()));
        List<Output> coinbaseOut = List.of(new Output(reward, miner),
                new Output(0, new Script("6a24aa21a9ed" + HEX.formatHex(sha256("commitment|" + height + "|" + branch)), "nulldata", null)));
        Tx coinbase = new Tx(txid("coinbase", height, 0), List.of(), coinbaseOut);
        body.add(0, coinbase);
        for (int n = 0; n < coinbaseOut.size(); n++) {
            utxo.put(coinbase.txid() + ":" + n, coinbaseOut.get(n));
        }
        Block block = new Block(height, HEX.formatHex(sha256("block|" + seed + "|" + height + "|" + branch + "|" + previous)),
                previous, 1_700_000_000L + height * 600, List.copyOf(body));
        blocks.add(block);
        utxos.add(utxo);
        for (Tx tx : body) {
            txs.put(tx.txid(), tx);
        }
        return block;
    }

    /** Drops the newest {@code depth} blocks and mines {@code depth + 1} different ones in their place. */
    public synchronized void reorg(int depth) {
        if (depth <= 0 || depth >= blocks.size()) {
            throw new IllegalArgumentException("reorg depth " + depth + " with " + blocks.size() + " blocks");
        }
        for (int i = 0; i < depth; i++) {
            blocks.remove(blocks.size() - 1);
            utxos.remove(utxos.size() - 1);
        }
        branch++;
        reorgs++;
        for (int i = 0; i <= depth; i++) {
            mine();
        }
    }

    /** One to three inputs (sometimes an output created earlier in this block), one to three outputs, a fee. */
    private Tx spend(SplittableRandom random, Map<String, Output> utxo, long height, int index) {
        List<String> outpoints = new ArrayList<>(utxo.keySet());
        int inputs = 1 + random.nextInt(Math.min(3, outpoints.size()));
        List<Input> in = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < inputs; i++) {
            String op = outpoints.remove(random.nextInt(outpoints.size()));
            Output spent = utxo.get(op);
            if (spent.value() == 0 || "nulldata".equals(spent.script().type())) {
                continue;
            }
            int colon = op.lastIndexOf(':');
            in.add(new Input(op.substring(0, colon), Integer.parseInt(op.substring(colon + 1)), spent));
            total += spent.value();
        }
        if (in.isEmpty() || total < 10_000) {
            return null;
        }
        long fee = 1_000 + random.nextInt(9_000);
        long left = total - fee;
        int outputs = 1 + random.nextInt(3);
        List<Output> out = new ArrayList<>();
        for (int o = 0; o < outputs && left > 0; o++) {
            long value = o == outputs - 1 ? left : 1 + random.nextLong(left);
            Script to = switch (random.nextInt(20)) {
                case 0 -> new Script("6a05" + HEX.formatHex(sha256("memo|" + height + "|" + index)).substring(0, 10), "nulldata", null);
                case 1 -> new Script("5121" + "02" + HEX.formatHex(sha256("multisig|" + o)) + "51ae", "multisig", null);
                default -> wallets.get(random.nextInt(wallets.size()));
            };
            out.add(new Output(value, to));
            left -= value;
        }
        Tx tx = new Tx(txid("tx", height, index), in, out);
        for (Input i : in) {
            utxo.remove(i.txid() + ":" + i.vout());
        }
        for (int n = 0; n < out.size(); n++) {
            utxo.put(tx.txid() + ":" + n, out.get(n));
        }
        return tx;
    }

    private String txid(String kind, long height, int index) {
        return HEX.formatHex(sha256(kind + "|" + seed + "|" + height + "|" + index + "|" + branch));
    }

    private Script p2wpkhOrLegacy(byte[] key) {
        if (!network.hasSegwit()) {
            return legacy(key);
        }
        byte[] hash = java.util.Arrays.copyOf(key, 20);
        return new Script("0014" + HEX.formatHex(hash), "witness_v0_keyhash", SegwitAddress.fromHash(network, hash).toString());
    }

    private Script taprootOrLegacy(byte[] key) {
        if (!network.hasSegwit()) {
            return legacy(key);
        }
        return new Script("5120" + HEX.formatHex(key), "witness_v1_taproot", SegwitAddress.fromProgram(network, 1, key).toString());
    }

    private Script legacy(byte[] key) {
        byte[] hash = java.util.Arrays.copyOfRange(key, 12, 32);
        return new Script("76a914" + HEX.formatHex(hash) + "88ac", "pubkeyhash", LegacyAddress.fromPubKeyHash(network, hash).toString());
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
