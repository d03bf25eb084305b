package io.chaintrack.connectors.evm.source;

import io.chaintrack.proto.v1.ChainEvent;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of {@link ChainEvent} streams, backed by {@link ChainEventSerializer}. */
public final class ChainEventTypeInfo extends TypeInformation<ChainEvent> {
    public static final ChainEventTypeInfo INSTANCE = new ChainEventTypeInfo();

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
    public Class<ChainEvent> getTypeClass() {
        return ChainEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ChainEvent> createSerializer(SerializerConfig config) {
        return ChainEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ChainEvent(protobuf)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ChainEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return ChainEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof ChainEventTypeInfo;
    }
}
