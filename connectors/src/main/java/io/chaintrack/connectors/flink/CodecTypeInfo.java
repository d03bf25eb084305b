package io.chaintrack.connectors.flink;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information for the analytics types: serialized by their {@link Codec}, never by Kryo. */
public final class CodecTypeInfo<T> extends SingleValueTypeInfo<T> {
    private static final long serialVersionUID = 1L;

    private final Codec<T> codec;

    public CodecTypeInfo(Class<T> type, Codec<T> codec) {
        super(type);
        this.codec = codec;
    }

    public Codec<T> codec() {
        return codec;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new CodecSerializer<>(codec);
    }
}
