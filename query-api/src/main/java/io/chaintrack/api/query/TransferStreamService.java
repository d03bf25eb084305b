package io.chaintrack.api.query;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferView;
import jakarta.inject.Singleton;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live transfers of an address by polling the store. Each stream mirrors the address's canonical rows in
 * the last reorg-margin blocks below the chain head: a row that appears there is sent, a row sent earlier
 * that disappears (its block was reorged away) is sent again with removed = true. Rows arriving late or
 * out of block order inside the margin are still caught; the mirror is capped at max-rows-per-poll.
 */
@Singleton
public final class TransferStreamService {
    /** The transfers table's natural key with the listing order in front. */
    record Key(long block, int tx, int log, int batch, String trace, String blockHash) {
        static final Comparator<Key> ORDER = Comparator.comparingLong(Key::block).thenComparingInt(Key::tx)
                .thenComparingInt(Key::log).thenComparingInt(Key::batch).thenComparing(Key::trace).thenComparing(Key::blockHash);

        static Key of(TransferView v) {
            return new Key(v.getBlockNumber(), v.getTxIndex(), v.getLogIndex(), v.getBatchIndex(), v.getTraceAddress(), v.getBlockHash());
        }
    }

    /** A poll reads from the reorg margin's floor up; each branch oldest first, its rows then keyed in the mirror. */
    private static final String FROM_FLOOR = " AND block_number >= ?";

    private record Snapshot(long head, TreeMap<Key, TransferView> rows) {}

    private final ChainDirectory chains;
    private final Store store;
    private final LiveStreams streams;
    private final Finality finality;

    public TransferStreamService(ChainDirectory chains, Store store, LiveStreams streams, Finality finality) {
        this.chains = chains;
        this.store = store;
        this.streams = streams;
        this.finality = finality;
    }

    public LiveStreams.Prepared<StreamAddressTransfersResponse> streamAddressTransfers(StreamAddressTransfersRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        Direction direction = RequestValues.direction("direction", request.getDirection(), request.getDirectionValue());
        String standard = RequestValues.standard("standard", request.getStandard());
        BigInteger minAmount = RequestValues.minAmount("min_amount", request.getMinAmount());
        long chainId = chains.requireKnown(request.getChainId());
        List<TransferQueryService.Scan> scans = TransferQueryService.filtered(TransferQueryService.addressScans(address, direction),
                standard, minAmount);
        LiveStreams.Slot slot = streams.reserve();
        try {
            Snapshot start = snapshot(chainId, scans, -1);
            return sink -> streams.start(slot, new AddressPoll(chainId, scans, start, sink));
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    /** A row as sent: marked final when its block is at or below the chain's finalized block, which travels along. */
    static StreamAddressTransfersResponse message(TransferView row, boolean removed, Finality.Finalized f) {
        StreamAddressTransfersResponse.Builder b = StreamAddressTransfersResponse.newBuilder()
                .setTransfer(!removed && f.covers(row.getBlockNumber()) ? row.toBuilder().setFinalized(true).build() : row)
                .setRemoved(removed);
        if (f.number() != null) {
            b.setFinalizedBlock(f.number());
        }
        return b.build();
    }

    private final class AddressPoll implements LiveStreams.Poll {
        private final long chainId;
        private final List<TransferQueryService.Scan> scans;
        private final StreamSink<StreamAddressTransfersResponse> sink;
        private final long heartbeatNanos;
        private TreeMap<Key, TransferView> mirror;
        private long floor;
        private long lastSent = System.nanoTime();

        AddressPoll(long chainId, List<TransferQueryService.Scan> scans, Snapshot start,
                    StreamSink<StreamAddressTransfersResponse> sink) {
            this.chainId = chainId;
            this.scans = scans;
            this.sink = sink;
            this.mirror = start.rows();
            this.floor = floorBelow(start.head());
            this.heartbeatNanos = streams.config().heartbeat().toNanos();
        }

        @Override
        public boolean run() {
            if (sink.closed()) {
                return false;
            }
            if (!sink.ready()) {
                return true; // the client is slow: the rows wait in the store, not in memory
            }
            Snapshot now;
            Finality.Finalized f;
            try {
                now = snapshot(chainId, scans, floor);
                // re-read at most every 100 ms per chain (Finality), whatever the poll interval
                f = finality.of(chainId);
            } catch (ApiException e) {
                sink.fail(e);
                return false;
            }
            boolean sent = false;
            for (Map.Entry<Key, TransferView> gone : mirror.entrySet()) {
                if (!now.rows().containsKey(gone.getKey())) {
                    sink.send(message(gone.getValue(), true, f));
                    sent = true;
                }
            }
            for (Map.Entry<Key, TransferView> row : now.rows().entrySet()) {
                if (!mirror.containsKey(row.getKey())) {
                    sink.send(message(row.getValue(), false, f));
                    sent = true;
                }
            }
            mirror = now.rows();
            floor = Math.max(floor, floorBelow(now.head()));
            mirror.headMap(new Key(floor, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, "", "")).clear();
            long t = System.nanoTime();
            if (sent) {
                lastSent = t;
            } else if (t - lastSent >= heartbeatNanos) {
                sink.heartbeat();
                lastSent = t;
            }
            return true;
        }
    }

    private long floorBelow(long head) {
        return Math.max(0, head - streams.config().reorgMarginBlocks());
    }

    /** The address's canonical rows at or above {@code floor} (-1: the margin below the current head). */
    private Snapshot snapshot(long chainId, List<TransferQueryService.Scan> scans, long floor) {
        int cap = streams.config().maxRowsPerPoll();
        return store.read(c -> {
            Blocks.Block latest = Blocks.latest(store, c, chainId);
            long head = latest == null ? 0 : latest.number();
            long from = floor >= 0 ? floor : floorBelow(head);
            TreeMap<Key, TransferView> rows = new TreeMap<>(Key.ORDER);
            for (TransferView row : rows(c, chainId, scans, from, cap + 1)) {
                rows.put(Key.of(row), row);
            }
            if (rows.size() > cap) {
                throw new ApiException(ErrorKind.RESOURCE_EXHAUSTED, null, "the address has more than " + cap
                        + " transfers in the last " + streams.config().reorgMarginBlocks()
                        + " blocks: too busy for a live stream; page through it instead");
            }
            return new Snapshot(head, rows);
        });
    }

    /** The statement of {@link #rows}. */
    static String sql(List<TransferQueryService.Scan> scans) {
        return TransferRows.branches(scans, FROM_FLOOR, TransferRows.OLDEST_FIRST).toString();
    }

    private List<TransferView> rows(Connection c, long chainId, List<TransferQueryService.Scan> scans, long from, int fetch)
            throws SQLException {
        try (PreparedStatement st = store.prepare(c, sql(scans))) {
            TransferRows.bindBranches(st, chainId, scans, List.of(from), fetch);
            return TransferRows.read(st, chainId);
        }
    }
}
