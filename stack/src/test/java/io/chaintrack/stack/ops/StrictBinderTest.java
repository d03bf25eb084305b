package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The validator is only worth something if it rejects: each test breaks one rendered object on purpose. */
class StrictBinderTest {
  static StrictBinder binder;
  static List<ObjectNode> dev;

  @BeforeAll
  static void renderDev() throws Exception {
    binder = new StrictBinder(CnpgClusterSchema.load(Manifests.repoRoot()));
    dev = Manifests.render(Manifests.repoRoot().resolve("k8s/overlays/dev"));
  }

  static ObjectNode copyOf(String kind) {
    ObjectNode original = RenderedOverlaysTest.byKind(dev, kind).get(0);
    binder.bind(original); // the unbroken object binds
    return original.deepCopy();
  }

  @Test
  void unknownFieldDeepInADeploymentIsRejected() {
    ObjectNode api = copyOf("Deployment");
    ((ObjectNode) api.at("/spec/template/spec/containers/0/readinessProbe")).put("initialDelaySecondz", 5);
    assertThatThrownBy(() -> binder.bind(api))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Deployment/chaintrack-api")
        .hasMessageContaining("initialDelaySecondz");
  }

  @Test
  void unknownFieldInObjectMetaIsRejected() {
    ObjectNode svc = copyOf("Service");
    ((ObjectNode) svc.path("metadata")).put("label", "x");
    assertThatThrownBy(() -> binder.bind(svc)).hasMessageContaining("label");
  }

  @Test
  void scalarsAreNotCoerced() {
    ObjectNode api = copyOf("Deployment");
    ((ObjectNode) api.path("spec")).put("replicas", "two");
    assertThatThrownBy(() -> binder.bind(api)).hasMessageContaining("replicas");
  }

  @Test
  void unknownFieldInAFlinkDeploymentJobIsRejected() {
    ObjectNode fd = copyOf("FlinkDeployment");
    ((ObjectNode) fd.at("/spec/job")).put("upgradMode", "savepoint");
    assertThatThrownBy(() -> binder.bind(fd)).hasMessageContaining("upgradMode");
  }

  @Test
  void unknownFieldInAFlinkPodTemplateIsRejected() {
    ObjectNode fd = copyOf("FlinkDeployment");
    ((ObjectNode) fd.at("/spec/podTemplate/spec/containers/0")).put("enviroment", "x");
    assertThatThrownBy(() -> binder.bind(fd)).hasMessageContaining("enviroment");
  }

  @Test
  void flinkVersionOutsideTheOperatorsListIsRejected() {
    ObjectNode fd = copyOf("FlinkDeployment");
    ((ObjectNode) fd.path("spec")).put("flinkVersion", "v3_0");
    assertThatThrownBy(() -> binder.bind(fd)).hasMessageContaining("v3_0");
    ((ObjectNode) fd.path("spec")).put("flinkVersion", "v1_20");
    assertThat(binder.bind(fd)).isNotNull();
  }

  @Test
  void unknownUpgradeModeIsRejected() {
    ObjectNode fd = copyOf("FlinkDeployment");
    ((ObjectNode) fd.at("/spec/job")).put("upgradeMode", "snapshot");
    assertThatThrownBy(() -> binder.bind(fd)).hasMessageContaining("snapshot");
  }

  @Test
  void unknownFieldInAKafkaTopicIsRejected() {
    ObjectNode topic = copyOf("KafkaTopic");
    ((ObjectNode) topic.path("spec")).put("partition", 3);
    assertThatThrownBy(() -> binder.bind(topic)).hasMessageContaining("partition");
  }

  @Test
  void unknownListenerFieldInKafkaIsRejected() {
    ObjectNode kafka = copyOf("Kafka");
    ((ObjectNode) kafka.at("/spec/kafka/listeners/0")).put("protocol", "plain");
    assertThatThrownBy(() -> binder.bind(kafka)).hasMessageContaining("protocol");
  }

  @Test
  void unknownFieldInAnAlertRuleIsRejected() {
    ObjectNode rule = copyOf("PrometheusRule");
    ((ObjectNode) rule.at("/spec/groups/1/rules/0")).put("runbook_url", "https://example.invalid");
    assertThatThrownBy(() -> binder.bind(rule)).hasMessageContaining("runbook_url");
  }

  @Test
  void unknownFieldInAPodMonitorEndpointIsRejected() {
    ObjectNode monitor = copyOf("PodMonitor");
    ((ObjectNode) monitor.at("/spec/podMetricsEndpoints/0")).put("scrapeInterval", "30s");
    assertThatThrownBy(() -> binder.bind(monitor)).hasMessageContaining("scrapeInterval");
  }

  @Test
  void unknownFieldsInACnpgClusterAreRejectedAtAnyDepth() {
    ObjectNode cluster = copyOf("Cluster");
    ((ObjectNode) cluster.at("/spec/storage")).put("sizee", "1Gi");
    ((ObjectNode) cluster.at("/spec/bootstrap/initdb")).put("databse", "x");
    ((ObjectNode) cluster.path("spec")).put("instancess", 2);
    assertThatThrownBy(() -> binder.bind(cluster))
        .hasMessageContaining("spec.storage.sizee")
        .hasMessageContaining("spec.bootstrap.initdb.databse")
        .hasMessageContaining("spec.instancess");
  }

  @Test
  void cnpgSchemaKnowsNestedKubernetesTypesAndArrays() {
    ObjectNode cluster = copyOf("Cluster");
    ObjectNode spec = (ObjectNode) cluster.path("spec");
    ObjectNode affinity = spec.has("affinity") ? (ObjectNode) spec.get("affinity") : spec.putObject("affinity");
    ArrayNode tolerations = affinity.putArray("tolerations");
    tolerations.addObject().put("key", "dedicated").put("operator", "Equal").put("value", "db");
    assertThat(binder.bind(cluster)).isNotNull();
    tolerations.addObject().put("kee", "dedicated");
    assertThatThrownBy(() -> binder.bind(cluster)).hasMessageContaining("spec.affinity.tolerations[1].kee");
  }

  @Test
  void kindsWithoutAModelAreRejected() {
    ObjectNode cm = copyOf("ConfigMap");
    cm.put("kind", "ConfigMapp");
    assertThatThrownBy(() -> binder.bind(cm)).hasMessageContaining("no typed model");
  }
}
