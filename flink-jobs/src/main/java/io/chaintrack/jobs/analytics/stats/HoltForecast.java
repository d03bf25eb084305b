package io.chaintrack.jobs.analytics.stats;

/**
 * Holt's linear trend method (additive error, additive trend). Smoothing parameters are chosen on a
 * fixed grid by the smallest one-step-ahead squared error, so the same history always gives the same
 * forecast. Prediction intervals use the ETS(A,A,N) h-step variance
 * sigma^2 * (1 + sum_{j=1}^{h-1} alpha^2 (1 + j beta)^2), sigma estimated from the one-step residuals.
 */
public final class HoltForecast {
    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;
    private static final double[] GRID = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    public record Point(int horizon, double value, double lower, double upper) {}

    public record Result(double alpha, double beta, double sigma, Point[] points) {}

    private HoltForecast() {}

    public static Result forecast(double[] history, int days) {
        if (history.length < 3) {
            throw new IllegalArgumentException("Holt needs at least three observations, got " + history.length);
        }
        double bestSse = Double.POSITIVE_INFINITY;
        double bestAlpha = GRID[0];
        double bestBeta = GRID[0];
        for (double a : GRID) {
            for (double b : GRID) {
                double sse = fit(history, a, b, null);
                if (sse < bestSse) {
                    bestSse = sse;
                    bestAlpha = a;
                    bestBeta = b;
                }
            }
        }
        double[] state = new double[2];
        fit(history, bestAlpha, bestBeta, state);
        int residuals = history.length - 2;
        double sigma = Math.sqrt(bestSse / Math.max(1, residuals));
        Point[] points = new Point[days];
        double cumulative = 0;
        for (int h = 1; h <= days; h++) {
            if (h > 1) {
                double t = bestAlpha * (1 + (h - 1) * bestBeta);
                cumulative += t * t;
            }
            double sd = sigma * Math.sqrt(1 + cumulative);
            double value = state[0] + h * state[1];
            points[h - 1] = new Point(h, value, value - Z95 * sd, value + Z95 * sd);
        }
        return new Result(bestAlpha, bestBeta, sigma, points);
    }

    /** Runs the recursions from level = y0, trend = y1 - y0; returns the one-step SSE from t = 2 on. */
    private static double fit(double[] y, double alpha, double beta, double[] finalState) {
        double level = y[0];
        double trend = y[1] - y[0];
        double sse = 0;
        for (int t = 1; t < y.length; t++) {
            double predicted = level + trend;
            if (t >= 2) {
                double e = y[t] - predicted;
                sse += e * e;
            }
            double newLevel = alpha * y[t] + (1 - alpha) * (level + trend);
            trend = beta * (newLevel - level) + (1 - beta) * trend;
            level = newLevel;
        }
        if (finalState != null) {
            finalState[0] = level;
            finalState[1] = trend;
        }
        return sse;
    }
}
