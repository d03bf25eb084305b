package io.chaintrack.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ConfiguredCommandLineTest {
  @TempDir
  Path dir;

  @Command(name = "probe")
  static final class Probe implements Callable<Integer> {
    @ConfigKey("chaintrack.kafka.bootstrap-servers")
    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @ConfigKey("chaintrack.flink.checkpoint-interval")
    @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationConverter.class)
    Duration checkpointInterval;

    @ConfigKey("chaintrack.ingest.rpc-urls")
    @Option(names = "--rpc-url", split = ",")
    List<String> rpcUrls = new ArrayList<>();

    @ConfigKey("chaintrack.flink.parallelism")
    @Option(names = "--parallelism", defaultValue = "1")
    int parallelism;

    @ConfigKey(value = "chaintrack.jdbc.url", fallbacks = "chaintrack.api.datasource.url")
    @Option(names = "--jdbc-url")
    String jdbcUrl;

    @ConfigKey("chaintrack.jdbc.password")
    @Option(names = "--jdbc-password")
    String password;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    @Override
    public Integer call() {
      return 0;
    }
  }


  Path file(String content) throws IOException {
    Path f = dir.resolve("chaintrack.properties");
    Files.writeString(f, content);
    return f;
  }

  Probe parse(Map<String, String> env, String... args) {
    Probe probe = new Probe();
    ConfiguredCommandLine.parse(new CommandLine(probe), env, args);
    return probe;
  }

  @Test
  void defaultsThenFileThenEnvironmentThenFlag() throws IOException {
    Path f = file("chaintrack.kafka.bootstrap-servers=file:9092\nchaintrack.flink.checkpoint-interval=20s\n"
        + "chaintrack.flink.parallelism=2\n");
    String[] fileOnly = {"--config-file", f.toString()};

    Probe defaults = parse(Map.of(), "--bootstrap-servers", "x:1");
    assertThat(defaults.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.parallelism).isEqualTo(1);

    Probe fromFile = parse(Map.of(), fileOnly);
    assertThat(fromFile.bootstrap).isEqualTo("file:9092");
    assertThat(fromFile.checkpointInterval).isEqualTo(Duration.ofSeconds(20));

    Probe fromEnv = parse(Map.of("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "env:9092", "CHAINTRACK_FLINK_PARALLELISM", "3"),
        fileOnly);
    assertThat(fromEnv.bootstrap).isEqualTo("env:9092");
    assertThat(fromEnv.parallelism).isEqualTo(3);
    assertThat(fromEnv.checkpointInterval).isEqualTo(Duration.ofSeconds(20));

    Probe fromFlag = parse(Map.of("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "env:9092"),
        "--config-file", f.toString(), "--bootstrap-servers", "flag:9092", "--checkpoint-interval", "1m");
    assertThat(fromFlag.bootstrap).isEqualTo("flag:9092");
    assertThat(fromFlag.checkpointInterval).isEqualTo(Duration.ofMinutes(1));
    assertThat(fromFlag.parallelism).isEqualTo(2);
  }

  @Test
  void theFileCanBeNamedByTheEnvironmentAndListsSplit() throws IOException {
    Path f = file("chaintrack.ingest.rpc-urls=http://a:8545, http://b:8545\n");
    Probe p = parse(Map.of("CHAINTRACK_CONFIG_FILE", f.toString(), "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1"));
    assertThat(p.rpcUrls).containsExactly("http://a:8545", "http://b:8545");
  }

  @Test
  void aFallbackKeyIsReadOnlyWhenThePrimaryIsUnset() {
    Map<String, String> both = Map.of("CHAINTRACK_JDBC_URL", "jdbc:primary", "CHAINTRACK_API_DATASOURCE_URL", "jdbc:api",
        "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1");
    assertThat(parse(both).jdbcUrl).isEqualTo("jdbc:primary");
    assertThat(parse(Map.of("CHAINTRACK_API_DATASOURCE_URL", "jdbc:api", "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1")).jdbcUrl)
        .isEqualTo("jdbc:api");
  }

  @Test
  void aBadValueNamesKeyLayerAndOrigin() throws IOException {
    assertThatThrownBy(() -> parse(Map.of("CHAINTRACK_FLINK_CHECKPOINT_INTERVAL", "10 seconds",
        "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("configuration key 'chaintrack.flink.checkpoint-interval'")
        .hasMessageContaining("environment variable CHAINTRACK_FLINK_CHECKPOINT_INTERVAL")
        .hasMessageContaining("layer environment")
        .hasMessageContaining("'10 seconds'");
    Path f = file("chaintrack.flink.parallelism=two\n");
    assertThatThrownBy(() -> parse(Map.of(), "--config-file", f.toString(), "--bootstrap-servers", "k:1"))
        .hasMessageContaining("configuration key 'chaintrack.flink.parallelism' from file " + f)
        .hasMessageContaining("layer file");
    // the same bad value given as a flag is the flag's error, not the file's
    assertThatThrownBy(() -> parse(Map.of(), "--bootstrap-servers", "k:1", "--parallelism", "two"))
        .hasMessageNotContaining("configuration key")
        .hasMessageContaining("'--parallelism'");
  }

  @Test
  void aMissingRequiredOptionNamesItsKeyAndVariable() {
    assertThatThrownBy(() -> parse(Map.of()))
        .isInstanceOf(CommandLine.MissingParameterException.class)
        .hasMessageContaining("--bootstrap-servers")
        .hasMessageContaining("chaintrack.kafka.bootstrap-servers")
        .hasMessageContaining("CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void unknownChaintrackVariablesAndFileKeysFailBeforeParsing() throws IOException {
    assertThatThrownBy(() -> parse(Map.of("CHAINTRACK_KAFKA_BOOTSTRAP_SERVER", "k:1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CHAINTRACK_KAFKA_BOOTSTRAP_SERVER (environment variable)");
    Path f = file("chaintrack.flink.paralelism=2\n");
    assertThatThrownBy(() -> parse(Map.of(), "--config-file", f.toString()))
        .hasMessageContaining("chaintrack.flink.paralelism (file " + f + ")");
    // another process's documented key is fine (ConfigMaps are shared); so are non-chaintrack variables
    assertThat(parse(Map.of("CHAINTRACK_API_HTTP_PORT", "8080", "HOME", "/root", "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1"))
        .bootstrap).isEqualTo("k:1");
  }

  @Test
  void executeReportsConfigurationErrorsAsUsageErrorsAndDescribeMasksSecrets() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Probe()).setErr(new PrintWriter(err));
    int code = ConfiguredCommandLine.execute(cl, new String[0], Map.of("CHAINTRACK_JDBC_PASWORD", "x"));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("CHAINTRACK_JDBC_PASWORD");

    CommandLine ok = new CommandLine(new Probe());
    CommandLine.ParseResult parsed = ConfiguredCommandLine.parse(ok,
        Map.of("CHAINTRACK_JDBC_PASSWORD", "hunter2", "CHAINTRACK_KAFKA_BOOTSTRAP_SERVERS", "k:1"), "--parallelism", "4");
    Map<String, String> described = ConfiguredCommandLine.describe(parsed);
    assertThat(described.get("chaintrack.jdbc.password")).isEqualTo("****  <- environment variable CHAINTRACK_JDBC_PASSWORD");
    assertThat(described.get("chaintrack.flink.parallelism")).isEqualTo("4  <- command-line flag --parallelism");
    assertThat(described.get("chaintrack.flink.checkpoint-interval")).isEqualTo("10s  <- defaults");
    LayeredConfig effective = ConfiguredCommandLine.effective(parsed);
    assertThat(effective.intValue("chaintrack.flink.parallelism")).isEqualTo(4);
    assertThat(effective.lookup("chaintrack.flink.parallelism").orElseThrow().layer()).isEqualTo(LayeredConfig.Layer.FLAGS);
    assertThat(effective.string("chaintrack.kafka.bootstrap-servers")).isEqualTo("k:1");
  }

  @Test
  void mapSettingsAreReadFromEveryLayer() throws IOException {
    LayeredConfig config = LayeredConfig.builder()
        .file(file("chaintrack.api.cache.ttls.list-chains=2s\nchaintrack.api.cache.ttls.get-chain-totals=3s\n"))
        .environment(Map.of("CHAINTRACK_API_CACHE_TTLS_LIST_CHAINS", "5s"))
        .build();
    var entries = config.entriesBelow("chaintrack.api.cache.ttls.");
    assertThat(entries.get("list-chains").raw()).isEqualTo("5s");
    assertThat(entries.get("get-chain-totals").raw()).isEqualTo("3s");
    config.rejectUnknownKeys(ConfigCatalog.KEYS, ConfigCatalog.MAP_PREFIXES);
  }
}
