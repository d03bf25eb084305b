package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every key in the FlinkDeployments' flinkConfiguration is a current option of Flink 2.2.1 (the
 * flink-core on this classpath), not a deprecated or removed name, and its value parses as the
 * option's type. Operator, reporter-instance and S3-plugin keys live outside flink-core and are
 * only checked by prefix.
 */
class FlinkConfigurationKeysTest {
  static final List<String> OPTION_CLASSES = List.of("CheckpointingOptions", "StateBackendOptions",
      "StateRecoveryOptions", "HighAvailabilityOptions", "RestartStrategyOptions", "TaskManagerOptions",
      "JobManagerOptions", "MetricOptions", "CoreOptions", "PipelineOptions", "ExecutionOptions",
      "DeploymentOptions", "RestOptions", "SecurityOptions", "ClusterOptions");
  static final List<String> CHECKED_BY_PREFIX_ONLY = List.of("kubernetes.operator.", "metrics.reporter.", "s3.");

  static final Map<String, ConfigOption<?>> options = new HashMap<>();
  static final Map<String, String> deprecatedKeys = new HashMap<>();

  @BeforeAll
  static void collectFlinkOptions() throws Exception {
    for (String simpleName : OPTION_CLASSES) {
      Class<?> type = Class.forName("org.apache.flink.configuration." + simpleName);
      for (Field f : type.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
          ConfigOption<?> option = (ConfigOption<?>) f.get(null);
          options.put(option.key(), option);
          for (FallbackKey fallback : option.fallbackKeys()) {
            deprecatedKeys.put(fallback.getKey(), option.key());
          }
        }
      }
    }
    assertThat(options).containsKey("execution.checkpointing.dir");
  }

  static Stream<Path> overlays() throws Exception {
    return Manifests.overlays().stream();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyFlinkConfigurationKeyIsACurrentOptionWithAValidValue(Path overlay) throws Exception {
    List<String> problems = new ArrayList<>();
    for (ObjectNode fd : RenderedOverlaysTest.byKind(Manifests.render(overlay), "FlinkDeployment")) {
      Map<String, String> conf = new HashMap<>();
      fd.at("/spec/flinkConfiguration").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
      problems.addAll(check(Manifests.id(fd), conf));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void deprecatedUnknownAndMalformedSettingsAreReported() {
    assertThat(check("t", Map.of("state.checkpoints.dir", "s3://b/c")))
        .singleElement().asString().contains("deprecated").contains("execution.checkpointing.dir");
    assertThat(check("t", Map.of("execution.checkpointing.intervall", "30s")))
        .singleElement().asString().contains("not an option of Flink");
    assertThat(check("t", Map.of("execution.checkpointing.interval", "thirty seconds")))
        .singleElement().asString().contains("execution.checkpointing.interval");
    assertThat(check("t", Map.of("taskmanager.numberOfTaskSlots", "two")))
        .singleElement().asString().contains("taskmanager.numberOfTaskSlots = 'two'");
  }

  static List<String> check(String owner, Map<String, String> conf) {
    List<String> problems = new ArrayList<>();
    Configuration parsed = Configuration.fromMap(conf);
    for (String key : conf.keySet()) {
      if (CHECKED_BY_PREFIX_ONLY.stream().anyMatch(key::startsWith)) {
        continue;
      }
      ConfigOption<?> option = options.get(key);
      if (option == null) {
        String replacement = deprecatedKeys.get(key);
        problems.add(owner + ": " + key + (replacement != null
            ? " is a deprecated name, use " + replacement : " is not an option of Flink 2.2.1"));
        continue;
      }
      try {
        parsed.get(option);
      } catch (RuntimeException e) {
        problems.add(owner + ": " + key + " = '" + conf.get(key) + "': " + e.getMessage());
      }
    }
    return problems;
  }
}
