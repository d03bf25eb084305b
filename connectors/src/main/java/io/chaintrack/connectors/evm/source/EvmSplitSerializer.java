package io.chaintrack.connectors.evm.source;

import io.chaintrack.proto.v1.ChainEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint form of {@link EvmSplit}; the window's events travel as their protobuf bytes. */
public final class EvmSplitSerializer implements SimpleVersionedSerializer<EvmSplit> {
    public static final EvmSplitSerializer INSTANCE = new EvmSplitSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(EvmSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public EvmSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown EvmSplit serializer version " + version + " (this build reads " + VERSION + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(EvmSplit split, DataOutputStream out) throws IOException {
        out.writeByte(split.kind().ordinal());
        out.writeLong(split.from());
        out.writeLong(split.to());
        out.writeLong(split.next());
        out.writeInt(split.window().size());
        for (ChainEvent e : split.window()) {
            byte[] b = e.toByteArray();
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static EvmSplit read(DataInputStream in) throws IOException {
        int kind = in.readByte();
        if (kind < 0 || kind >= EvmSplit.Kind.values().length) {
            throw new IOException("unknown EvmSplit kind " + kind);
        }
        long from = in.readLong();
        long to = in.readLong();
        long next = in.readLong();
        int n = in.readInt();
        List<ChainEvent> window = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            window.add(ChainEvent.parseFrom(b));
        }
        return new EvmSplit(EvmSplit.Kind.values()[kind], from, to, next, window);
    }
}
