package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** A change in what one chain knows about an address, sent on to the cross-chain address registry. */
public record AddressEvent(String address, long chainId, Kind kind, long day) {
    public enum Kind { SEEN, SENT, RECEIVED, HOLDER_ON, HOLDER_OFF, ACTIVE }

    public static final CodecTypeInfo<AddressEvent> TYPE = new CodecTypeInfo<>(AddressEvent.class, new AddressEventCodec());

    public static final class AddressEventCodec implements Codec<AddressEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(AddressEvent e, DataOutputView out) throws IOException {
            out.writeUTF(e.address);
            out.writeLong(e.chainId);
            out.writeByte(e.kind.ordinal());
            out.writeLong(e.day);
        }

        @Override
        public AddressEvent read(DataInputView in) throws IOException {
            return new AddressEvent(in.readUTF(), in.readLong(), Kind.values()[in.readByte()], in.readLong());
        }
    }
}
