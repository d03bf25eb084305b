package io.chaintrack.connectors.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.Transfer;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Flink's own serializer contract tests, plus the snapshot and raw-copy paths checkpoints rely on. */
class ProtobufSerializerTest extends SerializerTestBase<ChainEvent> {
    private static final ChainEvent[] DATA = new SyntheticChain(
            SyntheticChainConfig.defaults().withTransfersPerBlock(12).withReorgs(0.3, 2)).next(8).toArray(new ChainEvent[0]);

    @Override
    protected TypeSerializer<ChainEvent> createSerializer() {
        return new ProtobufSerializer<>(ChainEvent.class);
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ChainEvent> getTypeClass() {
        return ChainEvent.class;
    }

    @Override
    protected ChainEvent[] getTestData() {
        ChainEvent[] data = new ChainEvent[DATA.length + 1];
        System.arraycopy(DATA, 0, data, 0, DATA.length);
        data[DATA.length] = ChainEvent.getDefaultInstance();
        return data;
    }

    @Test
    void rawCopyBetweenViewsKeepsTheBytesAndTheMessage() throws IOException {
        ProtobufSerializer<ChainEvent> serializer = new ProtobufSerializer<>(ChainEvent.class);
        DataOutputSerializer first = new DataOutputSerializer(64);
        for (ChainEvent e : DATA) {
            serializer.serialize(e, first);
        }
        DataInputDeserializer in = new DataInputDeserializer(first.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        for (int i = 0; i < DATA.length; i++) {
            serializer.copy(in, copied);
        }
        assertThat(copied.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
        DataInputDeserializer back = new DataInputDeserializer(copied.getCopyOfBuffer());
        for (ChainEvent e : DATA) {
            assertThat(serializer.deserialize(back)).isEqualTo(e);
        }
    }

    @Test
    void snapshotRestoresAnEqualSerializerThatIsCompatibleAsIs() throws Exception {
        ProtobufSerializer<ChainEvent> serializer = new ProtobufSerializer<>(ChainEvent.class);
        TypeSerializerSnapshot<ChainEvent> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<ChainEvent> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<ChainEvent> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();

        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<ChainEvent> transferSnapshot = (TypeSerializerSnapshot) new ProtobufSerializer<>(Transfer.class).snapshotConfiguration();
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(transferSnapshot).isIncompatible()).isTrue();

        // Java-serialized (as in the job graph), the serializer still works: its parser is rebuilt lazily
        ProtobufSerializer<ChainEvent> cloned = InstantiationUtil.clone(serializer);
        DataOutputSerializer bytes = new DataOutputSerializer(64);
        cloned.serialize(DATA[0], bytes);
        assertThat(cloned.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()))).isEqualTo(DATA[0]);
    }

    @Test
    void typeInfoCreatesTheProtobufSerializerNotKryo() {
        assertThat(ProtobufTypeInfo.CHAIN_EVENT.createSerializer(new SerializerConfigImpl()))
                .isEqualTo(new ProtobufSerializer<>(ChainEvent.class));
        assertThat(ProtobufTypeInfo.TRANSFER.getTypeClass()).isEqualTo(Transfer.class);
        assertThat(ProtobufTypeInfo.CHAIN_EVENT).isEqualTo(new ProtobufTypeInfo<>(ChainEvent.class)).isNotEqualTo(ProtobufTypeInfo.TRANSFER);
    }

    @Test
    void aClassThatIsNotAProtobufMessageFailsWithItsName() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        ProtobufSerializer<?> bad = new ProtobufSerializer(com.google.protobuf.Message.class);
        assertThatThrownBy(bad::createInstance).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a generated protobuf message");
    }
}
