package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Position after the last transfer of a page, bound to the query it came from by a digest of every
 * parameter except limit and cursor, so a cursor replayed against another query is refused.
 */
record TransferCursor(byte[] query, long blockNumber, int txIndex, int logIndex, int batchIndex, String traceAddress) {
    private static final byte VERSION = 2;
    private static final int QUERY_BYTES = 16;

    /** The digest a cursor of this query must carry: SHA-256 of the listing name and its normalised parameters. */
    static byte[] queryDigest(String listing, Object... parameters) {
        StringBuilder canonical = new StringBuilder(listing);
        for (Object parameter : parameters) {
            // a separator no parameter value can contain keeps ("ab","c") and ("a","bc") apart
            canonical.append('\u0000').append(parameter == null ? "\u0001" : parameter.toString());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, QUERY_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The lower of {@code after} (null: none) and the position just above every row of block {@code lastBlock}, so a
     * page below it holds only rows at or below that block (finality=finalized); no row sorts below (b + 1, MIN, MIN,
     * MIN, "") but above every row of block b.
     */
    static TransferCursor atOrBelowBlock(TransferCursor after, long lastBlock) {
        if (after != null && after.blockNumber() <= lastBlock) {
            return after;
        }
        return new TransferCursor(after == null ? new byte[QUERY_BYTES] : after.query(), lastBlock + 1,
                Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, "");
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.write(query);
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

    /** Decodes a verified payload and checks it belongs to {@code expectedQuery}. */
    static TransferCursor decode(String parameter, byte[] payload, byte[] expectedQuery) {
        TransferCursor cursor;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new InvalidArgumentException(parameter, version == 1
                        ? "cursor version not supported: start again from the first page"
                        : "the cursor belongs to a different query: use it only with the parameters (all but limit) of the page it came from");
            }
            byte[] query = in.readNBytes(QUERY_BYTES);
            cursor = new TransferCursor(query, in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readUTF());
            if (query.length != QUERY_BYTES || in.available() != 0) {
                throw new InvalidArgumentException(parameter, "malformed cursor");
            }
        } catch (IOException e) {
            throw new InvalidArgumentException(parameter, "malformed cursor");
        }
        if (!MessageDigest.isEqual(cursor.query(), expectedQuery)) {
            throw new InvalidArgumentException(parameter, "the cursor belongs to a different query: use it only with the"
                    + " parameters (all but limit) of the page it came from");
        }
        return cursor;
    }
}
