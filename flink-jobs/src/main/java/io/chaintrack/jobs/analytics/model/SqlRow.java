package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One row for one analytics table, values in the column order of its {@link io.chaintrack.jobs.analytics.sink.Tables} entry.
 * Immutable once built. Values are Long, Integer, Double, Boolean, String, BigInteger, LocalDate or null.
 */
public final class SqlRow {
    public static final CodecTypeInfo<SqlRow> TYPE = new CodecTypeInfo<>(SqlRow.class, new SqlRowCodec());

    private final String table;
    private final Object[] values;

    public SqlRow(String table, Object... values) {
        this.table = table;
        this.values = values;
    }

    public String table() {
        return table;
    }

    public Object get(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlRow r && r.table.equals(table) && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return table.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return table + Arrays.toString(values);
    }

    /** Tag byte per value type. */
    public static final class SqlRowCodec implements Codec<SqlRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(SqlRow row, DataOutputView out) throws IOException {
            out.writeUTF(row.table);
            out.writeShort(row.values.length);
            for (Object v : row.values) {
                if (v == null) {
                    out.writeByte(0);
                } else if (v instanceof Long l) {
                    out.writeByte(1);
                    out.writeLong(l);
                } else if (v instanceof Integer i) {
                    out.writeByte(2);
                    out.writeInt(i);
                } else if (v instanceof Double d) {
                    out.writeByte(3);
                    out.writeDouble(d);
                } else if (v instanceof Boolean b) {
                    out.writeByte(4);
                    out.writeBoolean(b);
                } else if (v instanceof String s) {
                    out.writeByte(5);
                    out.writeUTF(s);
                } else if (v instanceof BigInteger b) {
                    out.writeByte(6);
                    Codec.writeBigInteger(b, out);
                } else if (v instanceof LocalDate d) {
                    out.writeByte(7);
                    out.writeLong(d.toEpochDay());
                } else {
                    throw new IOException("unsupported SqlRow value type " + v.getClass() + " in table " + row.table);
                }
            }
        }

        @Override
        public SqlRow read(DataInputView in) throws IOException {
            String table = in.readUTF();
            Object[] values = new Object[in.readShort()];
            for (int i = 0; i < values.length; i++) {
                byte tag = in.readByte();
                values[i] = switch (tag) {
                    case 0 -> null;
                    case 1 -> in.readLong();
                    case 2 -> in.readInt();
                    case 3 -> in.readDouble();
                    case 4 -> in.readBoolean();
                    case 5 -> in.readUTF();
                    case 6 -> Codec.readBigInteger(in);
                    case 7 -> LocalDate.ofEpochDay(in.readLong());
                    default -> throw new IOException("unknown SqlRow value tag " + tag);
                };
            }
            return new SqlRow(table, values);
        }
    }
}
