package io.chaintrack.connectors.synthetic;

import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test oracle: the canonical chain a {@link SyntheticChain} has emitted so far, and every balance at every canonical
 * block, kept by folding canonical transfers with {@link TransferEffects} (the pipeline's own rule).
 * A live view: it changes as the chain emits events. The zero address goes negative by design (mints).
 */
public final class GroundTruth {
    private final long chainId;
    private final String genesisHash;
    private final long genesisTime;
    private final int blockInterval;
    private final List<BlockHeader> headers = new ArrayList<>();
    private final List<List<Transfer>> transfers = new ArrayList<>();
    private final Set<String> orphaned = new LinkedHashSet<>();
    private final Map<BalanceKey, History> histories = new HashMap<>();

    /** Balance of one key after each canonical block that changed it, in block order. */
    private static final class History {
        long[] blocks = new long[4];
        BigInteger[] values = new BigInteger[4];
        int size;

        BigInteger last() {
            return size == 0 ? BigInteger.ZERO : values[size - 1];
        }

        void add(long block, BigInteger delta) {
            BigInteger value = last().add(delta);
            if (size > 0 && blocks[size - 1] == block) {
                values[size - 1] = value;
                return;
            }
            if (size == blocks.length) {
                blocks = Arrays.copyOf(blocks, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            blocks[size] = block;
            values[size++] = value;
        }

        void dropBlock(long block) {
            if (size > 0 && blocks[size - 1] == block) {
                values[--size] = null;
            }
        }

        BigInteger at(long block) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (blocks[mid] <= block) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo == 0 ? BigInteger.ZERO : values[lo - 1];
        }
    }

    /** The ground truth of {@code chain}, kept up to date as it emits; call before its first event. */
    public static GroundTruth track(SyntheticChain chain) {
        GroundTruth truth = new GroundTruth(chain.config(), chain.genesisHash());
        chain.observe(e -> {
            if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED) {
                truth.revert(e);
            } else {
                truth.apply(e);
            }
        });
        return truth;
    }

    GroundTruth(SyntheticChainConfig config, String genesisHash) {
        this.chainId = config.chainId();
        this.genesisHash = genesisHash;
        this.genesisTime = config.genesisTime();
        this.blockInterval = config.blockIntervalSeconds();
    }

    void apply(ChainEvent event) {
        BlockHeader block = event.getBlock();
        if (block.getNumber() != head() + 1 || !block.getParentHash().equals(headHash())) {
            throw new IllegalStateException("block " + block.getNumber() + " " + block.getHash()
                    + " does not extend canonical head " + head() + " " + headHash());
        }
        headers.add(block);
        transfers.add(event.getTransfersList());
        for (Transfer t : event.getTransfersList()) {
            BigInteger amount = TransferEffects.amount(t);
            history(TransferEffects.senderKey(chainId, t)).add(block.getNumber(), amount.negate());
            history(TransferEffects.receiverKey(chainId, t)).add(block.getNumber(), amount);
        }
    }

    void revert(ChainEvent event) {
        BlockHeader block = event.getBlock();
        if (block.getNumber() != head() || !block.getHash().equals(headHash())) {
            throw new IllegalStateException("reverted block " + block.getNumber() + " " + block.getHash()
                    + " is not the canonical head " + head() + " " + headHash());
        }
        for (Transfer t : event.getTransfersList()) {
            histories.get(TransferEffects.senderKey(chainId, t)).dropBlock(block.getNumber());
            histories.get(TransferEffects.receiverKey(chainId, t)).dropBlock(block.getNumber());
        }
        headers.remove(headers.size() - 1);
        transfers.remove(transfers.size() - 1);
        orphaned.add(block.getHash());
    }

    private History history(BalanceKey key) {
        return histories.computeIfAbsent(key, k -> new History());
    }

    public long chainId() {
        return chainId;
    }

    /** Canonical head number; 0 before the first block. */
    public long head() {
        return headers.size();
    }

    /** Hash of the canonical head (the synthetic genesis hash before the first block). */
    public String headHash() {
        return headers.isEmpty() ? genesisHash : headers.get(headers.size() - 1).getHash();
    }

    public String genesisHash() {
        return genesisHash;
    }

    /** Canonical header at {@code number} (1..head). */
    public BlockHeader header(long number) {
        checkBlock(number, 1);
        return headers.get((int) number - 1);
    }

    /** Canonical headers 1..head in order. */
    public List<BlockHeader> canonicalHeaders() {
        return Collections.unmodifiableList(headers);
    }

    /** Hashes of every block that was applied and later reverted, in the order they were orphaned. */
    public Set<String> orphanedHashes() {
        return Collections.unmodifiableSet(orphaned);
    }

    /** Transfers of the canonical block {@code number}. */
    public List<Transfer> canonicalTransfers(long number) {
        checkBlock(number, 1);
        return transfers.get((int) number - 1);
    }

    /** Every canonical transfer, block by block. */
    public List<Transfer> canonicalTransfers() {
        List<Transfer> all = new ArrayList<>();
        transfers.forEach(all::addAll);
        return all;
    }

    /** Every key that any canonical or orphaned transfer touched. */
    public Set<BalanceKey> keys() {
        return Collections.unmodifiableSet(histories.keySet());
    }

    /** Balance of {@code key} after canonical block {@code blockNumber} (0 = before any block). */
    public BigInteger balanceAt(BalanceKey key, long blockNumber) {
        checkBlock(blockNumber, 0);
        History h = histories.get(key);
        return h == null ? BigInteger.ZERO : h.at(blockNumber);
    }

    /** Every non-zero balance after canonical block {@code blockNumber}. */
    public Map<BalanceKey, BigInteger> balancesAt(long blockNumber) {
        checkBlock(blockNumber, 0);
        Map<BalanceKey, BigInteger> out = new HashMap<>();
        histories.forEach((key, h) -> {
            BigInteger v = h.at(blockNumber);
            if (v.signum() != 0) {
                out.put(key, v);
            }
        });
        return out;
    }

    /**
     * Number of the last canonical block with time strictly before {@code instantExclusive}; 0 if none.
     * Only final once the head's time is at or past the instant.
     */
    public long lastBlockBefore(Instant instantExclusive) {
        long lo = 0;
        long hi = head();
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (Instant.ofEpochSecond(header(mid).getTimestamp()).isBefore(instantExclusive)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Balance after the last canonical block with time < {@code instantExclusive}: what a tumbling window
     * ending at that instant must report as its closing balance.
     */
    public BigInteger balanceAtTime(BalanceKey key, Instant instantExclusive) {
        return balanceAt(key, lastBlockBefore(instantExclusive));
    }

    /** Every non-zero balance after the last canonical block with time < {@code instantExclusive}. */
    public Map<BalanceKey, BigInteger> balancesAtTime(Instant instantExclusive) {
        return balancesAt(lastBlockBefore(instantExclusive));
    }

    /** Block time of {@code number} on this chain (Unix seconds), whether or not it exists yet. */
    public long blockTime(long number) {
        return genesisTime + number * blockInterval;
    }

    private void checkBlock(long number, long min) {
        if (number < min || number > head()) {
            throw new IllegalArgumentException("block " + number + " is not canonical on synthetic chain " + chainId
                    + " (canonical blocks are " + min + ".." + head() + ")");
        }
    }
}
