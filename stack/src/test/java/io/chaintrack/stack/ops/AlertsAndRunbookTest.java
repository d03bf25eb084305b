package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every alert links a runbook section that exists and has at least one promtool unit test. */
class AlertsAndRunbookTest {
  static final String RUNBOOK_PREFIX = "https://github.com/chaintrack/chaintrack/blob/main/docs/runbook.md#";
  static List<Rule> alerts;

  @BeforeAll
  static void loadAlerts() throws Exception {
    StrictBinder binder = new StrictBinder(CnpgClusterSchema.load(Manifests.repoRoot()));
    var objects = Manifests.render(Manifests.repoRoot().resolve("k8s/overlays/prod"));
    PrometheusRule rule = (PrometheusRule) binder.bind(RenderedOverlaysTest.byKind(objects, "PrometheusRule").get(0));
    alerts = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream())
        .filter(r -> r.getAlert() != null).toList();
  }

  @Test
  void theRequiredAlertsExist() {
    assertThat(alerts).extracting(Rule::getAlert).contains(
        "ChaintrackRpcRateLimited", "ChaintrackRpcErrorRateHigh", "ChaintrackRpcCircuitBreakerOpen",
        "ChaintrackIngestBlocksBehindHead", "ChaintrackIngestSecondsBehindHead",
        "ChaintrackFlinkJobRestarting", "ChaintrackFlinkCheckpointsFailing", "ChaintrackKafkaConsumerLagHigh",
        "ChaintrackApiDatabaseDown", "ChaintrackPostgresDown", "ChaintrackApi5xxRateHigh",
        "ChaintrackApiLatencySLOBurn");
  }

  @Test
  void everyAlertHasSeveritySummaryAndARunbookSectionThatExists() throws Exception {
    Set<String> anchors = runbookAnchors(Manifests.repoRoot().resolve("docs/runbook.md"));
    for (Rule alert : alerts) {
      assertThat(alert.getLabels()).as(alert.getAlert()).containsKey("severity");
      assertThat(alert.getLabels().get("severity")).isIn("warning", "critical");
      assertThat(alert.getAnnotations()).as(alert.getAlert()).containsKeys("summary", "description", "runbook_url");
      String url = alert.getAnnotations().get("runbook_url");
      assertThat(url).as(alert.getAlert()).startsWith(RUNBOOK_PREFIX);
      String anchor = url.substring(RUNBOOK_PREFIX.length());
      assertThat(anchor).isEqualTo(alert.getAlert().toLowerCase(Locale.ROOT));
      assertThat(anchors).as("docs/runbook.md heading for " + alert.getAlert()).contains(anchor);
    }
  }

  @Test
  void everyAlertHasAPromtoolUnitTest() throws Exception {
    JsonNode tests = Manifests.YAML.readTree(Manifests.repoRoot().resolve("k8s/tests/alerts.test.yaml").toFile());
    Set<String> tested = new HashSet<>();
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode alertTest : test.path("alert_rule_test")) {
        if (!alertTest.path("exp_alerts").isEmpty()) {
          tested.add(alertTest.path("alertname").asText());
        }
      }
    }
    assertThat(tested).as("alerts with a firing promtool test")
        .containsAll(alerts.stream().map(Rule::getAlert).toList());
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  static Set<String> runbookAnchors(Path runbook) throws Exception {
    Set<String> anchors = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(Files.readString(runbook));
    while (m.find()) {
      anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return anchors;
  }
}
