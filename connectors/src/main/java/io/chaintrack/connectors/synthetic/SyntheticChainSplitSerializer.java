package io.chaintrack.connectors.synthetic;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Split state in checkpoints: event index, then the generator snapshot (length -1 = from genesis). */
final class SyntheticChainSplitSerializer implements SimpleVersionedSerializer<SyntheticChainSplit> {
    static final SyntheticChainSplitSerializer INSTANCE = new SyntheticChainSplitSerializer();

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(SyntheticChainSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        write(split, out);
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public SyntheticChainSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("unknown SyntheticChainSplit serializer version " + version);
        }
        return read(new DataInputStream(new ByteArrayInputStream(serialized)));
    }

    static void write(SyntheticChainSplit split, DataOutputStream out) throws IOException {
        out.writeLong(split.eventIndex());
        byte[] state = split.generatorState();
        out.writeInt(state == null ? -1 : state.length);
        if (state != null) {
            out.write(state);
        }
    }

    static SyntheticChainSplit read(DataInputStream in) throws IOException {
        long eventIndex = in.readLong();
        int length = in.readInt();
        byte[] state = null;
        if (length >= 0) {
            state = new byte[length];
            in.readFully(state);
        }
        return new SyntheticChainSplit(eventIndex, state);
    }
}
