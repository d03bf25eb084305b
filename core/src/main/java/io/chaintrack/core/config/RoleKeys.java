package io.chaintrack.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The keys one role (the command that runs, e.g. {@code ingest} or {@code stack}) uses: those bound to its
 * options and its parents' ({@link ConfigKey}, fallbacks included), plus what it declares through
 * {@link ReadsKeys}. A catalog key a role does not use would otherwise be accepted and have no effect (a
 * stack given chaintrack.balances.group-id, say), so in a configuration file it is an error naming the key
 * and the role. In the environment it is a warning: Kubernetes shares one ConfigMap between roles by design
 * (the migrate Job runs on the API's), so other roles' variables are expected there.
 */
public final class RoleKeys {
    private static final Logger LOG = LoggerFactory.getLogger(RoleKeys.class);

    /** A command that reads keys itself beyond its bound options (the API hands its layers to Micronaut). */
    public interface ReadsKeys {
        Collection<String> keysRead();

        /** Map-setting prefixes read, each ending with '.'. */
        default Collection<String> prefixesRead() {
            return List.of();
        }
    }

    private RoleKeys() {}

    /** Throws {@link ConfigException} for a file key the running role does not use; warns for such a variable. */
    public static void check(ParseResult parsed, LayeredConfig layers) {
        List<CommandSpec> chain = new ArrayList<>();
        for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            chain.add(pr.commandSpec());
        }
        Set<String> used = new TreeSet<>();
        List<String> prefixes = new ArrayList<>();
        for (CommandSpec spec : chain) {
            for (OptionSpec option : spec.options()) {
                ConfigKey key = LayeredDefaults.keyOf(option);
                if (key != null) {
                    used.add(key.value());
                    used.addAll(List.of(key.fallbacks()));
                }
            }
            if (spec.userObject() instanceof ReadsKeys reads) {
                used.addAll(reads.keysRead());
                prefixes.addAll(reads.prefixesRead());
            }
        }
        if (used.isEmpty() || used.equals(Set.of(ConfiguredCommandLine.CONFIG_FILE_KEY))) {
            return; // a command that only prints usage
        }
        // the role as typed after the distribution's name: 'ingest', 'keys create' (a job's own main is its root)
        List<String> names = new ArrayList<>();
        chain.subList(chain.size() > 1 ? 1 : 0, chain.size()).forEach(c -> names.add(c.name()));
        String name = String.join(" ", names);
        List<String> errors = new ArrayList<>();
        for (LayeredConfig.Value v : set(layers)) {
            if (used.contains(v.key()) || prefixes.stream().anyMatch(p -> v.key().startsWith(p))) {
                continue;
            }
            if (v.layer() == LayeredConfig.Layer.ENVIRONMENT) {
                LOG.warn("configuration key '{}' ({}) is not used by '{}' and has no effect here", v.key(), v.origin(), name);
            } else {
                errors.add(v.key() + " (" + v.origin() + ")");
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("configuration keys not used by '" + name + "': " + String.join(", ", errors)
                    + "; docs/configuration.md lists each role's keys");
        }
    }

    /** Every catalog key and map entry set in the file or environment layer, as the highest of the two sets it. */
    private static List<LayeredConfig.Value> set(LayeredConfig layers) {
        List<LayeredConfig.Value> out = new ArrayList<>();
        for (String key : new TreeSet<>(ConfigCatalog.KEYS)) {
            layers.lookup(key).filter(RoleKeys::fileOrEnvironment).ifPresent(out::add);
        }
        for (String prefix : ConfigCatalog.MAP_PREFIXES) {
            for (Map.Entry<String, LayeredConfig.Value> e : layers.entriesBelow(prefix).entrySet()) {
                if (fileOrEnvironment(e.getValue())) {
                    out.add(e.getValue());
                }
            }
        }
        return out;
    }

    private static boolean fileOrEnvironment(LayeredConfig.Value v) {
        return v.layer() == LayeredConfig.Layer.FILE || v.layer() == LayeredConfig.Layer.ENVIRONMENT;
    }
}
