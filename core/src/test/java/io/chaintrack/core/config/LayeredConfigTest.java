package io.chaintrack.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.core.config.LayeredConfig.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {
  static final String KEY = "chaintrack.balances.window";

  @TempDir
  Path dir;

  Path file(String content) throws IOException {
    Path f = dir.resolve("chaintrack.properties");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void eachLayerOverridesTheOnesBelowIt() throws IOException {
    Path f = file(KEY + "=2h\n");
    var defaultsOnly = LayeredConfig.builder().defaultValue(KEY, "1h").build();
    var withFile = LayeredConfig.builder().defaultValue(KEY, "1h").file(f).build();
    var withEnv = LayeredConfig.builder().defaultValue(KEY, "1h").file(f)
        .environment(Map.of("CHAINTRACK_BALANCES_WINDOW", "3h")).build();
    var withFlag = LayeredConfig.builder().defaultValue(KEY, "1h").file(f)
        .environment(Map.of("CHAINTRACK_BALANCES_WINDOW", "3h")).flag(KEY, "4h", "--window").build();

    assertThat(defaultsOnly.duration(KEY)).isEqualTo(Duration.ofHours(1));
    assertThat(withFile.duration(KEY)).isEqualTo(Duration.ofHours(2));
    assertThat(withEnv.duration(KEY)).isEqualTo(Duration.ofHours(3));
    assertThat(withFlag.duration(KEY)).isEqualTo(Duration.ofHours(4));
    assertThat(defaultsOnly.lookup(KEY).orElseThrow().layer()).isEqualTo(Layer.DEFAULTS);
    assertThat(withFile.lookup(KEY).orElseThrow().layer()).isEqualTo(Layer.FILE);
    assertThat(withEnv.lookup(KEY).orElseThrow().layer()).isEqualTo(Layer.ENVIRONMENT);
    assertThat(withFlag.lookup(KEY).orElseThrow().layer()).isEqualTo(Layer.FLAGS);
  }

  @Test
  void aHigherLayerThatDoesNotSetAKeyFallsThrough() throws IOException {
    var config = LayeredConfig.builder()
        .defaults(Map.of("chaintrack.api.http-port", "8080", "chaintrack.api.grpc-port", "50051"))
        .file(file("chaintrack.api.grpc-port=6000\n"))
        .environment(Map.of("CHAINTRACK_API_HTTP_PORT", "9090", "PATH", "/usr/bin"))
        .flags(Map.of("chaintrack.jdbc.url", "jdbc:postgresql://db/x"))
        .build();
    assertThat(config.intValue("chaintrack.api.http-port")).isEqualTo(9090);
    assertThat(config.intValue("chaintrack.api.grpc-port")).isEqualTo(6000);
    assertThat(config.string("chaintrack.jdbc.url")).isEqualTo("jdbc:postgresql://db/x");
    assertThat(config.optionalString("chaintrack.jdbc.user")).isEmpty();
  }

  @Test
  void environmentNamesUpperCaseTheKeyWithUnderscores() {
    assertThat(LayeredConfig.environmentName("chaintrack.api.http-port")).isEqualTo("CHAINTRACK_API_HTTP_PORT");
    assertThat(LayeredConfig.environmentName("chaintrack.kafka.bootstrap-servers"))
        .isEqualTo("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void typedGettersParseTheirFormats() {
    var config = LayeredConfig.builder().defaults(Map.of(
        "a.int", " 42 ", "a.long", "9000000000", "a.bool", "TRUE", "a.off", "false",
        "a.ms", "500ms", "a.s", "30s", "a.m", "5m", "a.d", "2d", "a.iso", "PT1H30M",
        "a.list", " http://a:8545 , http://b:8545")).defaultValue("a.empty", "").build();
    assertThat(config.intValue("a.int")).isEqualTo(42);
    assertThat(config.longValue("a.long")).isEqualTo(9_000_000_000L);
    assertThat(config.bool("a.bool")).isTrue();
    assertThat(config.bool("a.off")).isFalse();
    assertThat(config.duration("a.ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(config.duration("a.s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.duration("a.m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.duration("a.d")).isEqualTo(Duration.ofDays(2));
    assertThat(config.duration("a.iso")).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.list("a.list")).containsExactly("http://a:8545", "http://b:8545");
    assertThat(config.list("a.empty")).isEmpty();
    assertThat(config.intInRange("a.int", 1, 100)).isEqualTo(42);
  }

  @Test
  void malformedValuesNameTheKeyTheLayerAndTheExpectedForm() throws IOException {
    var config = LayeredConfig.builder()
        .file(file("chaintrack.api.http-port=80eighty\n"))
        .environment(Map.of("CHAINTRACK_BALANCES_WINDOW", "1hour", "CHAINTRACK_INGEST_TRACES", "yes"))
        .flag("chaintrack.ingest.rpc-urls", "http://a,,http://b", "--rpc-url")
        .build();
    assertThatThrownBy(() -> config.intValue("chaintrack.api.http-port"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'chaintrack.api.http-port'")
        .hasMessageContaining("file " + dir.resolve("chaintrack.properties"))
        .hasMessageContaining("layer file")
        .hasMessageContaining("'80eighty'")
        .hasMessageContaining("expected an integer");
    assertThatThrownBy(() -> config.duration(KEY))
        .hasMessageContaining("environment variable CHAINTRACK_BALANCES_WINDOW")
        .hasMessageContaining("layer environment")
        .hasMessageContaining("'1hour'")
        .hasMessageContaining("30s");
    assertThatThrownBy(() -> config.bool("chaintrack.ingest.traces"))
        .hasMessageContaining("expected true or false");
    assertThatThrownBy(() -> config.list("chaintrack.ingest.rpc-urls"))
        .hasMessageContaining("command-line flag --rpc-url")
        .hasMessageContaining("layer command-line flags")
        .hasMessageContaining("without empty items");
  }

  @Test
  void outOfRangeAndNegativeValuesAreRejected() {
    var config = LayeredConfig.builder().defaults(Map.of("a.port", "70000", "a.wait", "-PT1S", "a.neg", "-5s")).build();
    assertThatThrownBy(() -> config.intInRange("a.port", 1, 65535)).hasMessageContaining("between 1 and 65535");
    assertThatThrownBy(() -> config.duration("a.wait")).hasMessageContaining("expected a duration");
    assertThatThrownBy(() -> config.duration("a.neg")).hasMessageContaining("expected a duration");
  }

  @Test
  void secretValuesNeverAppearInMessagesOrDescriptions() {
    var config = LayeredConfig.builder()
        .environment(Map.of("CHAINTRACK_JDBC_PASSWORD", "hunter2", "CHAINTRACK_API_AUTH_API_KEYS", "k1,,k2"))
        .build();
    assertThatThrownBy(() -> config.list("chaintrack.api.auth.api-keys"))
        .hasMessageContaining("(hidden)")
        .hasMessageNotContaining("k1");
    assertThat(config.describe(List.of("chaintrack.jdbc.password")))
        .containsEntry("chaintrack.jdbc.password", "****  <- environment variable CHAINTRACK_JDBC_PASSWORD");
  }

  @Test
  void aMissingKeyNamesItsEnvironmentVariable() {
    var config = LayeredConfig.builder().build();
    assertThatThrownBy(() -> config.string("chaintrack.jdbc.url"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing configuration key 'chaintrack.jdbc.url'")
        .hasMessageContaining("CHAINTRACK_JDBC_URL");
  }

  @Test
  void unknownKeysInAnyLayerAreRejected() throws IOException {
    List<String> known = List.of("chaintrack.api.http-port", "chaintrack.jdbc.url");
    LayeredConfig.builder().file(file("chaintrack.api.http-port=1\n"))
        .environment(Map.of("CHAINTRACK_JDBC_URL", "x", "HOME", "/root")).build()
        .rejectUnknownKeys(known);
    assertThatThrownBy(() -> LayeredConfig.builder().file(file("chaintrack.api.http-prot=1\n")).build()
        .rejectUnknownKeys(known)).hasMessageContaining("chaintrack.api.http-prot (file ");
    assertThatThrownBy(() -> LayeredConfig.builder().environment(Map.of("CHAINTRACK_JDBC_ULR", "x")).build()
        .rejectUnknownKeys(known)).hasMessageContaining("CHAINTRACK_JDBC_ULR (environment variable)");
    assertThatThrownBy(() -> LayeredConfig.builder().flag("chaintrack.jdbc.uri", "x", "--jdbc-uri").build()
        .rejectUnknownKeys(known)).hasMessageContaining("chaintrack.jdbc.uri (command-line flag --jdbc-uri)");
  }

  @Test
  void theFileCanBeNamedInTheEnvironmentAndAMissingFileIsAnError() throws IOException {
    Path f = file("chaintrack.api.grpc-port=7000\n");
    var config = LayeredConfig.builder()
        .environment(Map.of("CHAINTRACK_CONFIG_FILE", f.toString()))
        .fileFrom("chaintrack.config-file")
        .build();
    assertThat(config.intValue("chaintrack.api.grpc-port")).isEqualTo(7000);
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> LayeredConfig.builder().file(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void keysMustBeLowerCaseDottedNames() {
    assertThatThrownBy(() -> LayeredConfig.builder().defaultValue("Chaintrack.Port", "1"))
        .hasMessageContaining("invalid configuration key 'Chaintrack.Port'");
    assertThatThrownBy(() -> LayeredConfig.builder().build().lookup("a..b"))
        .isInstanceOf(ConfigException.class);
  }
}
