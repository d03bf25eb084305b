# syntax=docker/dockerfile:1
# The one distribution: `ChaintrackCli <stack|api|migrate|keys|ingest|balances|analytics>`.
# Build from the repository root after
#   mvn -B -pl stack -am package dependency:copy-dependencies -DskipTests \
#       -DincludeScope=runtime -DoutputDirectory=target/lib
#   docker build -f docker/chaintrack.Dockerfile -t chaintrack/chaintrack:0.1.0 .
# Run: docker run chaintrack/chaintrack:0.1.0 api   (the command is the container's argument)
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 chaintrack \
 && useradd --system --uid 10001 --gid chaintrack --home-dir /app --no-create-home chaintrack
WORKDIR /app

# dependencies first: they change less often than our own jars
COPY stack/target/lib/ /app/lib/
COPY stack/target/chaintrack-stack-0.1.0-SNAPSHOT.jar /app/lib/

USER 10001
# API: HTTP (/v1/health, /metrics, /docs) and gRPC
EXPOSE 8080 50051
# JAVA_TOOL_OPTIONS (heap, logback config) comes from the environment, see k8s/base/api/config.env
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.chaintrack.stack.ChaintrackCli"]
CMD ["--help"]
