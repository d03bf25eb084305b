package io.chaintrack.connectors.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Flink serializer over a {@link Codec}; the snapshot records the codec class so savepoints restore it. */
public final class CodecSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private final Codec<T> codec;

    public CodecSerializer(Codec<T> codec) {
        this.codec = codec;
    }

    @Override
    public boolean isImmutableType() {
        return codec.immutable();
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        if (from == null || codec.immutable()) {
            return from;
        }
        return codec.copy(from);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        codec.write(record, target);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return codec.read(source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    /** Round trip through bytes: the deep copy of mutable types that have no hand-written copy. */
    public static <T> T roundTrip(Codec<T> codec, T value) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            codec.write(value, out);
            return codec.read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("codec " + codec.getClass().getName() + " failed a round trip", e);
        }
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof CodecSerializer<?> other && other.codec.getClass().equals(codec.getClass());
    }

    @Override
    public int hashCode() {
        return codec.getClass().hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(codec);
    }

    /**
     * Stores the codec class name; the same class reads its own bytes. Not final: the snapshot class of the old
     * package extends it so savepoints naming that class still restore (docs/runbook.md).
     */
    public static class Snapshot<T> implements TypeSerializerSnapshot<T> {
        private Codec<T> codec;

        public Snapshot() {}

        Snapshot(Codec<T> codec) {
            this.codec = codec;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(codec.getClass().getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            String name = in.readUTF();
            try {
                codec = (Codec<T>) Class.forName(name, true, classLoader).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IOException("codec " + name + " of a restored state serializer cannot be created", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new CodecSerializer<>(codec);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot<T> old && old.codec.getClass().getName().equals(codec.getClass().getName())) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
