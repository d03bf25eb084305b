package io.chaintrack.api.config;

import io.chaintrack.core.config.ConfigCatalog;
import io.chaintrack.core.config.ConfigException;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.core.config.Durations;
import io.chaintrack.core.config.LayeredConfig;
import io.chaintrack.core.config.LayeredConfig.Value;
import io.micronaut.context.env.PropertySource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's settings from {@link LayeredConfig} as Micronaut's highest-precedence property source: a
 * key set in the file, the environment or a flag beats application.yml and Micronaut's own variables
 * (DATASOURCES_DEFAULT_URL, ...), which remain below as the defaults layer. Values are checked here, so a
 * bad one fails start-up naming its key, layer and origin rather than a Micronaut binding path.
 */
public final class LayeredApiProperties {
    public static final String SOURCE_NAME = "chaintrack-layered-config";
    /** Above Micronaut's system properties (-100), environment (-200) and application.yml. */
    public static final int ORDER = Integer.MAX_VALUE - 10;

    /** chaintrack keys whose Micronaut property has another name. */
    static final Map<String, String> RENAMED = Map.of(
            "chaintrack.api.http-port", "micronaut.server.port",
            "chaintrack.api.grpc-port", "grpc.server.port",
            "chaintrack.api.datasource.url", "datasources.default.url",
            "chaintrack.api.datasource.user", "datasources.default.username",
            "chaintrack.api.datasource.password", "datasources.default.password",
            "chaintrack.api.datasource.pool-size", "datasources.default.maximum-pool-size");

    /** Every key the API reads: its own only (health's consumer lag comes from a table, not from the brokers). */
    public static final List<String> KEYS = ConfigCatalog.API;
    static final String CORS_ORIGINS = "chaintrack.api.cors.allowed-origins";

    private LayeredApiProperties() {}

    /**
     * The layers of a stand-alone API process: {@code env} and the file it names in CHAINTRACK_CONFIG_FILE.
     * A key no chaintrack process knows fails here.
     */
    public static LayeredConfig fromEnvironment(Map<String, String> env) {
        LayeredConfig config = LayeredConfig.builder().environment(env)
                .fileFrom(ConfiguredCommandLine.CONFIG_FILE_KEY).build();
        config.rejectUnknownKeys(ConfigCatalog.KEYS, ConfigCatalog.MAP_PREFIXES);
        return config;
    }

    /** Micronaut properties of every API key set above the defaults layer, validated and normalised. */
    public static Map<String, Object> properties(LayeredConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            Optional<Value> v = config.lookup(key).filter(x -> x.layer() != LayeredConfig.Layer.DEFAULTS);
            if (v.isEmpty()) {
                continue;
            }
            out.put(RENAMED.getOrDefault(key, key), typed(config, key));
        }
        for (String prefix : ConfigCatalog.MAP_PREFIXES) {
            config.entriesBelow(prefix).forEach((entry, value) -> {
                if (value.layer() != LayeredConfig.Layer.DEFAULTS) {
                    out.put(prefix + entry, mapEntry(prefix, value));
                }
            });
        }
        return out;
    }

    public static PropertySource propertySource(LayeredConfig config, Map<String, Object> overrides) {
        Map<String, Object> props = new LinkedHashMap<>(properties(config));
        props.putAll(overrides);
        cors(props);
        return PropertySource.of(SOURCE_NAME, props, ORDER);
    }

    /**
     * Micronaut's CORS for the origins of {@code chaintrack.api.cors.allowed-origins} (exact origins, comma-separated):
     * preflights answered, GET and HEAD allowed (and POST, PATCH, DELETE: a frontend edits its user's wallets), the
     * headers a browser client reads exposed. None configured: CORS
     * stays off (no Access-Control-* headers; a preflight is 405 as any OPTIONS).
     */
    static void cors(Map<String, Object> props) {
        Object value = props.get(CORS_ORIGINS);
        List<String> origins = value == null ? List.of()
                : (value instanceof java.util.Collection<?> items ? items.stream().map(String::valueOf)
                        : java.util.Arrays.stream(value.toString().split(",")))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (origins.isEmpty()) {
            return;
        }
        String web = "micronaut.server.cors.configurations.web.";
        props.putIfAbsent("micronaut.server.cors.enabled", true);
        props.putIfAbsent(web + "allowed-origins", origins);
        props.putIfAbsent(web + "allowed-methods", List.of("GET", "HEAD", "OPTIONS", "POST", "PATCH", "DELETE"));
        props.putIfAbsent(web + "exposed-headers", List.of("Retry-After", "X-Request-Id", "WWW-Authenticate"));
        props.putIfAbsent(web + "max-age", 600);
    }

    private static Object typed(LayeredConfig config, String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        if (key.endsWith("-port")) {
            return config.intInRange(key, 0, 65535);
        }
        if (key.equals("chaintrack.api.window-seconds") || key.equals("chaintrack.api.health.consumer-groups")
                || key.equals(CORS_ORIGINS)) {
            List<String> items = config.list(key);
            if (key.equals("chaintrack.api.window-seconds")) {
                for (String item : items) {
                    try {
                        Integer.parseInt(item);
                    } catch (NumberFormatException e) {
                        throw new ConfigException("configuration key '" + key + "' from " + config.lookup(key).get().origin()
                                + " has '" + item + "', expected a comma-separated list of window sizes in seconds");
                    }
                }
            }
            return String.join(",", items);
        }
        if (last.equals("enabled") || last.equals("validate-schema")) {
            return config.bool(key);
        }
        if (last.endsWith("timeout") || last.endsWith("interval") || last.endsWith("ttl") || last.endsWith("after")
                || last.equals("heartbeat") || last.equals("anomaly-margin") || last.endsWith("period")) {
            return config.duration(key).toString();
        }
        if (last.equals("pool-size") || last.endsWith("-limit") || last.endsWith("-seconds") || last.startsWith("max-")
                || last.equals("threads") || last.equals("batch-size") || last.equals("reorg-margin-blocks")) {
            return config.longValue(key);
        }
        return config.string(key);
    }

    private static Object mapEntry(String prefix, Value value) {
        if (prefix.endsWith("rpc-urls.")) {
            return value.raw().trim();
        }
        try {
            return Durations.parse(value.raw()).toString();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + value.key() + "' from " + value.origin() + " (layer "
                    + value.layer() + ") is '" + value.raw() + "', expected a duration such as 500ms, 30s, 5m, 1h or PT1H");
        }
    }
}
