package io.chaintrack.connectors.price;

import io.chaintrack.core.model.Addresses;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which on-chain price sources a chain follows: DEX pools (configured, or discovered from configured factories)
 * and Chainlink-style feeds, plus reference assets. Parsed from the configuration's text forms, each bad entry
 * refused with the entry and the form it should have; addresses are stored lowercase.
 */
public record PriceSourcesConfig(List<Pool> pools, List<Factory> factories, List<Feed> feeds,
                                 Map<String, String> referenceAssets) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final PriceSourcesConfig NONE = new PriceSourcesConfig(List.of(), List.of(), List.of(), Map.of());

    public enum Dex { V2, V3 }

    /** A pool and its two tokens in the pool's order (token0 is the lower address, as Uniswap sorts them). */
    public record Pool(Dex dex, String address, String token0, String token1) implements Serializable {}

    public record Factory(Dex dex, String address) implements Serializable {}

    /** A feed pricing {@code token} in {@code quote} ("USD" or a token); its answers carry {@code decimals}. */
    public record Feed(String token, String aggregator, int decimals, String quote) implements Serializable {}

    public PriceSourcesConfig {
        pools = List.copyOf(pools);
        factories = List.copyOf(factories);
        feeds = List.copyOf(feeds);
        referenceAssets = Map.copyOf(referenceAssets);
    }

    public boolean isEmpty() {
        return pools.isEmpty() && factories.isEmpty() && feeds.isEmpty();
    }

    /**
     * @param pools     {@code v2:<pool>:<tokenA>:<tokenB>} or {@code v3:...}
     * @param factories {@code v2:<factory>} or {@code v3:<factory>}
     * @param feeds     {@code <token>=<aggregator>:<decimals>[:<quote>]}, token an address or {@code native}
     * @param references {@code <token>=<same asset>}, e.g. {@code 0xc02a...=native}
     */
    public static PriceSourcesConfig parse(List<String> pools, List<String> factories, List<String> feeds,
                                           List<String> references) {
        List<Pool> ps = new ArrayList<>();
        for (String p : nonNull(pools)) {
            String[] f = p.trim().split(":");
            if (f.length != 4) {
                throw new IllegalArgumentException("price pool '" + p + "' must be v2|v3:<pool>:<tokenA>:<tokenB>");
            }
            String a = address(f[2], "price pool '" + p + "' token");
            String b = address(f[3], "price pool '" + p + "' token");
            if (a.equals(b)) {
                throw new IllegalArgumentException("price pool '" + p + "' names the same token twice");
            }
            ps.add(new Pool(dex(f[0], "price pool '" + p + "'"), address(f[1], "price pool '" + p + "' address"),
                    a.compareTo(b) < 0 ? a : b, a.compareTo(b) < 0 ? b : a));
        }
        List<Factory> fs = new ArrayList<>();
        for (String p : nonNull(factories)) {
            String[] f = p.trim().split(":");
            if (f.length != 2) {
                throw new IllegalArgumentException("price factory '" + p + "' must be v2|v3:<factory address>");
            }
            fs.add(new Factory(dex(f[0], "price factory '" + p + "'"), address(f[1], "price factory '" + p + "'")));
        }
        List<Feed> feedList = new ArrayList<>();
        for (String p : nonNull(feeds)) {
            int eq = p.indexOf('=');
            String[] f = eq < 0 ? new String[0] : p.substring(eq + 1).trim().split(":");
            if (eq < 0 || f.length < 2 || f.length > 3) {
                throw new IllegalArgumentException("price feed '" + p + "' must be <token>=<aggregator>:<decimals>[:<quote>]");
            }
            int decimals;
            try {
                decimals = Integer.parseInt(f[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("price feed '" + p + "': decimals '" + f[1] + "' is not a number");
            }
            if (decimals < 0 || decimals > 77) {
                throw new IllegalArgumentException("price feed '" + p + "': decimals must be 0..77, got " + decimals);
            }
            String quote = f.length == 3 ? quote(f[2], "price feed '" + p + "' quote") : "USD";
            feedList.add(new Feed(token(p.substring(0, eq), "price feed '" + p + "' token"),
                    address(f[0], "price feed '" + p + "' aggregator"), decimals, quote));
        }
        Map<String, String> refs = new LinkedHashMap<>();
        for (String p : nonNull(references)) {
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("reference asset '" + p + "' must be <token>=<same asset>");
            }
            refs.put(token(p.substring(0, eq), "reference asset '" + p + "'"),
                    token(p.substring(eq + 1), "reference asset '" + p + "'"));
        }
        return new PriceSourcesConfig(ps, fs, feedList, refs);
    }

    public Optional<Pool> pool(String address) {
        return pools.stream().filter(p -> p.address().equals(address)).findFirst();
    }

    public Optional<Factory> factory(String address) {
        return factories.stream().filter(f -> f.address().equals(address)).findFirst();
    }

    /** Every feed an aggregator serves (one aggregator may price several tokens). */
    public List<Feed> feedsOf(String aggregator) {
        return feeds.stream().filter(f -> f.aggregator().equals(aggregator)).toList();
    }

    public boolean hasFactory(Dex dex) {
        return factories.stream().anyMatch(f -> f.dex() == dex);
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l.stream().filter(s -> s != null && !s.isBlank()).toList();
    }

    private static Dex dex(String s, String what) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "v2" -> Dex.V2;
            case "v3" -> Dex.V3;
            default -> throw new IllegalArgumentException(what + ": kind '" + s + "' is not v2 or v3");
        };
    }

    private static String address(String s, String what) {
        String t = s.trim();
        if (!Addresses.isAddress(t)) {
            throw new IllegalArgumentException(what + ": '" + s + "' is not a 0x address of 20 bytes");
        }
        return Addresses.normalize(t);
    }

    private static String token(String s, String what) {
        String t = s.trim();
        return t.equalsIgnoreCase(Addresses.NATIVE) ? Addresses.NATIVE : address(t, what);
    }

    private static String quote(String s, String what) {
        String t = s.trim();
        if (t.matches("[A-Za-z]{3}")) {
            return t.toUpperCase(Locale.ROOT);
        }
        return token(t, what);
    }
}
