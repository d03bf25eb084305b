package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders offline and every rendered object binds to its typed model without unknown fields. */
class RenderedOverlaysTest {
  /**
   * Secrets the manifests reference but do not create: CNPG creates the first, operators the rest
   * (chaintrack-provider-keys is optional: the workers' provider keys, docs/deploy.md).
   */
  static final Set<String> EXTERNAL_SECRETS =
      Set.of("chaintrack-db-app", "chaintrack-rpc", "chaintrack-flink-s3", "chaintrack-provider-keys");

  static StrictBinder binder;

  @BeforeAll
  static void loadModels() throws Exception {
    binder = new StrictBinder(CnpgClusterSchema.load(Manifests.repoRoot()));
  }

  static Stream<Path> overlays() throws Exception {
    return Manifests.overlays().stream();
  }

  @Test
  void devAndProdOverlaysExist() throws Exception {
    assertThat(Manifests.overlays()).extracting(p -> p.getFileName().toString()).containsExactly("dev", "prod");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyRenderedObjectBindsToItsTypedModel(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> kinds = new TreeMap<>();
    for (ObjectNode obj : objects) {
      kinds.merge(obj.path("kind").asText(), 1, Integer::sum);
      try {
        assertThat(binder.bind(obj)).isNotNull();
      } catch (IllegalArgumentException e) {
        failures.add(e.getMessage());
      }
    }
    assertThat(failures).as("objects that do not fit their model in " + overlay).isEmpty();
    assertThat(kinds).containsEntry("FlinkDeployment", 4)
        .containsEntry("Kafka", 1).containsEntry("KafkaNodePool", 1).containsEntry("KafkaTopic", 2)
        .containsEntry("Cluster", 1).containsEntry("Job", 1).containsEntry("CronJob", 1).containsEntry("Deployment", 3)
        .containsEntry("Service", 1).containsEntry("HorizontalPodAutoscaler", 1)
        .containsEntry("PodDisruptionBudget", 1).containsEntry("PrometheusRule", 1)
        .containsEntry("ServiceMonitor", 1).containsEntry("PodMonitor", 4);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void flinkJobsRunInApplicationModeWithHaSavepointsAndMetrics(Path overlay) throws Exception {
    Map<String, String> entryClasses = new TreeMap<>();
    for (ObjectNode obj : byKind(Manifests.render(overlay), "FlinkDeployment")) {
      FlinkDeployment fd = (FlinkDeployment) binder.bind(obj);
      var spec = fd.getSpec();
      entryClasses.put(fd.getMetadata().getName(), spec.getJob().getEntryClass());
      assertThat(obj.at("/spec/flinkVersion").asText()).isEqualTo("v2_2");
      assertThat(spec.getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/chaintrack-flink-jobs.jar");
      assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
      assertThat(spec.getJob().getParallelism()).isPositive();
      Map<String, String> conf = spec.getFlinkConfiguration();
      assertThat(conf).containsEntry("high-availability.type", "kubernetes")
          .containsKeys("high-availability.storageDir", "execution.checkpointing.dir",
              "execution.checkpointing.savepoint-dir", "execution.checkpointing.interval")
          .containsEntry("metrics.reporter.prom.factory.class",
              "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      String scheme = conf.get("execution.checkpointing.dir").replaceFirst(":.*", "");
      assertThat(conf.get("execution.checkpointing.savepoint-dir")).startsWith(scheme + ":");
      assertThat(conf.get("high-availability.storageDir")).startsWith(scheme + ":");
      assertThat(spec.getLogConfiguration().get("log4j-console.properties"))
          .contains("layout.type = JsonTemplateLayout");
      assertThat(spec.getImage()).startsWith("chaintrack/flink-jobs:").doesNotEndWith("SNAPSHOT");
      assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
      assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
      Container main = spec.getPodTemplate().getSpec().getContainers().get(0);
      assertThat(main.getName()).isEqualTo("flink-main-container");
      assertThat(main.getPorts()).anyMatch(p -> p.getName().equals("flink-metrics")
          && p.getContainerPort().toString().equals(conf.get("metrics.reporter.prom.port")));
    }
    assertThat(entryClasses).containsExactlyInAnyOrderEntriesOf(Map.of(
        "chaintrack-ingest", "io.chaintrack.jobs.ingest.IngestJob",
        "chaintrack-balances", "io.chaintrack.jobs.balances.BalanceJob",
        "chaintrack-analytics", "io.chaintrack.jobs.analytics.AnalyticsJob",
        "chaintrack-prices", "io.chaintrack.jobs.prices.PriceJob"));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void kafkaRunsInKraftWithTheTopicCatalog(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    KafkaNodePool pool = (KafkaNodePool) binder.bind(byKind(objects, "KafkaNodePool").get(0));
    assertThat(pool.getSpec().getRoles()).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
    assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "chaintrack");
    Map<String, Integer> partitions = new TreeMap<>();
    for (ObjectNode t : byKind(objects, "KafkaTopic")) {
      KafkaTopic topic = (KafkaTopic) binder.bind(t);
      partitions.put(topic.getMetadata().getName(), topic.getSpec().getPartitions());
      assertThat(topic.getSpec().getReplicas()).isLessThanOrEqualTo(pool.getSpec().getReplicas());
    }
    assertThat(partitions).containsOnlyKeys("chaintrack.chain-events.v1", "chaintrack.dead-letters.v1");
    if (overlay.getFileName().toString().equals("prod")) {
      assertThat(partitions).containsEntry("chaintrack.chain-events.v1", 4);
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void apiAndMigrationsUseTheirImagesWithProbesConfigAndSecrets(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    Deployment api = (Deployment) binder.bind(named(objects, "Deployment", "chaintrack-api"));
    Container c = api.getSpec().getTemplate().getSpec().getContainers().get(0);
    // the API image's entrypoint is QueryApiApplication, configured by the environment alone
    assertThat(c.getImage()).startsWith("chaintrack/query-api:");
    assertThat(c.getArgs()).isEmpty();
    assertThat(c.getCommand()).isEmpty();
    // readiness: database reachable and schema migrated; liveness keeps the detailed health (tolerant thresholds)
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v1/health/readiness");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/v1/health/readiness");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v1/health");
    assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactlyInAnyOrder(8080, 50051);
    assertThat(c.getEnvFrom()).anyMatch(e -> e.getConfigMapRef() != null);
    assertThat(c.getEnv()).anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
    Job migrate = (Job) binder.bind(byKind(objects, "Job").get(0));
    // migrations and retention: main classes of the job jar (which holds the migrations) on the jobs image
    Container m = migrate.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(m.getImage()).startsWith("chaintrack/flink-jobs:");
    assertThat(m.getCommand()).last().isEqualTo("io.chaintrack.jobs.common.MigrateCommand");
    assertThat(m.getEnvFrom()).extracting(e -> e.getConfigMapRef().getName()).anyMatch(n -> n.startsWith("chaintrack-jobs-config"));
    // the wall-clock retention step: daily, never two at once, against the jobs' database settings
    CronJob retention = (CronJob) binder.bind(byKind(objects, "CronJob").get(0));
    assertThat(retention.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(retention.getSpec().getTimeZone()).isEqualTo("Etc/UTC");
    Container r = retention.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(r.getImage()).startsWith("chaintrack/flink-jobs:");
    assertThat(r.getCommand()).last().isEqualTo("io.chaintrack.jobs.analytics.PartitionMaintenance");
    assertThat(r.getEnvFrom()).extracting(e -> e.getConfigMapRef().getName()).anyMatch(n -> n.startsWith("chaintrack-jobs-config"));
  }

  /** The worker Deployments: their main class, the option names of their args and their env keys, per overlay. */
  static final Map<String, String> WORKERS = Map.of(
      "chaintrack-price-poller", "io.chaintrack.jobs.prices.PricePollerCommand",
      "chaintrack-wallet-sync", "io.chaintrack.jobs.walletsync.WalletSyncCommand");

  @ParameterizedTest
  @MethodSource("overlays")
  void workersRunAMainOfTheJobJarOnTheJobsImageWithTheirArgsAndKeys(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    String jobsImage = byKind(objects, "FlinkDeployment").get(0).at("/spec/image").asText();
    Map<String, Map<String, String>> configMaps = new TreeMap<>();
    for (ObjectNode cm : byKind(objects, "ConfigMap")) {
      Map<String, String> data = new TreeMap<>();
      cm.path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
      configMaps.put(cm.at("/metadata/name").asText(), data);
    }
    ObjectNode podMonitor = named(objects, "PodMonitor", "chaintrack-workers");
    for (Map.Entry<String, String> worker : WORKERS.entrySet()) {
      ObjectNode obj = named(objects, "Deployment", worker.getKey());
      Deployment d = (Deployment) binder.bind(obj);
      // one replica each: the provider's rate limits are per process (k8s/base/workers)
      assertThat(d.getSpec().getReplicas()).as(worker.getKey() + " replicas").isEqualTo(1);
      // the wallet sync's old and new pods may overlap: its syncs are leased (WalletSyncLeaseHardhatTest); two price
      // pollers would spend the provider's rate limit twice
      assertThat(d.getSpec().getStrategy().getType()).as(worker.getKey() + " strategy")
          .isEqualTo(worker.getKey().equals("chaintrack-wallet-sync") ? "RollingUpdate" : "Recreate");
      var pod = d.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      Container c = pod.getContainers().get(0);
      assertThat(c.getImage()).as(worker.getKey() + " image: the jobs image, tagged as the Flink jobs are")
          .isEqualTo(jobsImage).startsWith("chaintrack/flink-jobs:");
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getResources().getLimits()).containsKey("memory");
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      List<String> command = c.getCommand();
      assertThat(command).first().isEqualTo("java");
      assertThat(command.get(command.indexOf("-cp") + 1))
          .isEqualTo("/opt/flink/usrlib/chaintrack-flink-jobs.jar:/opt/flink/lib/*");
      assertThat(command).last().isEqualTo(worker.getValue());
      // the main class is in the flink-jobs module (the shaded jar's own classes) and has a main
      Class<?> main = Class.forName(worker.getValue());
      assertThat(main.getProtectionDomain().getCodeSource().getLocation().getPath())
          .as(worker.getValue() + " comes from flink-jobs").contains("flink-jobs");
      assertThat(java.lang.reflect.Modifier.isStatic(main.getMethod("main", String[].class).getModifiers())).isTrue();

      // its picocli command parses the rendered args with the rendered environment (secrets as placeholders)
      Map<String, String> env = new TreeMap<>();
      for (var from : c.getEnvFrom()) {
        assertThat(configMaps).containsKey(from.getConfigMapRef().getName());
        env.putAll(configMaps.get(from.getConfigMapRef().getName()));
      }
      Set<String> ownVariables = new java.util.TreeSet<>();
      for (var from : c.getEnvFrom()) {
        if (!from.getConfigMapRef().getName().startsWith("chaintrack-jobs-config")) {
          ownVariables.addAll(configMaps.get(from.getConfigMapRef().getName()).keySet());
        }
      }
      for (var e : c.getEnv()) {
        env.put(e.getName(), e.getValue() != null ? e.getValue()
            : e.getName().endsWith("_URLS") ? "http://rpc.example:8545" : "from-secret");
        ownVariables.add(e.getName());
      }
      picocli.CommandLine cli = new picocli.CommandLine(main.getDeclaredConstructor().newInstance());
      var parsed = io.chaintrack.core.config.ConfiguredCommandLine.parse(cli, env, c.getArgs().toArray(String[]::new));
      // every variable of its own ConfigMap and env list is a key the command binds (none warns, none is ignored)
      Set<String> bound = new java.util.TreeSet<>();
      for (var option : parsed.commandSpec().options()) {
        var key = io.chaintrack.core.config.LayeredDefaults.keyOf(option);
        if (key != null) {
          assertThat(io.chaintrack.core.config.ConfigCatalog.KEYS).as("documented key").contains(key.value());
          bound.add(io.chaintrack.core.config.LayeredConfig.environmentName(key.value()));
          for (String fallback : key.fallbacks()) {
            bound.add(io.chaintrack.core.config.LayeredConfig.environmentName(fallback));
          }
        }
      }
      assertThat(ownVariables).as(worker.getKey() + " variables bound by " + worker.getValue()).isNotEmpty()
          .allMatch(bound::contains);
      assertThat(env).containsKey("CHAINTRACK_JDBC_URL");
      // metrics: the port the command serves is the container's app-metrics port, which the probe and PodMonitor use
      int metricsPort = parsed.commandSpec().findOption("--metrics-port").getValue();
      assertThat(c.getPorts()).anyMatch(p -> p.getName().equals("app-metrics") && p.getContainerPort() == metricsPort);
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/-/healthy");
      assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("app-metrics");
      Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
      podMonitor.at("/spec/selector/matchLabels").fields().forEachRemaining(
          l -> assertThat(podLabels).as(worker.getKey() + " selected by PodMonitor chaintrack-workers")
              .containsEntry(l.getKey(), l.getValue().asText()));
      assertThat(podMonitor.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("app-metrics");

      if (worker.getKey().equals("chaintrack-wallet-sync")) {
        // the wallet sync backfills the chain the ingest job follows
        long walletChain = parsed.commandSpec().findOption("--chain-id").getValue();
        List<String> ingestArgs = new ArrayList<>();
        named(objects, "FlinkDeployment", "chaintrack-ingest").at("/spec/job/args").forEach(a -> ingestArgs.add(a.asText()));
        assertThat(walletChain).as("wallet-sync --chain-id = ingest --chain-id")
            .isEqualTo(Long.parseLong(ingestArgs.get(ingestArgs.indexOf("--chain-id") + 1)));
        assertThat(env).as("the node's URLs from the ingest job's Secret").containsKey("CHAINTRACK_INGEST_RPC_URLS");
        // a lease shorter than one call would hand a live pod's sync to the other pod of a rolling update
        java.time.Duration lease = parsed.commandSpec().findOption("--wallet-sync-lease").getValue();
        assertThat(lease).as("CHAINTRACK_WALLET_SYNC_LEASE longer than an explorer call")
            .isGreaterThan(io.chaintrack.jobs.walletsync.WalletSyncOptions.EXPLORER_CALL_TIMEOUT);
        assertThat(env).containsKey("CHAINTRACK_WALLET_SYNC_LEASE");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyReferencedConfigMapAndSecretExistsOrIsDocumentedAsExternal(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    Set<String> configMaps = names(objects, "ConfigMap");
    Set<String> secrets = names(objects, "Secret");
    secrets.addAll(EXTERNAL_SECRETS);
    List<String> dangling = new ArrayList<>();
    for (ObjectNode obj : objects) {
      collectRefs(obj, Manifests.id(obj), configMaps, secrets, dangling);
    }
    assertThat(dangling).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyNamespacedObjectLandsInTheOverlayNamespace(Path overlay) throws Exception {
    List<ObjectNode> objects = Manifests.render(overlay);
    String ns = byKind(objects, "Namespace").get(0).at("/metadata/name").asText();
    assertThat(ns).startsWith("chaintrack");
    for (ObjectNode obj : objects) {
      if (!obj.path("kind").asText().equals("Namespace")) {
        assertThat(obj.at("/metadata/namespace").asText()).as(Manifests.id(obj)).isEqualTo(ns);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void dashboardsAreValidGrafanaJsonWithQueries(Path overlay) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Set<String> uids = new HashSet<>();
    for (ObjectNode cm : byKind(Manifests.render(overlay), "ConfigMap")) {
      if (!cm.at("/metadata/labels/grafana_dashboard").asText().equals("1")) {
        continue;
      }
      for (JsonNode text : cm.path("data")) {
        JsonNode dashboard = json.readTree(text.asText());
        uids.add(dashboard.path("uid").asText());
        Set<Integer> panelIds = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
          assertThat(panelIds.add(panel.path("id").asInt())).as("unique panel ids").isTrue();
          if (!panel.path("type").asText().equals("row")) {
            assertThat(panel.path("targets")).isNotEmpty();
            panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
          }
        }
      }
    }
    assertThat(uids).containsExactlyInAnyOrder("chaintrack-pipeline", "chaintrack-api-sla", "chaintrack-rpc");
  }

  private static void collectRefs(JsonNode node, String owner, Set<String> configMaps, Set<String> secrets,
      List<String> dangling) {
    if (node.isObject()) {
      check(node.path("configMapRef"), owner, configMaps, dangling, "ConfigMap");
      check(node.path("configMapKeyRef"), owner, configMaps, dangling, "ConfigMap");
      check(node.path("secretRef"), owner, secrets, dangling, "Secret");
      check(node.path("secretKeyRef"), owner, secrets, dangling, "Secret");
      if (node.path("configMap").has("name")) {
        check(node.path("configMap"), owner, configMaps, dangling, "ConfigMap");
      }
      node.forEach(child -> collectRefs(child, owner, configMaps, secrets, dangling));
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, owner, configMaps, secrets, dangling));
    }
  }

  private static void check(JsonNode ref, String owner, Set<String> known, List<String> dangling, String kind) {
    if (ref.has("name") && !known.contains(ref.path("name").asText())) {
      dangling.add(owner + " -> " + kind + "/" + ref.path("name").asText());
    }
  }

  static List<ObjectNode> byKind(List<ObjectNode> objects, String kind) {
    List<ObjectNode> out = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    assertThat(out).as("objects of kind " + kind).isNotEmpty();
    return out;
  }

  static ObjectNode named(List<ObjectNode> objects, String kind, String name) {
    return byKind(objects, kind).stream().filter(o -> o.at("/metadata/name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered"));
  }

  private static Set<String> names(List<ObjectNode> objects, String kind) {
    Set<String> names = new HashSet<>();
    objects.stream().filter(o -> o.path("kind").asText().equals(kind))
        .forEach(o -> names.add(o.at("/metadata/name").asText()));
    return names;
  }
}
