package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Position after the last transfer of a page, bound to the query it came from (chain, address,
 * direction) so a cursor cannot be replayed against another address.
 */
record TransferCursor(long chainId, String address, int direction,
                      long blockNumber, int txIndex, int logIndex, int batchIndex, String traceAddress) {
    private static final byte VERSION = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(chainId);
            out.writeUTF(address);
            out.writeByte(direction);
            out.writeLong(blockNumber);
            out.writeInt(txIndex);
            out.writeInt(logIndex);
            out.writeInt(batchIndex);
            out.writeUTF(traceAddress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TransferCursor decode(String parameter, byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readByte() != VERSION) {
                throw new InvalidArgumentException(parameter, "cursor version not supported");
            }
            TransferCursor cursor = new TransferCursor(in.readLong(), in.readUTF(), in.readByte(),
                    in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readUTF());
            if (in.available() != 0) {
                throw new InvalidArgumentException(parameter, "malformed cursor");
            }
            return cursor;
        } catch (IOException e) {
            throw new InvalidArgumentException(parameter, "malformed cursor");
        }
    }
}
