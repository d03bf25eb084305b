package io.chaintrack.connectors.synthetic;

/**
 * SplitMix64: a tiny, fully specified generator and hash, so a synthetic chain is identical on every
 * JVM and version (java.util.Random and SplittableRandom make no such cross-release promise for all methods).
 */
final class Mix64 {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private long state;

    Mix64(long state) {
        this.state = state;
    }

    long state() {
        return state;
    }

    void state(long s) {
        state = s;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long hash(long a, long b, long c, long d) {
        long h = mix(a + GOLDEN);
        h = mix(h ^ (b + 2 * GOLDEN));
        h = mix(h ^ (c + 3 * GOLDEN));
        return mix(h ^ (d + 4 * GOLDEN));
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) for 0 < bound <= 2^31 - 1 (multiply-shift; the bias is below 2^-32). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, bound) for bound > 0. */
    long nextLong(long bound) {
        return Long.remainderUnsigned(nextLong(), bound);
    }

    static double toUnit(long x) {
        return (x >>> 11) * 0x1.0p-53;
    }
}
