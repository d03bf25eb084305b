package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaintrack.core.config.ConfigCatalog;
import io.chaintrack.core.config.LayeredConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/configuration.md documents exactly the keys of the catalog, each with its environment variable, and
 * every CHAINTRACK_* variable the Kubernetes overlays set is a key some process reads (a stale or misspelt
 * one would fail that process's start-up).
 */
class ConfigurationDocsTest {
    static final Pattern ROW = Pattern.compile("^\\| `(chaintrack\\.[a-z0-9.<>-]+)` \\|[^|]*\\|[^|]*\\| `([A-Z0-9_<>]+)` \\|", Pattern.MULTILINE);

    @Test
    void docsListEveryCatalogKeyWithItsVariable() throws Exception {
        String docs = Files.readString(Manifests.repoRoot().resolve("docs/configuration.md"));
        Matcher m = ROW.matcher(docs);
        Set<String> documented = new TreeSet<>();
        while (m.find()) {
            String key = m.group(1);
            if (key.endsWith(".<id>") || key.endsWith(".<method>")) {
                String prefix = key.substring(0, key.lastIndexOf('.') + 1);
                assertThat(ConfigCatalog.MAP_PREFIXES).as("documented map key " + key).contains(prefix);
                continue;
            }
            documented.add(key);
            assertThat(m.group(2)).as("variable of " + key).isEqualTo(LayeredConfig.environmentName(key));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(new TreeSet<>(ConfigCatalog.KEYS));
    }

    static Stream<Path> overlays() throws Exception {
        return Manifests.overlays().stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyChaintrackVariableInTheManifestsIsAKnownKey(Path overlay) throws Exception {
        List<String> names = new ArrayList<>();
        for (ObjectNode obj : Manifests.render(overlay)) {
            if (obj.path("kind").asText().equals("ConfigMap")) {
                obj.path("data").fieldNames().forEachRemaining(names::add);
            }
            collectEnvNames(obj, names);
        }
        List<String> chaintrack = names.stream().filter(n -> n.startsWith("CHAINTRACK_")).distinct().toList();
        assertThat(chaintrack).isNotEmpty();
        LayeredConfig.Builder env = LayeredConfig.builder();
        chaintrack.forEach(n -> env.environment(java.util.Map.of(n, "x")));
        env.build().rejectUnknownKeys(ConfigCatalog.KEYS, ConfigCatalog.MAP_PREFIXES);
    }

    /** Every process the overlay starts parses its args and environment (ConfigMaps, Secrets as placeholders). */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyProcessStartsFromItsManifestConfiguration(Path overlay) throws Exception {
        List<ObjectNode> objects = Manifests.render(overlay);
        java.util.Map<String, java.util.Map<String, String>> configMaps = new java.util.HashMap<>();
        for (ObjectNode obj : objects) {
            if (obj.path("kind").asText().equals("ConfigMap")) {
                java.util.Map<String, String> data = new java.util.HashMap<>();
                obj.path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
                configMaps.put(obj.path("metadata").path("name").asText(), data);
            }
        }
        int processes = 0;
        for (ObjectNode obj : objects) {
            String kind = obj.path("kind").asText();
            JsonNode container = switch (kind) {
                case "FlinkDeployment" -> obj.path("spec").path("podTemplate").path("spec").path("containers").path(0);
                case "Deployment", "Job" -> obj.path("spec").path("template").path("spec").path("containers").path(0);
                case "CronJob" -> obj.path("spec").path("jobTemplate").path("spec").path("template").path("spec")
                        .path("containers").path(0);
                default -> null;
            };
            if (container == null || !obj.path("metadata").path("name").asText().startsWith("chaintrack-")) {
                continue;
            }
            java.util.Map<String, String> env = new java.util.HashMap<>();
            container.path("envFrom").forEach(e -> env.putAll(configMaps.getOrDefault(
                    e.path("configMapRef").path("name").asText(), java.util.Map.of())));
            container.path("env").forEach(e -> env.put(e.path("name").asText(),
                    e.has("value") ? e.path("value").asText() : "from-secret"));
            env.replaceAll((k, v) -> k.endsWith("_URLS") && v.equals("from-secret") ? "http://rpc.example:8545" : v);
            List<String> args = new ArrayList<>();
            if (kind.equals("FlinkDeployment")) {
                obj.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
                Object job = Class.forName(obj.path("spec").path("job").path("entryClass").asText())
                        .getDeclaredConstructor().newInstance();
                io.chaintrack.core.config.ConfiguredCommandLine.parse(new picocli.CommandLine(job), env,
                        args.toArray(String[]::new));
                processes++;
            } else if (container.path("image").asText().startsWith("chaintrack/query-api:")) {
                // QueryApiApplication: configured by the environment alone
                assertThat(container.has("args") || container.has("command")).as("API container arguments").isFalse();
                io.chaintrack.api.config.LayeredApiProperties.properties(
                        io.chaintrack.api.config.LayeredApiProperties.fromEnvironment(env));
                processes++;
            } else if (container.path("image").asText().startsWith("chaintrack/flink-jobs:")) {
                // a command of the job jar on the Flink image's JVM: java ... -cp <job jar>:<flink lib> <main class>
                List<String> command = new ArrayList<>();
                container.path("command").forEach(a -> command.add(a.asText()));
                assertThat(command).as(kind + " command").startsWith("java").contains(
                        "/opt/flink/usrlib/chaintrack-flink-jobs.jar:/opt/flink/lib/*");
                container.path("args").forEach(a -> args.add(a.asText()));
                Object main = Class.forName(command.get(command.size() - 1)).getDeclaredConstructor().newInstance();
                io.chaintrack.core.config.ConfiguredCommandLine.parse(new picocli.CommandLine(main), env,
                        args.toArray(String[]::new));
                processes++;
            }
        }
        assertThat(processes).as("4 jobs, API, migrate Job, retention CronJob, price poller, wallet sync").isGreaterThanOrEqualTo(9);
    }

    private static void collectEnvNames(JsonNode node, List<String> out) {
        if (node.isObject()) {
            JsonNode env = node.get("env");
            if (env != null && env.isArray()) {
                env.forEach(e -> out.add(e.path("name").asText()));
            }
            node.fields().forEachRemaining(f -> collectEnvNames(f.getValue(), out));
        } else if (node.isArray()) {
            node.forEach(n -> collectEnvNames(n, out));
        }
    }
}
