package io.chaintrack.connectors.synthetic;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

final class SyntheticChainEnumStateSerializer implements SimpleVersionedSerializer<SyntheticChainEnumState> {
    static final SyntheticChainEnumStateSerializer INSTANCE = new SyntheticChainEnumStateSerializer();

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(SyntheticChainEnumState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(state.unassigned().size());
        for (SyntheticChainSplit split : state.unassigned()) {
            SyntheticChainSplitSerializer.write(split, out);
        }
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public SyntheticChainEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("unknown SyntheticChainEnumState serializer version " + version);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
        int n = in.readInt();
        List<SyntheticChainSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            splits.add(SyntheticChainSplitSerializer.read(in));
        }
        return new SyntheticChainEnumState(splits);
    }
}
