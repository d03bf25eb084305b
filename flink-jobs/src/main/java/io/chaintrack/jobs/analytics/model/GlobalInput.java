package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the global rollup folds, all commutative so the order chains arrive in never matters:
 * a chain's final block (BLOCK), a cross-chain address change (NEW_ADDRESS, SENDER, RECEIVER, HOLDER, ACTIVE)
 * with its signed delta, or a chain's newest top tokens of a day (TOP_TOKENS, in {@code top}; newest seq wins).
 */
public record GlobalInput(Kind kind, long chainId, long day, long delta, long transfers, long blockTime, long seq, boolean exact,
                          DayTopTokens top) {
    public enum Kind { BLOCK, NEW_ADDRESS, SENDER, RECEIVER, HOLDER, ACTIVE, TOP_TOKENS }

    public GlobalInput(Kind kind, long chainId, long day, long delta, long transfers, long blockTime, long seq, boolean exact) {
        this(kind, chainId, day, delta, transfers, blockTime, seq, exact, null);
    }

    public static GlobalInput topTokens(DayTopTokens top) {
        return new GlobalInput(Kind.TOP_TOKENS, top.chainId(), top.day(), 0, 0, 0, top.seq(), true, top);
    }

    public static final CodecTypeInfo<GlobalInput> TYPE = new CodecTypeInfo<>(GlobalInput.class, new GlobalInputCodec());

    public static GlobalInput block(FinalBlock b) {
        return new GlobalInput(Kind.BLOCK, b.chainId(), b.day(), 1, b.transfers().size(), b.time(), b.seq(), b.exact());
    }

    public static GlobalInput delta(Kind kind, long day, long delta) {
        return new GlobalInput(kind, 0, day, delta, 0, 0, 0, true);
    }

    public static final class GlobalInputCodec implements Codec<GlobalInput> {
        private static final long serialVersionUID = 1L;
        private final DayTopTokens.DayTopTokensCodec tops = new DayTopTokens.DayTopTokensCodec();

        @Override
        public void write(GlobalInput g, DataOutputView out) throws IOException {
            out.writeByte(g.kind.ordinal());
            out.writeLong(g.chainId);
            out.writeLong(g.day);
            out.writeLong(g.delta);
            out.writeLong(g.transfers);
            out.writeLong(g.blockTime);
            out.writeLong(g.seq);
            out.writeBoolean(g.exact);
            out.writeBoolean(g.top != null);
            if (g.top != null) {
                tops.write(g.top, out);
            }
        }

        @Override
        public GlobalInput read(DataInputView in) throws IOException {
            return new GlobalInput(Kind.values()[in.readByte()], in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong(), in.readBoolean(), in.readBoolean() ? tops.read(in) : null);
        }
    }
}
