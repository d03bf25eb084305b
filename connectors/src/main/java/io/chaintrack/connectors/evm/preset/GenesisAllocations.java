package io.chaintrack.connectors.evm.preset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads genesis allocations and address lists named by a preset: "classpath:..." resources of "address wei-hex"
 * lines (gzipped when the name ends in .gz, # comments), a geth genesis JSON file (its {@code alloc} map of
 * address to {"balance"}), or "file#genesis" for a preset file's inline genesis. Loaded once per JVM.
 */
public final class GenesisAllocations {
    private GenesisAllocations() {}

    public record Allocation(String address, BigInteger wei) {}

    private static final Map<String, List<Allocation>> CACHE = new ConcurrentHashMap<>();
    private static final String CLASSPATH = "classpath:";
    private static final String INLINE = "#genesis";

    /** The non-zero allocations, sorted by address (their order in block 0). */
    public static List<Allocation> load(String location) {
        return CACHE.computeIfAbsent(location, GenesisAllocations::read);
    }

    /** One address a line (# comments), in file order. */
    public static List<String> addressList(String location) {
        List<String> out = new ArrayList<>();
        for (String[] f : lines(location)) {
            out.add(Addresses.normalize(f[0]));
        }
        return out;
    }

    private static List<Allocation> read(String location) {
        List<Allocation> out = new ArrayList<>();
        if (location.startsWith(CLASSPATH)) {
            for (String[] f : lines(location)) {
                out.add(new Allocation(Addresses.normalize("0x" + f[0]), new BigInteger(f[1], 16)));
            }
        } else {
            boolean inline = location.endsWith(INLINE);
            Path file = Path.of(inline ? location.substring(0, location.length() - INLINE.length()) : location);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read genesis " + file, e);
            }
            JsonNode alloc = (inline ? root.path("genesis") : root).path("alloc");
            if (!alloc.isObject()) {
                throw new IllegalArgumentException("genesis " + location + " has no \"alloc\" object (geth's format)");
            }
            alloc.fields().forEachRemaining(e -> {
                String a = e.getKey().startsWith("0x") ? e.getKey() : "0x" + e.getKey();
                String balance = e.getValue().path("balance").asText("0");
                // geth writes balances as decimal or 0x hex strings
                BigInteger wei = balance.startsWith("0x") ? Uint256.parse(balance) : new BigInteger(balance);
                out.add(new Allocation(Addresses.normalize(a), wei));
            });
        }
        return sorted(out);
    }

    /** Non-zero allocations sorted by address: their order (and tx_index) in block 0. */
    public static List<Allocation> sorted(List<Allocation> allocations) {
        List<Allocation> out = new ArrayList<>(allocations);
        out.removeIf(a -> a.wei().signum() == 0);
        out.sort(Comparator.comparing(Allocation::address));
        return List.copyOf(out);
    }

    private static List<String[]> lines(String location) {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = open(location);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line.split("\\s+"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
        return out;
    }

    private static InputStream open(String location) throws IOException {
        InputStream in;
        if (location.startsWith(CLASSPATH)) {
            String res = location.substring(CLASSPATH.length());
            in = GenesisAllocations.class.getClassLoader().getResourceAsStream(res);
            if (in == null) {
                throw new IOException("no resource " + res + " on the classpath");
            }
        } else {
            in = Files.newInputStream(Path.of(location));
        }
        return location.endsWith(".gz") ? new GZIPInputStream(in) : in;
    }
}
