# syntax=docker/dockerfile:1
# The query API (gRPC :50051, REST :8080): the query-api jar and its runtime dependencies only.
# No Flink, no web3j, no Kafka broker, no embedded PostgreSQL: QueryApiImageContentsTest (query-api) fails the
# build if its runtime dependency list would bring one in, and RuntimeImagesTest (stack) checks what is copied.
# Build from the repository root after
#   mvn -B -pl query-api -am package -DskipTests     # query-api/target/lib/*.jar (runtime scope) + the jar
#   docker build -f docker/query-api.Dockerfile -t chaintrack/query-api:0.1.0 .
# Configuration: CHAINTRACK_API_* / CHAINTRACK_* environment (docs/configuration.md), see k8s/base/api/config.env.
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 chaintrack \
 && useradd --system --uid 10001 --gid chaintrack --home-dir /app --no-create-home chaintrack
WORKDIR /app

# dependencies first: they change less often than our own jar
COPY query-api/target/lib/ /app/lib/
COPY query-api/target/chaintrack-query-api-0.1.0-SNAPSHOT.jar /app/lib/

USER 10001
EXPOSE 8080 50051
# JAVA_TOOL_OPTIONS (heap, logback config) comes from the environment, see k8s/base/api/config.env.
# API keys: java -cp '/app/lib/*' io.chaintrack.api.keys.KeysCommand create --name NAME --tier TIER
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.chaintrack.api.QueryApiApplication"]
