# syntax=docker/dockerfile:1
# The jobs image: the official Flink image plus the shaded job jar in usrlib. Runs the four Flink jobs (ingest,
# balances, analytics, prices) for the Flink Kubernetes Operator (application mode) and, as plain processes on the
# image's JVM (java -cp /opt/flink/usrlib/chaintrack-flink-jobs.jar:/opt/flink/lib/* <main class>):
#   io.chaintrack.jobs.common.MigrateCommand          schema migrations (Job, k8s/base/postgres)
#   io.chaintrack.jobs.analytics.PartitionMaintenance retention step (CronJob, k8s/base/postgres)
#   io.chaintrack.jobs.prices.PricePollerCommand      HTTP price poller (Deployment, k8s/base/workers)
#   io.chaintrack.jobs.walletsync.WalletSyncCommand   wallet history sync (Deployment, k8s/base/workers)
# Build from the repository root after `mvn -B -pl flink-jobs -am package -DskipTests`:
#   docker build -f docker/flink-jobs.Dockerfile -t chaintrack/flink-jobs:0.1.0 .
# (No Docker engine runs on the build machines of this project: see docs/deploy.md.)

# log4j's JSON template layout is not part of the Flink distribution; same log4j version as Flink 2.2.1
FROM maven:3.9-eclipse-temurin-17 AS log-layout
ARG LOG4J_VERSION=2.24.3
RUN mvn -B -q dependency:get -Dtransitive=false \
      -Dartifact=org.apache.logging.log4j:log4j-layout-template-json:${LOG4J_VERSION} \
 && cp /root/.m2/repository/org/apache/logging/log4j/log4j-layout-template-json/${LOG4J_VERSION}/log4j-layout-template-json-${LOG4J_VERSION}.jar /tmp/

FROM flink:2.2.1-java17
# JsonTemplateLayout for log4j-console.properties (spec.logConfiguration of every FlinkDeployment)
COPY --from=log-layout /tmp/log4j-layout-template-json-*.jar /opt/flink/lib/
# Prometheus reporter as a plugin (metrics.reporter.prom.*), whether the image ships it in plugins/ or opt/
RUN if ! ls /opt/flink/plugins/metrics-prometheus/*.jar >/dev/null 2>&1; then \
      mkdir -p /opt/flink/plugins/metrics-prometheus \
      && cp /opt/flink/opt/flink-metrics-prometheus-*.jar /opt/flink/plugins/metrics-prometheus/; \
    fi
# the shaded job jar under a version-free name: jarURI local:///opt/flink/usrlib/chaintrack-flink-jobs.jar
COPY --chown=flink:flink flink-jobs/target/chaintrack-flink-jobs-0.1.0-SNAPSHOT-job.jar /opt/flink/usrlib/chaintrack-flink-jobs.jar
