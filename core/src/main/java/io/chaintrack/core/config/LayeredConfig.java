package io.chaintrack.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration from four layers, each overriding the one before: defaults &lt; file (Java
 * properties) &lt; environment &lt; command-line flags. Keys are lower-case dotted names such as
 * {@code chaintrack.api.http-port}; the environment variable of a key is the key upper-cased with
 * '.' and '-' replaced by '_' ({@code CHAINTRACK_API_HTTP_PORT}). Values are strings until a typed
 * getter reads them; a malformed value fails with the key, the layer it came from and what was
 * expected. Immutable and thread-safe once built.
 */
public final class LayeredConfig {

  /** A layer, lowest precedence first. */
  public enum Layer {
    DEFAULTS("defaults"),
    FILE("file"),
    ENVIRONMENT("environment"),
    FLAGS("command-line flags");

    private final String label;

    Layer(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** A raw value, its layer and its origin ("environment variable CHAINTRACK_X", "file /etc/x.properties", ...). */
  public record Value(String key, String raw, Layer layer, String origin) {}

  private static final Pattern KEY = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");
  private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "api-keys", "credentials");

  private final Map<String, Value> defaults;
  private final Map<String, Value> file;
  private final Map<String, String> environment;
  private final String environmentPrefix;
  private final Map<String, Value> flags;

  private LayeredConfig(Builder b) {
    this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(b.defaults));
    this.file = Collections.unmodifiableMap(new LinkedHashMap<>(b.file));
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
    this.environmentPrefix = b.environmentPrefix;
    this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(b.flags));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The environment variable that sets {@code key}: chaintrack.api.http-port -> CHAINTRACK_API_HTTP_PORT. */
  public static String environmentName(String key) {
    checkKey(key);
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of {@code key} from the highest layer that sets it. */
  public Optional<Value> lookup(String key) {
    checkKey(key);
    Value v = flags.get(key);
    if (v != null) {
      return Optional.of(v);
    }
    String envName = environmentName(key);
    String env = environment.get(envName);
    if (env != null) {
      return Optional.of(new Value(key, env, Layer.ENVIRONMENT, "environment variable " + envName));
    }
    v = file.get(key);
    if (v != null) {
      return Optional.of(v);
    }
    return Optional.ofNullable(defaults.get(key));
  }

  public boolean has(String key) {
    return lookup(key).isPresent();
  }

  public String string(String key) {
    return require(key).raw().trim();
  }

  public Optional<String> optionalString(String key) {
    return lookup(key).map(v -> v.raw().trim()).filter(s -> !s.isEmpty());
  }

  public int intValue(String key) {
    Value v = require(key);
    try {
      return Integer.parseInt(v.raw().trim());
    } catch (NumberFormatException e) {
      throw malformed(v, "an integer (e.g. 8080)");
    }
  }

  public long longValue(String key) {
    Value v = require(key);
    try {
      return Long.parseLong(v.raw().trim());
    } catch (NumberFormatException e) {
      throw malformed(v, "a whole number (e.g. 12)");
    }
  }

  /** "true" or "false", any case; nothing else (a typo must not silently read as false). */
  public boolean bool(String key) {
    Value v = require(key);
    String s = v.raw().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true")) {
      return true;
    }
    if (s.equals("false")) {
      return false;
    }
    throw malformed(v, "true or false");
  }

  /** A duration: a whole number with unit ms, s, m, h or d ("30s", "1h"), or ISO-8601 ("PT1H"). */
  public Duration duration(String key) {
    Value v = require(key);
    try {
      return Durations.parse(v.raw());
    } catch (IllegalArgumentException e) {
      throw malformed(v, "a duration such as 500ms, 30s, 5m, 1h, 2d or PT1H");
    }
  }

  /** A comma-separated list, items trimmed; an empty item ("a,,b") is an error, an empty value an empty list. */
  public List<String> list(String key) {
    Value v = require(key);
    String s = v.raw().trim();
    if (s.isEmpty()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : s.split(",", -1)) {
      String t = item.trim();
      if (t.isEmpty()) {
        throw malformed(v, "a comma-separated list without empty items");
      }
      items.add(t);
    }
    return List.copyOf(items);
  }

  /** An int that must lie in [min, max]. */
  public int intInRange(String key, int min, int max) {
    int n = intValue(key);
    if (n < min || n > max) {
      throw malformed(require(key), "an integer between " + min + " and " + max);
    }
    return n;
  }

  /**
   * Fails when a file key, a flag or a CHAINTRACK_* environment variable is not among
   * {@code knownKeys}: a misspelt setting is an error, not a silent default.
   */
  public void rejectUnknownKeys(Collection<String> knownKeys) {
    rejectUnknownKeys(knownKeys, List.of());
  }

  /**
   * As {@link #rejectUnknownKeys(Collection)}, also accepting any key below one of {@code mapPrefixes}
   * (keys of a map setting such as chaintrack.api.cache.ttls.list-chains; prefixes end with '.').
   */
  public void rejectUnknownKeys(Collection<String> knownKeys, Collection<String> mapPrefixes) {
    Set<String> known = new TreeSet<>(knownKeys);
    Set<String> knownEnv = new TreeSet<>();
    known.forEach(k -> knownEnv.add(environmentName(k)));
    List<String> envPrefixes = mapPrefixes.stream().map(LayeredConfig::environmentPrefixOf).toList();
    List<String> unknown = new ArrayList<>();
    java.util.function.Predicate<String> isKnown = k -> known.contains(k) || mapPrefixes.stream().anyMatch(
        p -> k.startsWith(p) && k.length() > p.length());
    file.values().stream().filter(v -> !isKnown.test(v.key()))
        .forEach(v -> unknown.add(v.key() + " (" + v.origin() + ")"));
    flags.values().stream().filter(v -> !isKnown.test(v.key()))
        .forEach(v -> unknown.add(v.key() + " (" + v.origin() + ")"));
    if (environmentPrefix != null) {
      environment.keySet().stream().filter(n -> n.startsWith(environmentPrefix) && !knownEnv.contains(n)
              && envPrefixes.stream().noneMatch(p -> n.startsWith(p) && n.length() > p.length()))
          .sorted().forEach(n -> unknown.add(n + " (environment variable)"));
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown configuration keys: " + String.join(", ", unknown)
          + "; known keys are listed in docs/configuration.md");
    }
  }

  /**
   * The entries of a map setting: every key below {@code prefix} (ending with '.') set in the file or
   * flags, or as an environment variable below the prefix's variable name (CHAINTRACK_API_CACHE_TTLS_LIST_CHAINS
   * is key chaintrack.api.cache.ttls.list-chains: the part after the prefix is lower-cased, '_' read as '-').
   * Keyed by the part after the prefix; the highest layer wins per entry.
   */
  public Map<String, Value> entriesBelow(String prefix) {
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException("a map prefix ends with '.': " + prefix);
    }
    Map<String, Value> out = new TreeMap<>();
    defaults.values().stream().filter(v -> v.key().startsWith(prefix))
        .forEach(v -> out.put(v.key().substring(prefix.length()), v));
    file.values().stream().filter(v -> v.key().startsWith(prefix))
        .forEach(v -> out.put(v.key().substring(prefix.length()), v));
    String envPrefix = environmentPrefixOf(prefix);
    environment.forEach((name, raw) -> {
      if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
        String entry = name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
        out.put(entry, new Value(prefix + entry, raw, Layer.ENVIRONMENT, "environment variable " + name));
      }
    });
    flags.values().stream().filter(v -> v.key().startsWith(prefix))
        .forEach(v -> out.put(v.key().substring(prefix.length()), v));
    return out;
  }

  private static String environmentPrefixOf(String mapPrefix) {
    return environmentName(mapPrefix.substring(0, mapPrefix.length() - 1)) + "_";
  }

  /** A builder holding this config's layers, to add more (flags parsed later). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.defaults.putAll(defaults);
    b.file.putAll(file);
    b.environment.putAll(environment);
    b.environmentPrefix = environmentPrefix;
    b.flags.putAll(flags);
    return b;
  }

  /** Every key set in some layer with its effective value and layer; secret-looking values masked. */
  public Map<String, String> describe(Collection<String> keys) {
    Map<String, String> out = new TreeMap<>();
    for (String key : keys) {
      lookup(key).ifPresent(v -> out.put(key, (isSecret(key) ? "****" : v.raw()) + "  <- " + v.origin()));
    }
    return out;
  }

  /** Whether values of {@code key} must never be printed. */
  public static boolean isSecret(String key) {
    return SECRET_WORDS.stream().anyMatch(key::contains);
  }

  private Value require(String key) {
    return lookup(key).orElseThrow(() -> new ConfigException("missing configuration key '" + key
        + "': set it in the config file, as environment variable " + environmentName(key)
        + " or as a command-line flag"));
  }

  private static ConfigException malformed(Value v, String expected) {
    String shown = isSecret(v.key()) ? "(hidden)" : "'" + v.raw() + "'";
    return new ConfigException("configuration key '" + v.key() + "' from " + v.origin()
        + " (layer " + v.layer() + ") is " + shown + ", expected " + expected);
  }

  private static void checkKey(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new ConfigException("invalid configuration key '" + key
          + "': keys are lower-case words joined by '.' or '-', e.g. chaintrack.api.http-port");
    }
  }

  /** Collects the layers; later calls for the same layer add to it, a repeated key replaces. */
  public static final class Builder {
    private final Map<String, Value> defaults = new LinkedHashMap<>();
    private final Map<String, Value> file = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String environmentPrefix = "CHAINTRACK_";
    private final Map<String, Value> flags = new LinkedHashMap<>();

    private Builder() {}

    public Builder defaults(Map<String, String> values) {
      values.forEach((k, v) -> put(defaults, k, v, Layer.DEFAULTS, "defaults"));
      return this;
    }

    public Builder defaultValue(String key, String value) {
      put(defaults, key, value, Layer.DEFAULTS, "defaults");
      return this;
    }

    /** A Java properties file (UTF-8). A missing or unreadable file is an error naming the path. */
    public Builder file(Path path) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage(), e);
      }
      for (String name : new TreeSet<>(props.stringPropertyNames())) {
        put(file, name, props.getProperty(name), Layer.FILE, "file " + path);
      }
      return this;
    }

    /** The file named by {@code key} in the environment or flags given so far, if set (e.g. chaintrack.config-file). */
    public Builder fileFrom(String key) {
      String envName = environmentName(key);
      Value flag = flags.get(key);
      String path = flag != null ? flag.raw() : environment.get(envName);
      if (path != null && !path.isBlank()) {
        file(Path.of(path.trim()));
      }
      return this;
    }

    /** The process environment, or a map standing for it in tests. */
    public Builder environment(Map<String, String> env) {
      environment.putAll(env);
      return this;
    }

    /** Prefix of variables {@link #rejectUnknownKeys} checks; null disables that check for the environment. */
    public Builder environmentPrefix(String prefix) {
      this.environmentPrefix = prefix;
      return this;
    }

    /** Values parsed from command-line options by the caller (picocli), keyed by config key; null values are ignored. */
    public Builder flags(Map<String, String> values) {
      values.forEach((k, v) -> {
        if (v != null) {
          put(flags, k, v, Layer.FLAGS, "command-line flag for " + k);
        }
      });
      return this;
    }

    public Builder flag(String key, String value) {
      if (value != null) {
        put(flags, key, value, Layer.FLAGS, "command-line flag for " + key);
      }
      return this;
    }

    /** A flag value with the option's name for error messages, e.g. flag("chaintrack.kafka.bootstrap-servers", v, "--bootstrap-servers"). */
    public Builder flag(String key, String value, String optionName) {
      if (value != null) {
        put(flags, key, value, Layer.FLAGS, "command-line flag " + optionName);
      }
      return this;
    }

    public LayeredConfig build() {
      return new LayeredConfig(this);
    }

    private static void put(Map<String, Value> layer, String key, String value, Layer l, String origin) {
      checkKey(key);
      if (value == null) {
        throw new ConfigException("configuration key '" + key + "' in " + origin + " has no value");
      }
      layer.put(key, new Value(key, value, l, origin));
    }
  }
}
