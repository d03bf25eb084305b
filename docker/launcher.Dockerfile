# syntax=docker/dockerfile:1
# The one-machine launcher: `ChaintrackCli stack` runs embedded PostgreSQL, an in-process Kafka broker, the Flink
# jobs in a MiniCluster, the synthetic chain (or --rpc-url) and the API in one JVM: the container form of
# ./scripts/stack.sh, for a demo or a laptop. NOT a production image: it carries Flink, the embedded PostgreSQL
# binaries and a Kafka broker. Production runs docker/query-api.Dockerfile and docker/flink-jobs.Dockerfile.
# Build from the repository root after
#   mvn -B -pl stack -am package dependency:copy-dependencies -DskipTests \
#       -DincludeScope=runtime -DoutputDirectory=target/lib
#   docker build -f docker/launcher.Dockerfile -t chaintrack/launcher:0.1.0 .
# Run: docker run -p 8080:8080 -p 50051:50051 -v chaintrack-state:/app/state chaintrack/launcher:0.1.0
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 chaintrack \
 && useradd --system --uid 10001 --gid chaintrack --home-dir /app --no-create-home chaintrack \
 && mkdir -p /app/state && chown 10001:10001 /app/state
WORKDIR /app

# dependencies first: they change less often than our own jars
COPY stack/target/lib/ /app/lib/
COPY stack/target/chaintrack-stack-0.1.0-SNAPSHOT.jar /app/lib/

USER 10001
# API: HTTP (/v1/health, /metrics, /docs) and gRPC
EXPOSE 8080 50051
# the embedded PostgreSQL unpacks its binaries next to the state, as scripts/stack.sh does
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dot.epg.working-dir=/app/state/embedded-pg-bin", \
            "-cp", "/app/lib/*", "io.chaintrack.stack.ChaintrackCli"]
CMD ["stack", "--state-dir", "/app/state"]
