package io.chaintrack.jobs.analytics.model;

import io.chaintrack.connectors.flink.Codec;
import io.chaintrack.connectors.flink.CodecTypeInfo;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One closed, final value of a series: a window metric (start = window start, epoch seconds) for the
 * anomaly scorer or a daily metric (start = epoch day) for the forecaster. token is null for chain series.
 */
public record SeriesPoint(long chainId, String token, String metric, long start, double value) {
    public static final CodecTypeInfo<SeriesPoint> TYPE = new CodecTypeInfo<>(SeriesPoint.class, new SeriesPointCodec());

    public String seriesKey() {
        return chainId + "|" + (token == null ? "" : token) + "|" + metric;
    }

    public static final class SeriesPointCodec implements Codec<SeriesPoint> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(SeriesPoint p, DataOutputView out) throws IOException {
            out.writeLong(p.chainId);
            Codec.writeNullableString(p.token, out);
            out.writeUTF(p.metric);
            out.writeLong(p.start);
            out.writeDouble(p.value);
        }

        @Override
        public SeriesPoint read(DataInputView in) throws IOException {
            return new SeriesPoint(in.readLong(), Codec.readNullableString(in), in.readUTF(), in.readLong(), in.readDouble());
        }
    }
}
