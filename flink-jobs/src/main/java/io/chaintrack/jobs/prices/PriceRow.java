package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One token_prices row (migration V55): a source's last observation of a token within a minute, or, when
 * {@code delete}, the withdrawal of that minute's row (its blocks were reverted and no canonical observation is
 * left in the minute). Prices and liquidity are exact decimals, never binary floating point.
 */
public record PriceRow(long chainId, String token, String source, long minuteMs, String quote, String unit,
                       BigDecimal price, BigDecimal liquidity, long asOfMs, Long blockNumber, boolean delete) {
    public static final CodecTypeInfo<PriceRow> TYPE = new CodecTypeInfo<>(PriceRow.class, new PriceRowCodec());
    public static final String UNIT_BASE = "base";
    public static final String UNIT_WHOLE = "whole";

    public PriceRow {
        // one representation per value, so equal prices are equal rows (5000 and 5E+3 alike)
        price = price.stripTrailingZeros();
        liquidity = liquidity == null ? null : liquidity.stripTrailingZeros();
    }

    /** The tombstone of a row's key. */
    public static PriceRow deletion(long chainId, String token, String source, long minuteMs) {
        return new PriceRow(chainId, token, source, minuteMs, "", UNIT_BASE, BigDecimal.ONE, null, minuteMs, null, true);
    }

    public static long minuteOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 60_000L) * 60_000L;
    }

    @Override
    public String toString() {
        return (delete ? "DELETE " : "") + chainId + "/" + token + "/" + source + "@" + Instant.ofEpochMilli(minuteMs)
                + (delete ? "" : " = " + price.toPlainString() + " " + quote + " (" + unit + ") liq " + liquidity
                + " block " + blockNumber);
    }

    /** Field by field; decimals as their exact text. */
    public static final class PriceRowCodec implements Codec<PriceRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(PriceRow r, DataOutputView out) throws IOException {
            out.writeLong(r.chainId);
            out.writeUTF(r.token);
            out.writeUTF(r.source);
            out.writeLong(r.minuteMs);
            out.writeUTF(r.quote);
            out.writeUTF(r.unit);
            out.writeUTF(r.price.toString());
            Codec.writeNullableString(r.liquidity == null ? null : r.liquidity.toString(), out);
            out.writeLong(r.asOfMs);
            out.writeBoolean(r.blockNumber != null);
            if (r.blockNumber != null) {
                out.writeLong(r.blockNumber);
            }
            out.writeBoolean(r.delete);
        }

        @Override
        public PriceRow read(DataInputView in) throws IOException {
            long chainId = in.readLong();
            String token = in.readUTF();
            String source = in.readUTF();
            long minute = in.readLong();
            String quote = in.readUTF();
            String unit = in.readUTF();
            BigDecimal price = new BigDecimal(in.readUTF());
            String liq = Codec.readNullableString(in);
            long asOf = in.readLong();
            Long block = in.readBoolean() ? in.readLong() : null;
            return new PriceRow(chainId, token, source, minute, quote, unit, price, liq == null ? null : new BigDecimal(liq),
                    asOf, block, in.readBoolean());
        }
    }
}
