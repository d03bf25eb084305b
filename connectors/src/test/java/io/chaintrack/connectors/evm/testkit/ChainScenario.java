package io.chaintrack.connectors.evm.testkit;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.noBytes;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.us;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random but valid token activity on the test node: ERC-20 mints, transfers and burns, ERC-721 mints, moves and
 * burns, ERC-1155 single and batch mints, transfers and burns, plain ETH transfers, a non-standard Transfer log
 * and deliberately failing transfers (status 0, fees only). A model of balances keeps the actions valid; it is
 * snapshotted with the node so reorgs replay from the same state. Seeded: the same seed gives the same actions.
 */
public final class ChainScenario {
    private final HardhatChain chain;
    private final Random random;
    private final List<String> accounts;
    private String erc20;
    private String erc721;
    private String erc1155;
    private String odd;
    private Model model = new Model();
    private int sentTxs;

    private static final class Model {
        final Map<String, BigInteger> erc20 = new HashMap<>();
        final TreeMap<BigInteger, String> nftOwner = new TreeMap<>();
        final Map<String, BigInteger> multi = new HashMap<>();
        long nextNftId = 1;

        Model copy() {
            Model m = new Model();
            m.erc20.putAll(erc20);
            m.nftOwner.putAll(nftOwner);
            m.multi.putAll(multi);
            m.nextNftId = nextNftId;
            return m;
        }
    }

    /** A node snapshot with the model state that goes with it. */
    public record Snapshot(String id, Object model) {}

    public ChainScenario(HardhatChain chain, long seed, int holders) throws IOException {
        this.chain = chain;
        this.random = new Random(seed);
        this.accounts = chain.accounts().subList(0, holders);
    }

    public List<String> holders() {
        return accounts;
    }

    public String erc20() {
        return erc20;
    }

    public String erc721() {
        return erc721;
    }

    public String erc1155() {
        return erc1155;
    }

    public String oddEmitter() {
        return odd;
    }

    public List<BigInteger> multiIds() {
        return List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), BigInteger.valueOf(4));
    }

    public long nftIdsMinted() {
        return model.nextNftId - 1;
    }

    public int sentTxs() {
        return sentTxs;
    }

    /** Deploys the four contracts (one block each, automine on), then switches automine off. */
    public void deploy() throws IOException {
        chain.automine(true);
        String deployer = accounts.get(0);
        erc20 = chain.deploy("TestToken20", deployer);
        erc721 = chain.deploy("TestNft721", deployer);
        erc1155 = chain.deploy("TestMulti1155", deployer);
        odd = chain.deploy("OddEmitter", deployer);
        chain.automine(false);
    }

    /** Sends {@code txs} random actions and mines them into one block. */
    public void block(int txs) throws IOException {
        for (int i = 0; i < txs; i++) {
            action();
        }
        chain.mine();
    }

    public void blocks(int count, int maxTxs) throws IOException {
        for (int i = 0; i < count; i++) {
            block(1 + random.nextInt(maxTxs));
        }
    }

    public Snapshot snapshot() throws IOException {
        return new Snapshot(chain.snapshot(), model.copy());
    }

    public void revert(Snapshot s) throws IOException {
        chain.revert(s.id());
        model = ((Model) s.model()).copy();
    }

    private String anyone() {
        return accounts.get(random.nextInt(accounts.size()));
    }

    private String other(String not) {
        String a;
        do {
            a = anyone();
        } while (a.equals(not));
        return a;
    }

    private static String key(String holder, BigInteger id) {
        return holder + "|" + id;
    }

    private BigInteger amount(long max) {
        return BigInteger.valueOf(1 + (long) (random.nextDouble() * max));
    }

    private void send(String from, String to, BigInteger value, String data) throws IOException {
        chain.send(from, to, value, data);
        sentTxs++;
    }

    private void action() throws IOException {
        int kind = random.nextInt(100);
        if (kind < 12) {
            String to = anyone();
            BigInteger amt = amount(1_000_000);
            send(anyone(), erc20, BigInteger.ZERO, call("mint", addr(to), u(amt)));
            model.erc20.merge(to, amt, BigInteger::add);
        } else if (kind < 27) {
            String from = anyone();
            BigInteger bal = model.erc20.getOrDefault(from, BigInteger.ZERO);
            if (bal.signum() == 0) {
                action();
                return;
            }
            String to = other(from);
            BigInteger amt = bal.multiply(BigInteger.valueOf(1 + random.nextInt(100))).divide(BigInteger.valueOf(100));
            send(from, erc20, BigInteger.ZERO, call("transfer", addr(to), u(amt)));
            model.erc20.merge(from, amt.negate(), BigInteger::add);
            model.erc20.merge(to, amt, BigInteger::add);
        } else if (kind < 33) {
            String from = anyone();
            BigInteger bal = model.erc20.getOrDefault(from, BigInteger.ZERO);
            if (bal.signum() == 0) {
                action();
                return;
            }
            BigInteger amt = bal.divide(BigInteger.valueOf(2 + random.nextInt(3)));
            send(from, erc20, BigInteger.ZERO, call("burn", u(amt)));
            model.erc20.merge(from, amt.negate(), BigInteger::add);
        } else if (kind < 36) {
            // fails on chain (more than the balance): mined with status 0, only the fee moves
            String from = anyone();
            BigInteger amt = model.erc20.getOrDefault(from, BigInteger.ZERO).add(BigInteger.valueOf(1_000_000_000));
            send(from, erc20, BigInteger.ZERO, call("transfer", addr(other(from)), u(amt)));
        } else if (kind < 44) {
            String to = anyone();
            BigInteger id = BigInteger.valueOf(model.nextNftId++);
            send(anyone(), erc721, BigInteger.ZERO, call("mint", addr(to), u(id)));
            model.nftOwner.put(id, to);
        } else if (kind < 52) {
            if (model.nftOwner.isEmpty()) {
                action();
                return;
            }
            List<BigInteger> ids = new ArrayList<>(model.nftOwner.keySet());
            BigInteger id = ids.get(random.nextInt(ids.size()));
            String owner = model.nftOwner.get(id);
            String to = other(owner);
            String fn = random.nextBoolean() ? "transferFrom" : "safeTransferFrom";
            send(owner, erc721, BigInteger.ZERO, call(fn, addr(owner), addr(to), u(id)));
            model.nftOwner.put(id, to);
        } else if (kind < 55) {
            if (model.nftOwner.isEmpty()) {
                action();
                return;
            }
            BigInteger id = model.nftOwner.firstKey();
            send(model.nftOwner.get(id), erc721, BigInteger.ZERO, call("burn", u(id)));
            model.nftOwner.remove(id);
        } else if (kind < 62) {
            String to = anyone();
            BigInteger id = multiIds().get(random.nextInt(4));
            BigInteger amt = amount(500);
            send(anyone(), erc1155, BigInteger.ZERO, call("mint", addr(to), u(id), u(amt)));
            model.multi.merge(key(to, id), amt, BigInteger::add);
        } else if (kind < 66) {
            String to = anyone();
            List<BigInteger> ids = List.of(BigInteger.ONE, BigInteger.valueOf(3), BigInteger.valueOf(4));
            List<BigInteger> amts = List.of(amount(50), amount(50), amount(50));
            send(anyone(), erc1155, BigInteger.ZERO, call("mintBatch", addr(to), us(ids), us(amts)));
            for (int i = 0; i < ids.size(); i++) {
                model.multi.merge(key(to, ids.get(i)), amts.get(i), BigInteger::add);
            }
        } else if (kind < 74) {
            String from = anyone();
            BigInteger id = multiIds().get(random.nextInt(4));
            BigInteger bal = model.multi.getOrDefault(key(from, id), BigInteger.ZERO);
            if (bal.signum() == 0) {
                action();
                return;
            }
            String to = other(from);
            BigInteger amt = bal.divide(BigInteger.TWO).max(BigInteger.ONE);
            send(from, erc1155, BigInteger.ZERO, call("safeTransferFrom", addr(from), addr(to), u(id), u(amt), noBytes()));
            model.multi.merge(key(from, id), amt.negate(), BigInteger::add);
            model.multi.merge(key(to, id), amt, BigInteger::add);
        } else if (kind < 79) {
            String from = anyone();
            List<BigInteger> ids = new ArrayList<>();
            List<BigInteger> amts = new ArrayList<>();
            for (BigInteger id : multiIds()) {
                BigInteger bal = model.multi.getOrDefault(key(from, id), BigInteger.ZERO);
                if (bal.signum() > 0) {
                    ids.add(id);
                    amts.add(bal.divide(BigInteger.valueOf(3)).max(BigInteger.ONE));
                }
            }
            if (ids.isEmpty()) {
                action();
                return;
            }
            String to = other(from);
            send(from, erc1155, BigInteger.ZERO, call("safeBatchTransferFrom", addr(from), addr(to), us(ids), us(amts), noBytes()));
            for (int i = 0; i < ids.size(); i++) {
                model.multi.merge(key(from, ids.get(i)), amts.get(i).negate(), BigInteger::add);
                model.multi.merge(key(to, ids.get(i)), amts.get(i), BigInteger::add);
            }
        } else if (kind < 82) {
            String from = anyone();
            BigInteger id = multiIds().get(random.nextInt(4));
            BigInteger bal = model.multi.getOrDefault(key(from, id), BigInteger.ZERO);
            if (bal.signum() == 0) {
                action();
                return;
            }
            BigInteger amt = bal.divide(BigInteger.valueOf(3)).max(BigInteger.ONE);
            send(from, erc1155, BigInteger.ZERO, call("burn", addr(from), u(id), u(amt)));
            model.multi.merge(key(from, id), amt.negate(), BigInteger::add);
        } else if (kind < 85) {
            send(anyone(), odd, BigInteger.ZERO, call("emitOdd", addr(anyone()), u(amount(1000))));
        } else {
            String from = anyone();
            BigInteger wei = BigInteger.TEN.pow(15).multiply(amount(100));
            send(from, other(from), wei, null);
        }
    }
}
