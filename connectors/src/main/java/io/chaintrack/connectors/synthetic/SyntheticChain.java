package io.chaintrack.connectors.synthetic;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.NoSuchElementException;

/**
 * A deterministic EVM-like chain that emits ChainEvents exactly as a chain follower would: APPLIED per new
 * block, and on a reorg REVERTED for the orphaned blocks newest first (same transfers as applied), then the
 * replacement blocks. Every transfer is valid: nobody spends more than they hold; supply comes from and
 * goes to the zero address. Same config, same events, byte for byte.
 *
 * <p>Not thread-safe. {@link #snapshot()} / {@link #restore} capture the generator at any event.
 */
public final class SyntheticChain implements Iterator<ChainEvent> {
    private static final int SNAPSHOT_MAGIC = 0x43545343; // "CTSC"
    private static final int SNAPSHOT_VERSION = 1;
    private static final long SALT_BLOCK = 0x424c4f43L;
    private static final long SALT_REORG = 0x52454f52L;
    private static final long SALT_RNG = 0x524e4753L;
    private static final ByteString ONE = ByteString.copyFrom(new byte[] {1});
    private static final double BURN_SHARE = 0.02;
    private static final double ERC721_MINT_SHARE = 0.2;
    private static final double ERC1155_BATCH_SHARE = 0.3;

    private final SyntheticChainConfig config;
    private final ChainUniverse universe;
    /** Sees every emitted event in order (test oracles fold them); none by default. */
    private Consumer<ChainEvent> observer = e -> {};
    private final int recentCapacity;

    private final Mix64 rng;
    private long forkCounter;
    private long head;
    /** Blocks still to revert in the reorg under way. */
    private int pendingReverts;
    private long announcedHead;
    private long eventIndex;
    /** The newest canonical APPLIED events, oldest first: what a reorg reverts, and the head's hash. */
    private final ArrayDeque<ChainEvent> recent = new ArrayDeque<>();

    private final long[][] fungible;
    private final long[][] multi;
    private final int[][] owners;
    private final int[] nextTokenId;

    /** A chain in constant memory: it keeps only what a reorg can revert. */
    public SyntheticChain(SyntheticChainConfig config) {
        this.config = config;
        this.universe = new ChainUniverse(config);
        // twice the depth (+1 for the parent) so a reorg can also reach into blocks that replaced an earlier one
        this.recentCapacity = 2 * config.maxReorgDepth() + 1;
        this.rng = new Mix64(Mix64.hash(config.seed(), config.chainId(), SALT_RNG, 0));
        int n = config.addresses();
        this.fungible = new long[universe.fungible.length][n];
        this.multi = new long[config.erc1155Tokens() * config.erc1155IdsPerToken()][];
        this.owners = new int[config.erc721Tokens()][];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = new int[64];
            Arrays.fill(owners[i], -1);
        }
        this.nextTokenId = new int[config.erc721Tokens()];
        Arrays.fill(nextTokenId, 1);
    }

    public SyntheticChainConfig config() {
        return config;
    }

    /** Hands every event emitted from now on to {@code observer}; only before the first event, so it sees them all. */
    public SyntheticChain observe(Consumer<ChainEvent> observer) {
        if (eventIndex != 0) {
            throw new IllegalStateException("observe before the first event: " + eventIndex + " already emitted");
        }
        this.observer = observer;
        return this;
    }

    public String genesisHash() {
        return universe.genesisHash;
    }

    /** Number of events emitted so far: the index of the next event. */
    public long eventIndex() {
        return eventIndex;
    }

    /** Current canonical head number (0 before the first block). */
    public long head() {
        return head;
    }

    /** False only for a bounded chain whose canonical head reached {@link SyntheticChainConfig#blockCount()}. */
    @Override
    public boolean hasNext() {
        return pendingReverts > 0 || !config.bounded() || head < config.blockCount();
    }

    /** Whether the next event is a new block (APPLIED) rather than part of a reorg; does not advance. */
    public boolean nextIsApplied() {
        return hasNext() && pendingReverts == 0 && reorgDepth() == 0;
    }

    @Override
    public ChainEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("synthetic chain " + config.chainId() + " ended at block " + config.blockCount());
        }
        ChainEvent event;
        if (pendingReverts > 0) {
            event = revertHead();
        } else {
            int depth = reorgDepth();
            if (depth > 0) {
                forkCounter++;
                pendingReverts = depth;
                // the follower saw a competing head one above ours: that is what made it reorganise
                announcedHead = Math.max(announcedHead, head + 1);
                event = revertHead();
            } else {
                event = applyNext();
            }
        }
        eventIndex++;
        return event;
    }

    /** The next {@code n} events (fewer when a bounded chain ends). */
    public List<ChainEvent> next(int n) {
        List<ChainEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n && hasNext(); i++) {
            out.add(next());
        }
        return out;
    }

    /** A pure function of (seed, height, fork), so {@link #nextIsApplied()} can look ahead without advancing. */
    private int reorgDepth() {
        // a reorg settles (the new fork reaches the competing head) before the next may start,
        // so consecutive REVERTED events never exceed maxReorgDepth
        if (!config.reorgs() || head < announcedHead) {
            return 0;
        }
        int available = head <= recent.size() ? (int) head : recent.size() - 1;
        if (available <= 0) {
            return 0;
        }
        long r = Mix64.hash(config.seed() ^ SALT_REORG, config.chainId(), head + 1, forkCounter);
        if (Mix64.toUnit(r) >= config.reorgProbability()) {
            return 0;
        }
        return 1 + (int) Long.remainderUnsigned(Mix64.mix(r), Math.min(config.maxReorgDepth(), available));
    }

    private ChainEvent revertHead() {
        pendingReverts--;
        ChainEvent applied = recent.pollLast();
        List<Transfer> transfers = applied.getTransfersList();
        for (int i = transfers.size() - 1; i >= 0; i--) {
            undo(transfers.get(i));
        }
        head--;
        ChainEvent reverted = applied.toBuilder()
                .setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED)
                .setHeadNumber(announcedHead)
                .build();
        observer.accept(reverted);
        return reverted;
    }

    private ChainEvent applyNext() {
        long number = head + 1;
        String parent = head == 0 ? universe.genesisHash : recent.peekLast().getBlock().getHash();
        ChainEvent event = new BlockBuilder(number, parent).build();
        head = number;
        recent.addLast(event);
        if (recent.size() > recentCapacity) {
            recent.pollFirst();
        }
        observer.accept(event);
        return event;
    }

    // ---- block generation -------------------------------------------------------------------------

    /** Builds one block, updating balances as each transfer is decided so every transfer sees its predecessors. */
    private final class BlockBuilder {
        private final long number;
        private final long key;
        private final String hash;
        private final String parentHash;
        private final long time;
        private final List<Transfer> transfers;
        private final Transfer.Builder t;
        private int txIndex;
        private int logIndex;
        private int withdrawalIndex;
        private long gasUsed;

        BlockBuilder(long number, String parentHash) {
            this.number = number;
            this.parentHash = parentHash;
            this.key = Mix64.hash(config.seed() ^ SALT_BLOCK, config.chainId(), number, forkCounter);
            this.hash = Hex.hash(key, Mix64.mix(key + 1), Mix64.mix(key + 2), Mix64.mix(key + 3));
            this.time = config.genesisTime() + number * config.blockIntervalSeconds();
            this.transfers = new ArrayList<>(config.transfersPerBlock());
            // one builder for the block; every varying field is set for every transfer, so nothing leaks across
            this.t = Transfer.newBuilder()
                    .setChainId(config.chainId())
                    .setBlockNumber(number)
                    .setBlockHash(hash)
                    .setBlockTime(time);
        }

        ChainEvent build() {
            int target = config.transfersPerBlock();
            while (transfers.size() < target) {
                if (rng.nextDouble() < universe.nativeShare) {
                    nativeTx();
                } else {
                    tokenTx(target - transfers.size());
                }
            }
            int validators = Math.min(16, universe.addresses.length);
            BlockHeader header = BlockHeader.newBuilder()
                    .setChainId(config.chainId())
                    .setNumber(number)
                    .setHash(hash)
                    .setParentHash(parentHash)
                    .setTimestamp(time)
                    .setFeeRecipient(universe.addresses[(int) Long.remainderUnsigned(Mix64.mix(key + 4), validators)])
                    .setGasUsed(gasUsed)
                    .build();
            return ChainEvent.newBuilder()
                    .setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                    .setBlock(header)
                    .addAllTransfers(transfers)
                    .setHeadNumber(Math.max(number, announcedHead))
                    .build();
        }

        private String txHash() {
            long k = Mix64.hash(key, txIndex, 0x5458L, 0);
            return Hex.hash(k, Mix64.mix(k + 1), Mix64.mix(k + 2), Mix64.mix(k + 3));
        }

        private void nativeTx() {
            long[] balances = fungible[universe.nativeSlot];
            ChainUniverse.Fungible token = universe.fungible[universe.nativeSlot];
            int from = universe.zipf(rng);
            if (balances[from] == 0) {
                // new supply enters as a beacon withdrawal: no transaction, its own index space
                long units = mintUnits();
                balances[from] += units;
                add("", withdrawalIndex++, -1, "withdrawal", 0, token.token(), token.standard(), -1, from,
                        scaled(units, token.scale(), token.shiftBytes()), ByteString.EMPTY, "");
                return;
            }
            long units = spendUnits(balances[from]);
            int to = receiver(balances, from, units);
            balances[from] -= units;
            if (to >= 0) {
                balances[to] += units;
            }
            add(txHash(), txIndex++, -1, "", 0, token.token(), token.standard(), from, to,
                    scaled(units, token.scale(), token.shiftBytes()), ByteString.EMPTY, "");
            gasUsed += 21_000;
        }

        private void tokenTx(int remaining) {
            double r = rng.nextDouble();
            int logs = Math.min(remaining, r < 0.7 ? 1 : r < 0.9 ? 2 : 3);
            String txHash = txHash();
            int start = transfers.size();
            for (int i = 0; i < logs; i++) {
                // every log emits at least one transfer, so leave one for each log still to come
                int budget = remaining - (transfers.size() - start) - (logs - i - 1);
                double s = rng.nextDouble();
                if (s < universe.erc20Cut) {
                    erc20Log(txHash);
                } else if (s < universe.erc721Cut) {
                    erc721Log(txHash);
                } else {
                    erc1155Log(txHash, budget);
                }
            }
            gasUsed += 35_000 + 15_000L * logs;
            txIndex++;
        }

        private void erc20Log(String txHash) {
            int slot = universe.firstErc20Slot + rng.nextInt(config.erc20Tokens());
            ChainUniverse.Fungible token = universe.fungible[slot];
            long[] balances = fungible[slot];
            int from = universe.zipf(rng);
            long units;
            int to;
            if (balances[from] == 0) {
                units = mintUnits();
                to = from;
                from = -1;
                balances[to] += units;
            } else {
                units = spendUnits(balances[from]);
                to = receiver(balances, from, units);
                balances[from] -= units;
                if (to >= 0) {
                    balances[to] += units;
                }
            }
            add(txHash, txIndex, logIndex++, "", 0, token.token(), token.standard(), from, to,
                    scaled(units, token.scale(), token.shiftBytes()), ByteString.EMPTY, "");
        }

        private void erc721Log(String txHash) {
            int c = rng.nextInt(config.erc721Tokens());
            int minted = nextTokenId[c] - 1;
            int id = minted == 0 || rng.nextDouble() < ERC721_MINT_SHARE ? 0 : 1 + rng.nextInt(minted);
            int from = id == 0 ? -1 : owners[c][id];
            int to;
            if (from < 0) {
                // a fresh id (a burned or never-minted id is never moved again)
                id = nextTokenId[c]++;
                if (id >= owners[c].length) {
                    int old = owners[c].length;
                    owners[c] = Arrays.copyOf(owners[c], old * 2);
                    Arrays.fill(owners[c], old, owners[c].length, -1);
                }
                from = -1;
                to = universe.zipf(rng);
            } else {
                to = rng.nextDouble() < BURN_SHARE ? -1 : universe.zipfOther(rng, from);
            }
            owners[c][id] = to;
            add(txHash, txIndex, logIndex++, "", 0, universe.erc721[c], TokenStandard.TOKEN_STANDARD_ERC721, from, to,
                    ONE, unsignedBytes(id), "");
        }

        private void erc1155Log(String txHash, int maxEntries) {
            int ids = config.erc1155IdsPerToken();
            int c = rng.nextInt(config.erc1155Tokens());
            int from = universe.zipf(rng);
            int to = rng.nextDouble() < BURN_SHARE ? -1 : universe.zipfOther(rng, from);
            int operator = rng.nextDouble() < 0.8 ? from : universe.zipf(rng);
            int size = 1;
            if (maxEntries >= 2 && ids >= 2 && rng.nextDouble() < ERC1155_BATCH_SHARE) {
                size = Math.min(Math.min(maxEntries, ids), 2 + rng.nextInt(3));
            }
            int first = rng.nextInt(ids);
            boolean anyHeld = false;
            for (int j = 0; j < size; j++) {
                long[] b = multi[c * ids + (first + j) % ids];
                anyHeld |= b != null && b[from] > 0;
            }
            String token = universe.erc1155[c];
            int log = logIndex++;
            int batchIndex = 0;
            for (int j = 0; j < size; j++) {
                int id = (first + j) % ids;
                long[] balances = balances1155(c * ids + id);
                if (!anyHeld) {
                    // nobody can send: the contract mints the whole batch to `from` instead
                    long units = 1 + rng.nextInt(1_000);
                    balances[from] += units;
                    add(txHash, txIndex, log, "", batchIndex++, token, TokenStandard.TOKEN_STANDARD_ERC1155, -1, from,
                            unsignedBytes(units), universe.erc1155Ids[id], universe.addresses[from]);
                } else if (balances[from] > 0) {
                    long units = spendUnits(balances[from]);
                    int receiver = to >= 0 && balances[to] > Long.MAX_VALUE - units ? -1 : to;
                    balances[from] -= units;
                    if (receiver >= 0) {
                        balances[receiver] += units;
                    }
                    add(txHash, txIndex, log, "", batchIndex++, token, TokenStandard.TOKEN_STANDARD_ERC1155, from, receiver,
                            unsignedBytes(units), universe.erc1155Ids[id], universe.addresses[operator]);
                }
            }
        }

        private void add(String txHash, int txIdx, int logIdx, String traceAddress, int batchIndex, String token,
                         TokenStandard standard, int from, int to, ByteString amount, ByteString tokenId, String operator) {
            transfers.add(t.setTxHash(txHash)
                    .setTxIndex(txIdx)
                    .setLogIndex(logIdx)
                    .setTraceAddress(traceAddress)
                    .setBatchIndex(batchIndex)
                    .setToken(token)
                    .setStandard(standard)
                    .setFromAddress(universe.address(from))
                    .setToAddress(universe.address(to))
                    .setAmount(amount)
                    .setTokenId(tokenId)
                    .setOperator(operator)
                    .build());
        }
    }

    private long[] balances1155(int slot) {
        long[] b = multi[slot];
        if (b == null) {
            b = new long[config.addresses()];
            multi[slot] = b;
        }
        return b;
    }

    private long mintUnits() {
        return 1 + rng.nextLong(1L << 32);
    }

    /** Skewed to small amounts, sometimes the whole balance; always within [1, balance]. */
    private long spendUnits(long balance) {
        double u = rng.nextDouble();
        return u > 0.97 ? balance : Math.min(balance, 1 + (long) (u * u * balance));
    }

    /** A Zipf receiver, or the zero address (a burn) by chance or when the receiver's balance would overflow a long. */
    private int receiver(long[] balances, int from, long units) {
        if (rng.nextDouble() < BURN_SHARE) {
            return -1;
        }
        int to = universe.zipfOther(rng, from);
        return balances[to] > Long.MAX_VALUE - units ? -1 : to;
    }

    /** Undoes one transfer of a block being reverted (newest transfer first). */
    private void undo(Transfer t) {
        ChainUniverse.TokenRef ref = universe.tokens.get(t.getToken());
        int from = universe.index(t.getFromAddress());
        int to = universe.index(t.getToAddress());
        switch (ref.standard()) {
            case TOKEN_STANDARD_NATIVE, TOKEN_STANDARD_ERC20 -> {
                ChainUniverse.Fungible token = universe.fungible[ref.index()];
                long units = Uint256.decode(t.getAmount()).shiftRight(8 * token.shiftBytes())
                        .divide(BigInteger.valueOf(token.scale())).longValueExact();
                move(fungible[ref.index()], to, from, units);
            }
            case TOKEN_STANDARD_ERC721 -> owners[ref.index()][Uint256.decode(t.getTokenId()).intValueExact()] = from;
            case TOKEN_STANDARD_ERC1155 -> {
                int id = Uint256.decode(t.getTokenId()).intValueExact() - 1;
                move(balances1155(ref.index() * config.erc1155IdsPerToken() + id), to, from,
                        Uint256.decode(t.getAmount()).longValueExact());
            }
            default -> throw new IllegalStateException("unexpected standard " + ref.standard());
        }
    }

    private static void move(long[] balances, int from, int to, long units) {
        if (from >= 0) {
            balances[from] -= units;
        }
        if (to >= 0) {
            balances[to] += units;
        }
    }

    /** units * scale * 256^shiftBytes as minimal big-endian bytes, without BigInteger. */
    static ByteString scaled(long units, long scale, int shiftBytes) {
        long hi = Math.multiplyHigh(units, scale);
        long lo = units * scale;
        byte[] buf = new byte[16 + shiftBytes];
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (hi >>> (56 - 8 * i));
            buf[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        int start = 0;
        while (start < 16 && buf[start] == 0) {
            start++;
        }
        if (start == 16) {
            return ByteString.EMPTY;
        }
        return UnsafeByteOperations.unsafeWrap(buf, start, buf.length - start);
    }

    /** A non-negative long as a minimal big-endian uint256. */
    static ByteString unsignedBytes(long value) {
        return scaled(value, 1, 0);
    }

    // ---- snapshot / restore -------------------------------------------------------------------------

    /**
     * The generator's complete state: restoring it continues with exactly the events this chain would
     * emit next. Observers are not included. Balances are written sparsely (index delta, value).
     */
    public byte[] snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(SNAPSHOT_MAGIC);
            out.writeInt(SNAPSHOT_VERSION);
            out.writeLong(config.sequenceFingerprint());
            out.writeLong(rng.state());
            out.writeLong(forkCounter);
            out.writeLong(head);
            out.writeInt(pendingReverts);
            out.writeLong(announcedHead);
            out.writeLong(eventIndex);
            out.writeInt(recent.size());
            for (ChainEvent e : recent) {
                byte[] b = e.toByteArray();
                out.writeInt(b.length);
                out.write(b);
            }
            for (long[] balances : fungible) {
                writeSparse(out, balances);
            }
            for (long[] balances : multi) {
                out.writeBoolean(balances != null);
                if (balances != null) {
                    writeSparse(out, balances);
                }
            }
            for (int c = 0; c < owners.length; c++) {
                writeVarLong(out, nextTokenId[c]);
                for (int id = 1; id < nextTokenId[c]; id++) {
                    writeVarLong(out, owners[c][id] + 1L);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A chain positioned exactly where {@code snapshot} was taken. The config must produce the same
     * sequence (its pace and block count may differ); observers are not carried over.
     */
    public static SyntheticChain restore(SyntheticChainConfig config, byte[] snapshot) {
        SyntheticChain chain = new SyntheticChain(config);
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
            if (in.readInt() != SNAPSHOT_MAGIC) {
                throw new IllegalArgumentException("not a SyntheticChain snapshot");
            }
            int version = in.readInt();
            if (version != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("SyntheticChain snapshot version " + version + " is not supported (expected "
                        + SNAPSHOT_VERSION + ")");
            }
            long fingerprint = in.readLong();
            if (fingerprint != config.sequenceFingerprint()) {
                throw new IllegalArgumentException("SyntheticChain snapshot was taken with a different chain config "
                        + "(seed, chain id, tokens, addresses, reorgs or block shape differ): " + config);
            }
            chain.rng.state(in.readLong());
            chain.forkCounter = in.readLong();
            chain.head = in.readLong();
            chain.pendingReverts = in.readInt();
            chain.announcedHead = in.readLong();
            chain.eventIndex = in.readLong();
            int recentCount = in.readInt();
            for (int i = 0; i < recentCount; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                chain.recent.addLast(ChainEvent.parseFrom(b));
            }
            for (long[] balances : chain.fungible) {
                readSparse(in, balances);
            }
            for (int i = 0; i < chain.multi.length; i++) {
                if (in.readBoolean()) {
                    readSparse(in, chain.balances1155(i));
                }
            }
            for (int c = 0; c < chain.owners.length; c++) {
                int next = (int) readVarLong(in);
                chain.nextTokenId[c] = next;
                int capacity = Math.max(64, Integer.highestOneBit(Math.max(1, next)) * 2);
                chain.owners[c] = new int[capacity];
                Arrays.fill(chain.owners[c], -1);
                for (int id = 1; id < next; id++) {
                    chain.owners[c][id] = (int) (readVarLong(in) - 1);
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("SyntheticChain snapshot has " + in.available() + " trailing bytes");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalArgumentException("SyntheticChain snapshot is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    private static void writeSparse(DataOutputStream out, long[] values) throws IOException {
        int count = 0;
        for (long v : values) {
            if (v != 0) {
                count++;
            }
        }
        writeVarLong(out, count);
        int last = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                writeVarLong(out, i - last);
                writeVarLong(out, values[i]);
                last = i;
            }
        }
    }

    private static void readSparse(DataInputStream in, long[] values) throws IOException {
        long count = readVarLong(in);
        int index = -1;
        for (long k = 0; k < count; k++) {
            index += (int) readVarLong(in);
            values[index] = readVarLong(in);
        }
    }

    private static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint longer than 64 bits");
    }
}
