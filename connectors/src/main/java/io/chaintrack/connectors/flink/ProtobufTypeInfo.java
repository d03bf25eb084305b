package io.chaintrack.connectors.flink;

import com.google.protobuf.Message;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that makes Flink serialize protobuf messages with {@link ProtobufSerializer}, never Kryo. */
public final class ProtobufTypeInfo<T extends Message> extends SingleValueTypeInfo<T> {
    private static final long serialVersionUID = 1L;

    public static final ProtobufTypeInfo<ChainEvent> CHAIN_EVENT = new ProtobufTypeInfo<>(ChainEvent.class);
    public static final ProtobufTypeInfo<Transfer> TRANSFER = new ProtobufTypeInfo<>(Transfer.class);

    public ProtobufTypeInfo(Class<T> type) {
        super(type);
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new ProtobufSerializer<>(getTypeClass());
    }
}
