package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A canonical block older than the reorg horizon: it will never be reverted, so everything downstream
 * is append-only. Blocks of one chain are emitted exactly once each, in block-number order.
 *
 * @param intervalSeconds seconds since the parent block, or -1 when the parent was not seen
 * @param seq             how many final blocks of this chain have been emitted up to and including this one
 * @param coveredFrom     first block of the gap-free run of final blocks that ends here
 * @param exact           the run starts at (or before) the configured start block and no reorg was deeper than the horizon
 */
public record FinalBlock(
        long chainId,
        long number,
        String hash,
        long time,
        long gasUsed,
        long intervalSeconds,
        long seq,
        long coveredFrom,
        boolean exact,
        List<TransferFact> transfers) {

    public static final CodecTypeInfo<FinalBlock> TYPE = new CodecTypeInfo<>(FinalBlock.class, new FinalBlockCodec());

    public long day() {
        return Math.floorDiv(time, 86_400L);
    }

    public long windowIndex(long windowSeconds) {
        return Math.floorDiv(time, windowSeconds);
    }

    /** Binary form: header fields, then each transfer's fields. */
    public static final class FinalBlockCodec implements Codec<FinalBlock> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(FinalBlock b, DataOutputView out) throws IOException {
            out.writeLong(b.chainId);
            out.writeLong(b.number);
            out.writeUTF(b.hash);
            out.writeLong(b.time);
            out.writeLong(b.gasUsed);
            out.writeLong(b.intervalSeconds);
            out.writeLong(b.seq);
            out.writeLong(b.coveredFrom);
            out.writeBoolean(b.exact);
            out.writeInt(b.transfers.size());
            for (TransferFact t : b.transfers) {
                writeTransfer(t, out);
            }
        }

        @Override
        public FinalBlock read(DataInputView in) throws IOException {
            long chainId = in.readLong();
            long number = in.readLong();
            String hash = in.readUTF();
            long time = in.readLong();
            long gas = in.readLong();
            long interval = in.readLong();
            long seq = in.readLong();
            long coveredFrom = in.readLong();
            boolean exact = in.readBoolean();
            int n = in.readInt();
            List<TransferFact> transfers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                transfers.add(readTransfer(in));
            }
            return new FinalBlock(chainId, number, hash, time, gas, interval, seq, coveredFrom, exact, List.copyOf(transfers));
        }

        static void writeTransfer(TransferFact t, DataOutputView out) throws IOException {
            out.writeUTF(t.token());
            out.writeByte(t.standard());
            out.writeUTF(t.from());
            out.writeUTF(t.to());
            Codec.writeBigInteger(t.amount(), out);
            Codec.writeBigInteger(t.tokenId(), out);
            out.writeInt(t.txIndex());
            out.writeInt(t.logIndex());
            out.writeUTF(t.traceAddress());
            out.writeInt(t.batchIndex());
            out.writeUTF(t.txHash());
        }

        static TransferFact readTransfer(DataInputView in) throws IOException {
            return new TransferFact(in.readUTF(), in.readByte(), in.readUTF(), in.readUTF(),
                    Codec.readBigInteger(in), Codec.readBigInteger(in), in.readInt(), in.readInt(),
                    in.readUTF(), in.readInt(), in.readUTF());
        }
    }
}
