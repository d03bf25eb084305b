package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A final block with what it changed in the chain's address book: addresses seen, sending or receiving
 * for the first time, first active that day or window, and holder counts gained or lost per token.
 */
public record LedgerBlock(
        FinalBlock block,
        int newAddresses,
        int newSenders,
        int newReceivers,
        int holdersDelta,
        int newDayActive,
        int newWindowActive,
        Map<String, Integer> tokenHolderDeltas) {

    public static final CodecTypeInfo<LedgerBlock> TYPE = new CodecTypeInfo<>(LedgerBlock.class, new LedgerBlockCodec());

    public static final class LedgerBlockCodec implements Codec<LedgerBlock> {
        private static final long serialVersionUID = 1L;
        private final FinalBlock.FinalBlockCodec blocks = new FinalBlock.FinalBlockCodec();

        @Override
        public void write(LedgerBlock b, DataOutputView out) throws IOException {
            blocks.write(b.block, out);
            out.writeInt(b.newAddresses);
            out.writeInt(b.newSenders);
            out.writeInt(b.newReceivers);
            out.writeInt(b.holdersDelta);
            out.writeInt(b.newDayActive);
            out.writeInt(b.newWindowActive);
            out.writeInt(b.tokenHolderDeltas.size());
            for (Map.Entry<String, Integer> e : b.tokenHolderDeltas.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        }

        @Override
        public LedgerBlock read(DataInputView in) throws IOException {
            FinalBlock block = blocks.read(in);
            int a = in.readInt(), s = in.readInt(), r = in.readInt(), h = in.readInt(), d = in.readInt(), w = in.readInt();
            int n = in.readInt();
            Map<String, Integer> deltas = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                deltas.put(in.readUTF(), in.readInt());
            }
            return new LedgerBlock(block, a, s, r, h, d, w, deltas);
        }
    }
}
