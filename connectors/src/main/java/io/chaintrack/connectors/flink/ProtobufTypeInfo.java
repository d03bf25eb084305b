package io.chaintrack.connectors.flink;

import com.google.protobuf.Message;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that makes Flink serialize protobuf messages with {@link ProtobufSerializer}, never Kryo. */
public final class ProtobufTypeInfo<T extends Message> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    public static final ProtobufTypeInfo<ChainEvent> CHAIN_EVENT = new ProtobufTypeInfo<>(ChainEvent.class);
    public static final ProtobufTypeInfo<Transfer> TRANSFER = new ProtobufTypeInfo<>(Transfer.class);

    private final Class<T> type;

    public ProtobufTypeInfo(Class<T> type) {
        this.type = type;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new ProtobufSerializer<>(type);
    }

    @Override
    public String toString() {
        return "Protobuf<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ProtobufTypeInfo<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof ProtobufTypeInfo;
    }
}
