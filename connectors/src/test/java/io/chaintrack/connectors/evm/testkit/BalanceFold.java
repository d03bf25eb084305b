package io.chaintrack.connectors.evm.testkit;

import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds a stream of ChainEvents the way a consumer would: APPLIED adds each transfer, REVERTED subtracts it.
 * Deltas are kept per block number, so balances "as of block b" are prefix sums. It also checks the stream's
 * own bookkeeping: no block applied twice, every REVERTED identical to the APPLIED it undoes, reverts newest
 * first.
 */
public final class BalanceFold {

    /** A balance: ERC-20/native per holder (tokenId null); ERC-721 as a count (tokenId null) and per id; ERC-1155 per id. */
    public record Key(String token, String holder, BigInteger tokenId) {}

    private final TreeMap<Long, Map<Key, BigInteger>> deltas = new TreeMap<>();
    private final TreeMap<Long, ChainEvent> applied = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int appliedEvents;
    private int revertedEvents;
    private long lastReverted = Long.MAX_VALUE;

    public synchronized void accept(ChainEvent e) {
        long n = e.getBlock().getNumber();
        if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
            appliedEvents++;
            lastReverted = Long.MAX_VALUE;
            if (applied.containsKey(n)) {
                violations.add("block " + n + " applied twice: " + applied.get(n).getBlock().getHash() + " then "
                        + e.getBlock().getHash());
            }
            applied.put(n, e);
            add(n, e, BigInteger.ONE);
        } else if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED) {
            revertedEvents++;
            ChainEvent was = applied.remove(n);
            if (was == null) {
                violations.add("block " + n + " reverted but not applied");
            } else if (!was.getBlock().equals(e.getBlock()) || !was.getTransfersList().equals(e.getTransfersList())) {
                violations.add("REVERTED " + n + " differs from its APPLIED event");
            }
            if (n >= lastReverted) {
                violations.add("reverts out of order: " + n + " after " + lastReverted);
            }
            lastReverted = n;
            add(n, e, BigInteger.ONE.negate());
        } else {
            violations.add("event without type at block " + n);
        }
    }

    private void add(long n, ChainEvent e, BigInteger sign) {
        Map<Key, BigInteger> d = deltas.computeIfAbsent(n, k -> new HashMap<>());
        for (Transfer t : e.getTransfersList()) {
            BigInteger amount = Uint256.decode(t.getAmount()).multiply(sign);
            String token = t.getToken();
            BigInteger id = t.getTokenId().isEmpty() ? BigInteger.ZERO : Uint256.decode(t.getTokenId());
            switch (t.getStandard()) {
                case TOKEN_STANDARD_ERC1155 -> move(d, new Key(token, t.getFromAddress(), id), new Key(token, t.getToAddress(), id), amount);
                case TOKEN_STANDARD_ERC721 -> {
                    move(d, new Key(token, t.getFromAddress(), null), new Key(token, t.getToAddress(), null), amount);
                    move(d, new Key(token, t.getFromAddress(), id), new Key(token, t.getToAddress(), id), amount);
                }
                default -> move(d, new Key(token, t.getFromAddress(), null), new Key(token, t.getToAddress(), null), amount);
            }
            if (t.getStandard() == TokenStandard.TOKEN_STANDARD_UNSPECIFIED) {
                violations.add("transfer without standard in block " + e.getBlock().getNumber());
            }
        }
    }

    private static void move(Map<Key, BigInteger> d, Key from, Key to, BigInteger amount) {
        d.merge(from, amount.negate(), BigInteger::add);
        d.merge(to, amount, BigInteger::add);
    }

    /** Folded balance after block {@code block} (inclusive). */
    public synchronized BigInteger balance(Key key, long block) {
        BigInteger sum = BigInteger.ZERO;
        for (Map.Entry<Long, Map<Key, BigInteger>> e : deltas.headMap(block, true).entrySet()) {
            sum = sum.add(e.getValue().getOrDefault(key, BigInteger.ZERO));
        }
        return sum;
    }

    public BigInteger balance(String token, String holder, long block) {
        return balance(new Key(token, holder, null), block);
    }

    public BigInteger balance(String token, String holder, BigInteger id, long block) {
        return balance(new Key(token, holder, id), block);
    }

    /** Supply created by mints minus burns: what the zero address gave away. */
    public BigInteger minted(String token, long block) {
        return balance(token, Addresses.ZERO, block).negate();
    }

    /** Every address a native transfer of the canonical chain touches, but the zero pseudo-address. */
    public synchronized java.util.SortedSet<String> nativeAccounts() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (ChainEvent e : applied.values()) {
            for (Transfer t : e.getTransfersList()) {
                if (t.getStandard() == TokenStandard.TOKEN_STANDARD_NATIVE) {
                    out.add(t.getFromAddress());
                    out.add(t.getToAddress());
                }
            }
        }
        out.remove(Addresses.ZERO);
        return out;
    }

    /** Number → hash of every block applied and not reverted. */
    public synchronized Map<Long, String> canonical() {
        Map<Long, String> out = new TreeMap<>();
        applied.forEach((n, e) -> out.put(n, e.getBlock().getHash()));
        return out;
    }

    public synchronized long tip() {
        return applied.isEmpty() ? -1 : applied.lastKey();
    }

    public synchronized String hashAt(long n) {
        ChainEvent e = applied.get(n);
        return e == null ? null : e.getBlock().getHash();
    }

    public synchronized List<ChainEvent> appliedEvents() {
        return new ArrayList<>(applied.values());
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    public synchronized int appliedCount() {
        return appliedEvents;
    }

    public synchronized int revertedCount() {
        return revertedEvents;
    }
}
