package io.chaintrack.connectors.evm.testkit;

import com.google.protobuf.ByteString;
import io.chaintrack.connectors.evm.fetch.BlockRef;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.Fetched;
import io.chaintrack.connectors.evm.fetch.HeadPoll;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory chain for reorg tests: blocks carry a fork label in their hash, so replacing the top blocks
 * with another fork is a reorg. Every block carries one native transfer whose amount encodes the fork, so a
 * REVERTED event with the wrong transfers is visible.
 */
public final class FakeChain implements ChainReader {
    private final List<ChainEvent> blocks = new ArrayList<>();
    private final AtomicInteger forks = new AtomicInteger();
    private int confirmations;
    private Runnable beforeFetch = () -> {};

    public FakeChain(int length) {
        blocks.add(block(0, "0x" + "00".repeat(32), 0));
        extend(length - 1);
    }

    public synchronized FakeChain confirmations(int n) {
        confirmations = n;
        return this;
    }

    /** Runs once before the next fetch (to change the chain while the follower is mid-step). */
    public synchronized void beforeNextFetch(Runnable r) {
        beforeFetch = r;
    }

    public synchronized long head() {
        return blocks.size() - 1;
    }

    public synchronized String hash(long n) {
        return blocks.get((int) n).getBlock().getHash();
    }

    public synchronized void extend(int count) {
        int fork = forks.get();
        for (int i = 0; i < count; i++) {
            ChainEvent last = blocks.get(blocks.size() - 1);
            blocks.add(block(blocks.size(), last.getBlock().getHash(), fork));
        }
    }

    /** Drops the top {@code depth} blocks and grows a new fork of {@code newBlocks} on what remains. */
    public synchronized void reorg(int depth, int newBlocks) {
        for (int i = 0; i < depth; i++) {
            blocks.remove(blocks.size() - 1);
        }
        forks.incrementAndGet();
        extend(newBlocks);
    }

    private static ChainEvent block(long number, String parent, int fork) {
        String hash = String.format("0x%016x%016x%032x", number, fork, 0xfeed);
        BlockHeader h = BlockHeader.newBuilder().setChainId(1).setNumber(number).setHash(hash).setParentHash(parent)
                .setTimestamp(1_700_000_000L + number * 12).build();
        Transfer t = Transfer.newBuilder().setChainId(1).setBlockNumber(number).setBlockHash(hash)
                .setBlockTime(h.getTimestamp()).setTxHash("0x" + "11".repeat(32)).setLogIndex(-1)
                .setToken(Addresses.NATIVE).setStandard(TokenStandard.TOKEN_STANDARD_NATIVE)
                .setFromAddress(Addresses.ZERO).setToAddress("0x" + "22".repeat(20))
                .setAmount(ByteString.copyFrom(new byte[] {(byte) (fork + 1), (byte) number})).build();
        return ChainEvent.newBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED).setBlock(h).addTransfers(t).build();
    }

    @Override
    public synchronized HeadPoll poll(long checkNumber) {
        long latest = head();
        BlockRef check = checkNumber >= 0 && checkNumber <= latest ? ref(checkNumber) : null;
        return new HeadPoll(latest, latest - confirmations, check);
    }

    @Override
    public Fetched fetch(long from, long to) {
        Runnable r;
        synchronized (this) {
            r = beforeFetch;
            beforeFetch = () -> {};
        }
        r.run();
        synchronized (this) {
            List<ChainEvent> out = new ArrayList<>();
            for (long n = from; n <= Math.min(to, head()); n++) {
                out.add(blocks.get((int) n).toBuilder().setHeadNumber(head()).build());
            }
            return new Fetched(out, head());
        }
    }

    @Override
    public synchronized List<BlockRef> headers(long from, long to) {
        List<BlockRef> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(n <= head() ? ref(n) : null);
        }
        return out;
    }

    private BlockRef ref(long n) {
        BlockHeader h = blocks.get((int) n).getBlock();
        return new BlockRef(n, h.getHash(), h.getParentHash());
    }

    @Override
    public void close() {}
}
