package io.chaintrack.connectors.flink;

import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Hand-written binary form of one analytics type. Codecs must have a public no-arg constructor:
 * a restored savepoint re-creates them by class name. Changing a codec's format needs a new class.
 */
public interface Codec<T> extends Serializable {
    void write(T value, DataOutputView out) throws IOException;

    T read(DataInputView in) throws IOException;

    /** Whether values are never mutated after construction, so copies can share them. */
    default boolean immutable() {
        return true;
    }

    /** A deep copy for mutable types; only called when {@link #immutable()} is false. */
    default T copy(T value) {
        throw new UnsupportedOperationException(getClass() + " declares immutable values");
    }

    static void writeNullableString(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullableString(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeBigInteger(java.math.BigInteger v, DataOutputView out) throws IOException {
        byte[] b = v.toByteArray();
        out.writeShort(b.length);
        out.write(b);
    }

    static java.math.BigInteger readBigInteger(DataInputView in) throws IOException {
        byte[] b = new byte[in.readShort()];
        in.readFully(b);
        return new java.math.BigInteger(b);
    }
}
