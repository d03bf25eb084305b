package io.chaintrack.core.price;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The best price of a token at one moment from several sources. Each source's confidence is the product of its
 * freshness (1 when just updated, 0 at {@code maxAge}), its liquidity (depth over {@code targetDepth}, capped at
 * 1; 1 for sources without depth such as oracles) and its agreement (1 at the median of all sources, 0 at
 * {@code maxDeviation} from it). The best price is the confidence-weighted median; sources at confidence 0 do not
 * vote. Amounts of confidence are decimals in [0, 1] rounded to 6 places.
 */
public final class BestPrice {
    private static final MathContext MC = PriceMath.PRECISION;

    /** One source's latest price; {@code depth} in whole quote tokens, null when the source has none. */
    public record Quote(String source, BigDecimal price, BigDecimal depth, Instant asOf) {}

    public record Rated(Quote quote, BigDecimal confidence) {}

    public record Result(BigDecimal price, BigDecimal confidence, List<Rated> sources) {}

    private final Duration maxAge;
    private final BigDecimal targetDepth;
    private final BigDecimal maxDeviation;

    public BestPrice(Duration maxAge, BigDecimal targetDepth, BigDecimal maxDeviation) {
        if (maxAge.isNegative() || maxAge.isZero() || targetDepth.signum() <= 0 || maxDeviation.signum() <= 0) {
            throw new IllegalArgumentException("maxAge, targetDepth and maxDeviation must be positive");
        }
        this.maxAge = maxAge;
        this.targetDepth = targetDepth;
        this.maxDeviation = maxDeviation;
    }

    /** Empty when no source has a confidence above 0 at {@code now}. */
    public Optional<Result> at(Instant now, List<Quote> quotes) {
        List<Quote> priced = quotes.stream().filter(q -> q.price() != null && q.price().signum() > 0).toList();
        if (priced.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal median = median(priced.stream().map(Quote::price).sorted().toList());
        List<Rated> rated = new ArrayList<>();
        for (Quote q : priced) {
            rated.add(new Rated(q, round(freshness(now, q).multiply(liquidity(q)).multiply(agreement(q, median)))));
        }
        List<Rated> voting = rated.stream().filter(r -> r.confidence().signum() > 0)
                .sorted(Comparator.comparing(r -> r.quote().price())).toList();
        if (voting.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal total = voting.stream().map(Rated::confidence).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal half = total.divide(BigDecimal.valueOf(2), MC);
        BigDecimal cumulative = BigDecimal.ZERO;
        BigDecimal best = null;
        for (int i = 0; i < voting.size(); i++) {
            cumulative = cumulative.add(voting.get(i).confidence());
            int c = cumulative.compareTo(half);
            if (c > 0) {
                best = voting.get(i).quote().price();
                break;
            }
            if (c == 0) {
                // exactly half the weight below: the midpoint of this price and the next, like an even median
                best = voting.get(i).quote().price().add(voting.get(i + 1).quote().price()).divide(BigDecimal.valueOf(2), MC);
                break;
            }
        }
        BigDecimal squares = voting.stream().map(r -> r.confidence().multiply(r.confidence())).reduce(BigDecimal.ZERO, BigDecimal::add);
        return Optional.of(new Result(best.stripTrailingZeros(), round(squares.divide(total, MC)), rated));
    }

    private BigDecimal freshness(Instant now, Quote q) {
        long age = Math.max(0, Duration.between(q.asOf(), now).toMillis());
        return BigDecimal.ONE.subtract(BigDecimal.valueOf(age).divide(BigDecimal.valueOf(maxAge.toMillis()), MC)).max(BigDecimal.ZERO);
    }

    private BigDecimal liquidity(Quote q) {
        return q.depth() == null ? BigDecimal.ONE : q.depth().divide(targetDepth, MC).min(BigDecimal.ONE).max(BigDecimal.ZERO);
    }

    private BigDecimal agreement(Quote q, BigDecimal median) {
        BigDecimal deviation = q.price().subtract(median).abs().divide(median, MC);
        return BigDecimal.ONE.subtract(deviation.divide(maxDeviation, MC)).max(BigDecimal.ZERO);
    }

    private static BigDecimal median(List<BigDecimal> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MC);
    }

    private static BigDecimal round(BigDecimal v) {
        return v.setScale(6, java.math.RoundingMode.HALF_EVEN);
    }
}
