package io.chaintrack.stack.ops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

/**
 * Binds rendered objects to typed models and rejects any field the model does not declare.
 * The models all keep unknown fields in a catch-all map (@JsonAnySetter); this binder removes that
 * catch-all and every ignoreUnknown, so an unknown field anywhere in the tree fails the binding,
 * and scalars are not coerced (replicas: "2" fails).
 */
final class StrictBinder {

  /** apiVersion + kind -> the typed model that the object must bind to. */
  static final Map<String, Class<?>> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("batch/v1/Job", Job.class),
      Map.entry("batch/v1/CronJob", CronJob.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
      Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
      Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
      Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
      Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
      Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
      Map.entry("flink.apache.org/v1beta1/FlinkDeployment", FlinkDeployment.class));

  /**
   * Flink versions newer than the enum of the operator API jar on Maven Central (1.10.0 ends at
   * v1_20). Operator releases 1.11 (v2_0), 1.13 (v2_1) and 1.14+ (v2_2) added them; they are
   * accepted by name here and nothing else outside the jar's enum is.
   */
  static final Set<String> FLINK_VERSIONS_BEYOND_JAR = Set.of("v2_0", "v2_1", "v2_2");

  private final ObjectMapper mapper;
  private final CnpgClusterSchema cnpg;

  StrictBinder(CnpgClusterSchema cnpg) {
    this.cnpg = cnpg;
    SimpleModule strict = new SimpleModule("strict-unknown-fields");
    strict.setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public BeanDeserializerBuilder updateBuilder(
          DeserializationConfig config, BeanDescription beanDesc, BeanDeserializerBuilder builder) {
        builder.setAnySetter(null);
        builder.setIgnoreUnknownProperties(false);
        return builder;
      }
    });
    strict.addDeserializer(FlinkVersion.class, new FlinkVersionDeserializer());
    this.mapper = JsonMapper.builder()
        .addModule(strict)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
  }

  /** Binds {@code obj}; returns the typed instance or throws naming the object and the field path. */
  Object bind(JsonNode obj) {
    String key = obj.path("apiVersion").asText() + "/" + obj.path("kind").asText();
    if (key.equals("postgresql.cnpg.io/v1/Cluster")) {
      return bindCnpgCluster(obj);
    }
    Class<?> model = MODELS.get(key);
    if (model == null) {
      throw new IllegalArgumentException(Manifests.id(obj) + ": no typed model for " + key);
    }
    try {
      return mapper.treeToValue(obj, model);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          Manifests.id(obj) + " does not fit " + model.getName() + ": " + e.getMessage(), e);
    }
  }

  private Object bindCnpgCluster(JsonNode obj) {
    for (var it = obj.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!List.of("apiVersion", "kind", "metadata", "spec").contains(field)) {
        throw new IllegalArgumentException(Manifests.id(obj) + ": unknown top-level field '" + field + "'");
      }
    }
    try {
      mapper.treeToValue(obj.path("metadata"), ObjectMeta.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(Manifests.id(obj) + " metadata: " + e.getMessage(), e);
    }
    List<String> problems = cnpg.validateSpec(obj.path("spec"));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(Manifests.id(obj) + " does not fit the CNPG Cluster schema: " + problems);
    }
    return obj;
  }

  private static final class FlinkVersionDeserializer extends JsonDeserializer<FlinkVersion> {
    @Override
    public FlinkVersion deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      for (FlinkVersion v : FlinkVersion.values()) {
        if (v.name().equals(text)) {
          return v;
        }
      }
      if (FLINK_VERSIONS_BEYOND_JAR.contains(text)) {
        return null; // valid for the operator releases that know it; the enum of the jar cannot hold it
      }
      return (FlinkVersion) ctxt.handleWeirdStringValue(FlinkVersion.class, text,
          "not a Flink version known to the operator: expected one of %s or %s",
          Arrays.toString(FlinkVersion.values()), FLINK_VERSIONS_BEYOND_JAR);
    }
  }
}
