package io.chaintrack.connectors.evm.source;

import io.chaintrack.proto.v1.ChainEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink serializer for {@link ChainEvent}: length-prefixed protobuf bytes (no Kryo fallback). */
public final class ChainEventSerializer extends TypeSerializer<ChainEvent> {
    public static final ChainEventSerializer INSTANCE = new ChainEventSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<ChainEvent> duplicate() {
        return this;
    }

    @Override
    public ChainEvent createInstance() {
        return ChainEvent.getDefaultInstance();
    }

    @Override
    public ChainEvent copy(ChainEvent from) {
        return from;
    }

    @Override
    public ChainEvent copy(ChainEvent from, ChainEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChainEvent record, DataOutputView target) throws IOException {
        byte[] bytes = record.toByteArray();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public ChainEvent deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return ChainEvent.parseFrom(bytes);
    }

    @Override
    public ChainEvent deserialize(ChainEvent reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        target.write(source, n);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ChainEventSerializer;
    }

    @Override
    public int hashCode() {
        return ChainEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ChainEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Stateless serializer: the snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChainEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
