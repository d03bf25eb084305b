package io.chaintrack.connectors.evm.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint form of {@link EvmEnumeratorState}. */
public final class EvmEnumeratorStateSerializer implements SimpleVersionedSerializer<EvmEnumeratorState> {
    public static final EvmEnumeratorStateSerializer INSTANCE = new EvmEnumeratorStateSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(EvmEnumeratorState s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(s.initialized());
            out.writeLong(s.backfillNext());
            out.writeLong(s.backfillEnd());
            out.writeLong(s.tailStart());
            out.writeBoolean(s.tailCreated());
            out.writeInt(s.pending().size());
            for (EvmSplit split : s.pending()) {
                EvmSplitSerializer.write(split, out);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public EvmEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown EVM enumerator state version " + version + " (this build reads " + VERSION + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            boolean initialized = in.readBoolean();
            long backfillNext = in.readLong();
            long backfillEnd = in.readLong();
            long tailStart = in.readLong();
            boolean tailCreated = in.readBoolean();
            int n = in.readInt();
            List<EvmSplit> pending = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                pending.add(EvmSplitSerializer.read(in));
            }
            return new EvmEnumeratorState(initialized, backfillNext, backfillEnd, tailStart, tailCreated, pending);
        }
    }
}
