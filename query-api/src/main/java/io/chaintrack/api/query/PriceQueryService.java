package io.chaintrack.api.query;

import io.chaintrack.api.config.PriceConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.core.price.BestPrice;
import io.chaintrack.core.price.PriceMath;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.GetTokenPriceRequest;
import io.chaintrack.proto.v1.GetTokenPriceResponse;
import io.chaintrack.proto.v1.PriceSourceView;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.TotalValueView;
import io.chaintrack.proto.v1.ValueView;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Token prices at read time from the rows the pipeline writes (token_prices: each source's last observation per
 * minute; price_source_status: each source's breaker). The best price is core.price.BestPrice over the healthy sources,
 * every one converted to whole tokens and to USD first (reference assets route a token priced in WETH through WETH's
 * USD feeds). An answer is never empty while some source ever answered: without a healthy source it is the last known
 * good pick, as the sources stood at their newest observation, marked stale.
 */
@Singleton
public final class PriceQueryService {
    public static final String USD = "USD";
    static final String OK = "ok";
    static final String STALE = "stale";
    static final String FAILED = "failed";

    /**
     * How far back from the moment sources are looked for: a day of minute rows per source is a bounded read (one or
     * two day partitions), where "every source's latest row ever" would read a token's whole history each time.
     */
    static final Duration LOOKBACK = Duration.ofHours(24);
    private static final String COLUMNS = "SELECT DISTINCT ON (token, source) token, source, quote, unit, price, liquidity, as_of"
            + " FROM token_prices WHERE chain_id = ? AND token = ANY (?) AND minute <= ? AND as_of <= ?";
    /** Each source's latest observation at or before the moment and within the lookback, for a token and its equivalents. */
    static final String LATEST_SQL = COLUMNS + " AND minute > ? ORDER BY token, source, minute DESC, as_of DESC";
    /**
     * Nothing within the lookback: the sources of the lookback before the newest observation ever made by then, so a
     * token whose sources all went quiet long ago still answers its last known good price.
     */
    private static final String NEWEST_SQL = COLUMNS + " AND minute > (SELECT max(minute) FROM token_prices"
            + " WHERE chain_id = ? AND token = ANY (?) AND minute <= ? AND as_of <= ?) - interval '24 hours'"
            + " ORDER BY token, source, minute DESC, as_of DESC";
    private static final String DECIMALS_SQL = "SELECT token, decimals FROM tokens WHERE chain_id = ? AND token = ANY (?)"
            + " AND status = 'done' AND decimals IS NOT NULL";
    private static final String BREAKERS_SQL = "SELECT source FROM price_source_status WHERE breaker_state = 'open'";

    private final ChainDirectory chains;
    private final Store store;
    private final Clock clock;
    private final PriceConfig config;
    private final BestPrice best;
    /** token -> every token that is the same asset (itself included), from chaintrack.prices.reference-assets. */
    private final Map<String, Set<String>> equivalents;

    public PriceQueryService(ChainDirectory chains, Store store, Clock clock, PriceConfig config,
                             @Value("${chaintrack.prices.reference-assets:}") String referenceAssets) {
        this.chains = chains;
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.best = new BestPrice(config.staleAfter(), config.depth(), config.deviation());
        this.equivalents = equivalents(referenceAssets);
    }

    /** {@code a=b,c=d}: each pair the same asset (lowercase 0x addresses or "native"); groups close transitively. */
    static Map<String, Set<String>> equivalents(String referenceAssets) {
        Map<String, Set<String>> groups = new HashMap<>();
        for (String entry : referenceAssets.split(",")) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException("chaintrack.prices.reference-assets: '" + entry.trim()
                        + "' is not token=reference (e.g. 0xc02a...=native)");
            }
            Set<String> merged = new LinkedHashSet<>();
            for (String t : List.of(e.substring(0, eq).trim(), e.substring(eq + 1).trim())) {
                merged.addAll(groups.getOrDefault(t, Set.of(t)));
            }
            for (String t : merged) {
                groups.put(t, merged);
            }
        }
        return groups;
    }

    /** "usd" in any case, or empty, is USD; anything else names the parameter. */
    public static String currency(String parameter, String value, boolean required) {
        if (value.isEmpty() && !required) {
            return null;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("usd")) {
            return USD;
        }
        throw new InvalidArgumentException(parameter, "unsupported currency '" + RequestValues.clip(value) + "': only usd");
    }

    public GetTokenPriceResponse getTokenPrice(GetTokenPriceRequest request) {
        String token = RequestValues.token(request.getChainId(), "token", request.getToken());
        currency("currency", request.getCurrency(), true);
        Instant now = clock.instant();
        Instant at = now;
        boolean current = true;
        if (request.hasAt()) {
            at = RequestValues.time("at", request.getAt()).toInstant();
            if (at.isAfter(now)) {
                throw new InvalidArgumentException("at", "is in the future (" + at + "); prices exist up to now");
            }
            current = false;
        }
        long chainId = chains.requireKnown(request.getChainId());
        Instant moment = at;
        boolean live = current;
        Price p = store.read(c -> pricer(c, chainId, now).price(token, moment, live));
        GetTokenPriceResponse.Builder out = GetTokenPriceResponse.newBuilder().setChainId(chainId).setToken(token)
                .setCurrency(USD).setAt(Rows.toTimestamp(at)).setPrecision(PriceMath.PRECISION.getPrecision())
                .addAllSources(p.sources());
        if (p.best() != null) {
            out.setBest(plain(p.best())).setConfidence(p.confidence().toPlainString()).setStale(p.stale())
                    .setBestAsOf(Rows.toTimestamp(p.asOf()));
        }
        return out.build();
    }

    /** Prices on one connection for one answer, each (token, moment) read once. */
    public Pricer pricer(Connection c, long chainId, Instant now) {
        return new Pricer(c, chainId, now);
    }

    /**
     * A token's price at one moment: best null only when no source can be converted; {@code source} names the
     * observation(s) the best price is, {@code reason} why best is null.
     */
    public record Price(BigDecimal best, BigDecimal confidence, boolean stale, Instant asOf, String source, String reason,
                        List<PriceSourceView> sources) {}

    /** One source's observation converted to whole tokens and USD; price null when it cannot be converted. */
    private record Converted(String token, String source, String quote, BigDecimal quotePrice, BigDecimal price,
                             BigDecimal liquidity, Instant asOf, String via, String state, String detail) {}

    private record Row(String token, String source, String quote, String unit, BigDecimal price, BigDecimal liquidity, Instant asOf) {}

    public final class Pricer {
        private final Connection c;
        private final long chainId;
        private final Instant now;
        private final Map<String, Price> prices = new HashMap<>();
        /** A reference asset's USD price from its direct USD sources only, per moment (many pools route through one). */
        private final Map<String, Price> references = new HashMap<>();
        private final Map<String, Optional<Integer>> decimals = new HashMap<>();
        private Set<String> openBreakers;

        private Pricer(Connection c, long chainId, Instant now) {
            this.c = c;
            this.chainId = chainId;
            this.now = now;
        }

        /**
         * A balance's value at a moment (a moment at or after now is valued now): whole tokens × the best price then,
         * rounded once to 34 significant digits; unpriced (with the reason) rather than 0 when there is no price.
         */
        public ValueView value(String token, TokenStandard standard, String balance, Instant at) throws SQLException {
            boolean current = !at.isBefore(now);
            Instant moment = current ? now : at;
            ValueView.Builder v = ValueView.newBuilder().setCurrency(USD).setValuedAt(Rows.toTimestamp(moment));
            if (standard == TokenStandard.TOKEN_STANDARD_ERC721 || standard == TokenStandard.TOKEN_STANDARD_ERC1155) {
                return v.setPriced(false).setReason("an NFT has no token price").build();
            }
            Optional<Integer> d = decimals(token);
            if (d.isEmpty()) {
                return v.setPriced(false).setReason("the token's decimals are unknown (tokens table)").build();
            }
            Price p = price(token, moment, current);
            if (p.best() == null) {
                return v.setPriced(false).setReason(p.reason()).build();
            }
            BigDecimal value = new BigDecimal(balance).scaleByPowerOfTen(-d.get()).multiply(p.best(), PriceMath.PRECISION);
            return v.setPriced(true).setValue(plain(value)).setPrice(plain(p.best())).setSource(p.source())
                    .setConfidence(p.confidence().toPlainString()).setStale(p.stale())
                    .setPriceAsOf(Rows.toTimestamp(p.asOf())).build();
        }

        /** The sum of the priced values, the unpriced tokens named (a null token: a zero balance, never named). */
        public TotalValueView total(List<String> tokens, List<ValueView> values, Instant at) {
            BigDecimal sum = BigDecimal.ZERO;
            TotalValueView.Builder t = TotalValueView.newBuilder().setCurrency(USD)
                    .setValuedAt(Rows.toTimestamp(at.isBefore(now) ? at : now));
            int priced = 0;
            for (int i = 0; i < values.size(); i++) {
                ValueView v = values.get(i);
                if (v.getPriced()) {
                    sum = sum.add(new BigDecimal(v.getValue()));
                    priced++;
                    t.setStale(t.getStale() || v.getStale());
                } else if (tokens.get(i) != null && !t.getUnpricedTokensList().contains(tokens.get(i))) {
                    t.addUnpricedTokens(tokens.get(i));
                }
            }
            return t.setValue(plain(sum)).setPriced(priced).build();
        }

        public Instant now() {
            return now;
        }

        /** {@code current}: the moment is now, so a source whose breaker is open now has failed. */
        public Price price(String token, Instant at, boolean current) throws SQLException {
            String key = token + "@" + at + "@" + current;
            Price p = prices.get(key);
            if (p == null) {
                p = compute(token, at, current, true);
                prices.put(key, p);
            }
            return p;
        }

        /** The token's decimals: the tokens table's, the chain's for native (18 on EVM chains, 8 on UTXO chains). */
        public Optional<Integer> decimals(String token) throws SQLException {
            if (token.equals("native")) {
                return Optional.of(UtxoNetwork.byChainId(chainId).isPresent() ? UtxoNetwork.DECIMALS : 18);
            }
            if (!decimals.containsKey(token)) {
                try (PreparedStatement st = store.prepare(c, DECIMALS_SQL)) {
                    st.setLong(1, chainId);
                    st.setArray(2, c.createArrayOf("text", new String[] {token}));
                    try (ResultSet rs = st.executeQuery()) {
                        decimals.put(token, rs.next() ? Optional.of(rs.getInt("decimals")) : Optional.empty());
                    }
                }
            }
            return decimals.get(token);
        }

        private Price compute(String token, Instant at, boolean current, boolean route) throws SQLException {
            Set<String> same = equivalents.getOrDefault(token, Set.of(token));
            List<Converted> converted = new ArrayList<>();
            for (Row row : latest(same, at)) {
                converted.add(convert(row, same, at, current, route));
            }
            converted.sort(Comparator.comparing(Converted::source).thenComparing(Converted::token));
            List<Converted> usable = converted.stream().filter(x -> x.price() != null).toList();
            if (usable.isEmpty()) {
                String reason = converted.isEmpty() ? "no price source has answered for this token"
                        : "no source's price can be converted to USD (" + converted.get(0).detail() + ")";
                return new Price(null, null, false, null, "", reason, views(converted, Map.of()));
            }
            List<Converted> healthy = usable.stream().filter(x -> x.state().equals(OK)).toList();
            Optional<BestPrice.Result> fresh = healthy.isEmpty() ? Optional.empty() : best.at(at, quotes(healthy));
            if (fresh.isPresent()) {
                return price(fresh.get(), false, healthy, converted);
            }
            // outage: the pick as it stood when the sources last answered, marked stale
            Instant last = usable.stream().map(Converted::asOf).max(Comparator.naturalOrder()).orElseThrow();
            Optional<BestPrice.Result> lastGood = best.at(last, quotes(usable));
            if (lastGood.isPresent()) {
                return price(lastGood.get(), true, usable, converted);
            }
            Converted newest = usable.stream().max(Comparator.comparing(Converted::asOf)).orElseThrow();
            return new Price(newest.price(), BigDecimal.ZERO.setScale(6), true, newest.asOf(), newest.source(), "",
                    views(converted, Map.of()));
        }

        private Price price(BestPrice.Result r, boolean stale, List<Converted> voters, List<Converted> all) {
            Map<String, BigDecimal> confidence = new HashMap<>();
            List<String> picked = new ArrayList<>();
            Instant asOf = null;
            int voting = 0;
            for (BestPrice.Rated rated : r.sources()) {
                confidence.put(rated.quote().source(), rated.confidence());
                if (rated.confidence().signum() > 0) {
                    voting++;
                    Instant t = rated.quote().asOf();
                    asOf = asOf == null || t.isAfter(asOf) ? t : asOf;
                    if (rated.quote().price().compareTo(r.price()) == 0) {
                        String k = rated.quote().source();
                        picked.add(k.substring(0, k.lastIndexOf('|')));
                    }
                }
            }
            String source = picked.isEmpty() ? "median of " + voting + " sources" : String.join(",", picked);
            return new Price(r.price(), r.confidence(), stale, asOf, source, "", views(all, confidence));
        }

        private List<BestPrice.Quote> quotes(List<Converted> sources) {
            // the key BestPrice reports back: token and source, since a source may price both a token and its equivalent
            return sources.stream().map(x -> new BestPrice.Quote(key(x), x.price(), x.liquidity(), x.asOf())).toList();
        }

        private List<PriceSourceView> views(List<Converted> converted, Map<String, BigDecimal> confidence) {
            List<PriceSourceView> out = new ArrayList<>();
            for (Converted x : converted) {
                PriceSourceView.Builder v = PriceSourceView.newBuilder().setSource(x.source()).setToken(x.token())
                        .setQuote(x.quote()).setAsOf(Rows.toTimestamp(x.asOf())).setState(x.state())
                        .setDetail(x.detail()).setVia(x.via())
                        .setConfidence(confidence.getOrDefault(key(x), BigDecimal.ZERO.setScale(6)).toPlainString());
                if (x.quotePrice() != null) {
                    v.setQuotePrice(plain(x.quotePrice()));
                }
                if (x.price() != null) {
                    v.setPrice(plain(x.price()));
                }
                if (x.liquidity() != null) {
                    v.setLiquidity(plain(x.liquidity()));
                }
                out.add(v.build());
            }
            return out;
        }

        private Converted convert(Row row, Set<String> same, Instant at, boolean current, boolean route) throws SQLException {
            String state = current && openBreakers().contains(row.source()) ? FAILED : OK;
            String detail = state.equals(FAILED) ? "circuit breaker open (price_source_status)" : "";
            if (state.equals(OK) && Duration.between(row.asOf(), at).compareTo(config.staleAfter()) > 0) {
                state = STALE;
                detail = "observed more than chaintrack.api.prices.stale-after before the moment asked";
            }
            BigDecimal whole = row.price();
            BigDecimal depth = row.liquidity();
            boolean fiat = row.quote().equals(USD);
            if (row.unit().equals("base")) {
                Optional<Integer> base = decimals(row.token());
                Optional<Integer> quote = fiat ? Optional.of(0) : decimals(row.quote());
                if (base.isEmpty() || quote.isEmpty()) {
                    String unknown = base.isEmpty() ? row.token() : row.quote();
                    return failed(row, "decimals of " + unknown + " unknown (tokens table): a base-unit price cannot be scaled");
                }
                whole = row.price().scaleByPowerOfTen(base.get() - quote.get()).round(PriceMath.PRECISION);
                depth = depth == null ? null : depth.scaleByPowerOfTen(-quote.get()).round(PriceMath.PRECISION);
            }
            if (fiat) {
                return new Converted(row.token(), row.source(), row.quote(), whole, whole, depth, row.asOf(), "", state, detail);
            }
            if (same.contains(row.quote()) || !route) {
                return failed(row, "quote " + row.quote() + " has no direct USD price (routing goes through one reference asset)");
            }
            // token -> quote (a reference asset such as WETH) -> USD through the quote's own USD sources
            String key = row.quote() + "@" + at + "@" + current + "@reference";
            Price reference = references.get(key);
            if (reference == null) {
                reference = compute(row.quote(), at, current, false);
                references.put(key, reference);
            }
            if (reference.best() == null) {
                return failed(row, "no USD price of the quote " + row.quote());
            }
            BigDecimal usd = PriceMath.route(whole, reference.best());
            BigDecimal usdDepth = depth == null ? null : depth.multiply(reference.best(), PriceMath.PRECISION);
            Instant asOf = row.asOf().isBefore(reference.asOf()) ? row.asOf() : reference.asOf();
            if (reference.stale() && state.equals(OK)) {
                state = STALE;
                detail = "the quote's USD price is stale";
            }
            return new Converted(row.token(), row.source(), row.quote(), whole, usd, usdDepth, asOf, row.quote(), state, detail);
        }

        private Converted failed(Row row, String why) {
            return new Converted(row.token(), row.source(), row.quote(), null, null, null, row.asOf(), "", FAILED, why);
        }

        private List<Row> latest(Set<String> tokens, Instant at) throws SQLException {
            List<Row> recent = latest(LATEST_SQL, tokens, at);
            return recent.isEmpty() ? latest(NEWEST_SQL, tokens, at) : recent;
        }

        private List<Row> latest(String sql, Set<String> tokens, Instant at) throws SQLException {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, sql)) {
                java.sql.Array array = c.createArrayOf("text", tokens.toArray());
                OffsetDateTime t = at.atOffset(java.time.ZoneOffset.UTC);
                st.setLong(1, chainId);
                st.setArray(2, array);
                st.setObject(3, t);
                st.setObject(4, t);
                if (sql == LATEST_SQL) {
                    st.setObject(5, t.minus(LOOKBACK));
                } else {
                    st.setLong(5, chainId);
                    st.setArray(6, array);
                    st.setObject(7, t);
                    st.setObject(8, t);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Row(rs.getString("token"), rs.getString("source"), rs.getString("quote"), rs.getString("unit"),
                                rs.getBigDecimal("price"), rs.getBigDecimal("liquidity"),
                                rs.getObject("as_of", OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return out;
        }

        private Set<String> openBreakers() throws SQLException {
            if (openBreakers == null) {
                openBreakers = new java.util.HashSet<>();
                try (PreparedStatement st = store.prepare(c, BREAKERS_SQL); ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        openBreakers.add(rs.getString(1));
                    }
                }
            }
            return openBreakers;
        }
    }

    private static String key(Converted x) {
        return x.source() + "|" + x.token();
    }

    /** An exact decimal without exponent or trailing zeros. */
    public static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }
}
