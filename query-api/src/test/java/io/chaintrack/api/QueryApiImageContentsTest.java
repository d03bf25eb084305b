package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the API image ships (docker/query-api.Dockerfile copies target/lib, the runtime-scope dependencies) holds no
 * Flink, no web3j, no Kafka and no embedded PostgreSQL. Reads target/runtime-dependencies.txt, which the
 * maven-dependency-plugin writes with the same runtime scope as target/lib just before the tests run.
 */
class QueryApiImageContentsTest {
    static final Path RUNTIME_DEPENDENCIES = Path.of("target", "runtime-dependencies.txt");

    /** groupId or groupId:artifactId prefixes that must never reach the API image. */
    static final List<String> FORBIDDEN = List.of(
            "org.apache.flink:",        // Flink runs in the jobs image only
            "org.web3j:",               // the API reads PostgreSQL; chains are followed by the ingest job
            "org.apache.kafka:",        // neither the broker nor the client: the API never talks to Kafka
            "io.zonky.test",            // embedded PostgreSQL belongs to the one-machine launcher and tests
            "io.chaintrack:chaintrack-embedded:",   // the embedded PostgreSQL and Kafka broker
            "io.chaintrack:chaintrack-connectors:", // sources and sinks: the pipeline's side
            "io.github.resilience4j:",  // retries and breakers of the JSON-RPC client
            "io.chaintrack:chaintrack-flink-jobs:",
            "io.chaintrack:chaintrack-stack:");

    static List<String> runtimeDependencies() throws IOException {
        assertThat(RUNTIME_DEPENDENCIES)
                .as("written by maven-dependency-plugin (execution runtime-list) in process-test-classes")
                .exists();
        return Files.readAllLines(RUNTIME_DEPENDENCIES).stream()
                .map(String::strip)
                .map(line -> line.split(" ")[0]) // "group:artifact:type:version" optionally followed by module notes
                .filter(coordinates -> coordinates.chars().filter(c -> c == ':').count() >= 3)
                .collect(Collectors.toList());
    }

    @Test
    void apiImageHoldsNoFlinkWeb3jKafkaOrEmbeddedPostgres() throws IOException {
        List<String> dependencies = runtimeDependencies();
        assertThat(dependencies).as("the API's runtime dependencies").isNotEmpty()
                .anyMatch(d -> d.startsWith("io.micronaut:micronaut-http-server-netty:"))
                .anyMatch(d -> d.startsWith("io.chaintrack:chaintrack-proto:"));
        List<String> forbidden = dependencies.stream()
                .filter(d -> FORBIDDEN.stream().anyMatch(d::startsWith))
                .toList();
        assertThat(forbidden).as("dependencies of the API image that belong to the jobs or the launcher").isEmpty();
    }
}
