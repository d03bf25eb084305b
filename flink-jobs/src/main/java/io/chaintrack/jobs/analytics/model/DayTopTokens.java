package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A chain's top tokens of a day by transfers (ties by token) as of its seq-th final block. The global top
 * tokens of a day are among the chains' own top lists, and a later seq of the same (chain, day) replaces
 * an earlier one, so the global list is the same in any arrival order.
 */
public record DayTopTokens(long chainId, long day, long seq, List<Entry> tokens) {
    public record Entry(String token, long transfers, BigInteger volume) {}

    public static final CodecTypeInfo<DayTopTokens> TYPE = new CodecTypeInfo<>(DayTopTokens.class, new DayTopTokensCodec());

    public DayTopTokens {
        tokens = List.copyOf(tokens);
    }

    public static final class DayTopTokensCodec implements Codec<DayTopTokens> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(DayTopTokens t, DataOutputView out) throws IOException {
            out.writeLong(t.chainId);
            out.writeLong(t.day);
            out.writeLong(t.seq);
            out.writeInt(t.tokens.size());
            for (Entry e : t.tokens) {
                out.writeUTF(e.token());
                out.writeLong(e.transfers());
                Codec.writeBigInteger(e.volume(), out);
            }
        }

        @Override
        public DayTopTokens read(DataInputView in) throws IOException {
            long chainId = in.readLong();
            long day = in.readLong();
            long seq = in.readLong();
            int n = in.readInt();
            List<Entry> tokens = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tokens.add(new Entry(in.readUTF(), in.readLong(), Codec.readBigInteger(in)));
            }
            return new DayTopTokens(chainId, day, seq, tokens);
        }
    }
}
