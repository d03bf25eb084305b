package io.chaintrack.jobs.analytics.stats;

import io.chaintrack.connectors.flink.Codec;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Distinct values, exact while there are fewer than the threshold, a DataSketches HLL sketch from then on.
 * It only ever grows: it is fed from final blocks, which are never reverted, so nothing needs removing.
 */
public final class DistinctCounter {
    private final int threshold;
    private final int lgK;
    private Set<String> exact;
    private HllSketch sketch;

    public DistinctCounter(int threshold, int lgK) {
        this.threshold = threshold;
        this.lgK = lgK;
        this.exact = new HashSet<>();
    }

    private DistinctCounter(int threshold, int lgK, Set<String> exact, HllSketch sketch) {
        this.threshold = threshold;
        this.lgK = lgK;
        this.exact = exact;
        this.sketch = sketch;
    }

    public void add(String value) {
        if (sketch != null) {
            sketch.update(value);
            return;
        }
        if (exact.add(value) && exact.size() >= threshold) {
            sketch = new HllSketch(lgK, TgtHllType.HLL_8);
            // sorted so the sketch state does not depend on HashSet iteration order
            exact.stream().sorted().forEach(sketch::update);
            exact = null;
        }
    }

    public boolean isExact() {
        return sketch == null;
    }

    public long estimate() {
        return sketch == null ? exact.size() : Math.round(sketch.getEstimate());
    }

    /** Lower bound at two standard deviations (about 95% confidence); the value itself when exact. */
    public long lowerBound() {
        return sketch == null ? exact.size() : (long) Math.floor(sketch.getLowerBound(2));
    }

    public long upperBound() {
        return sketch == null ? exact.size() : (long) Math.ceil(sketch.getUpperBound(2));
    }

    public String method() {
        return sketch == null ? "exact" : "hll";
    }

    /** Binary form: either the exact values or the updatable sketch image (which keeps its HIP estimator). */
    public static final class DistinctCounterCodec implements Codec<DistinctCounter> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(DistinctCounter c, DataOutputView out) throws IOException {
            out.writeInt(c.threshold);
            out.writeInt(c.lgK);
            out.writeBoolean(c.sketch == null);
            if (c.sketch == null) {
                out.writeInt(c.exact.size());
                for (String s : c.exact) {
                    out.writeUTF(s);
                }
            } else {
                byte[] image = c.sketch.toUpdatableByteArray();
                out.writeInt(image.length);
                out.write(image);
            }
        }

        @Override
        public DistinctCounter read(DataInputView in) throws IOException {
            int threshold = in.readInt();
            int lgK = in.readInt();
            if (in.readBoolean()) {
                int n = in.readInt();
                Set<String> values = new HashSet<>(Math.max(16, n * 2));
                for (int i = 0; i < n; i++) {
                    values.add(in.readUTF());
                }
                return new DistinctCounter(threshold, lgK, values, null);
            }
            byte[] image = new byte[in.readInt()];
            in.readFully(image);
            return new DistinctCounter(threshold, lgK, null, HllSketch.heapify(image));
        }

        @Override
        public boolean immutable() {
            return false;
        }

        @Override
        public DistinctCounter copy(DistinctCounter c) {
            return new DistinctCounter(c.threshold, c.lgK, c.exact == null ? null : new HashSet<>(c.exact),
                    c.sketch == null ? null : c.sketch.copy());
        }
    }
}
