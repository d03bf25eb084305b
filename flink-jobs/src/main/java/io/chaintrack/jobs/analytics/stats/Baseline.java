package io.chaintrack.jobs.analytics.stats;

import java.util.Arrays;

/**
 * Summary of the baseline windows a new value is scored against: mean and sample standard deviation
 * for the z-score, median and quartiles (linear interpolation) for Tukey's IQR fences.
 */
public record Baseline(int n, double mean, double std, double median, double q1, double q3) {

    public static Baseline of(double[] values) {
        int n = values.length;
        if (n < 2) {
            throw new IllegalArgumentException("a baseline needs at least two values, got " + n);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Baseline(n, mean, std, quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75));
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public double iqr() {
        return q3 - q1;
    }

    /**
     * A spread of zero (a perfectly flat baseline) would make every score infinite or undefined; the
     * floor keeps a flat series scoring 0 when the value equals it and a huge finite score otherwise.
     */
    static double floor(double spread, double level) {
        return Math.max(spread, Math.max(Math.abs(level) * 1e-9, 1e-12));
    }

    public double zScore(double x) {
        return (x - mean) / floor(std, mean);
    }

    /** Distance beyond the nearer quartile in IQR units: 0 inside [Q1, Q3]; flagged when |score| > k. */
    public double iqrScore(double x) {
        double spread = floor(iqr(), median);
        if (x > q3) {
            return (x - q3) / spread;
        }
        if (x < q1) {
            return (x - q1) / spread;
        }
        return 0.0;
    }

    public static String severity(double score, double threshold) {
        double a = Math.abs(score);
        if (a >= 2 * threshold) {
            return "critical";
        }
        return a >= threshold ? "warn" : "none";
    }
}
