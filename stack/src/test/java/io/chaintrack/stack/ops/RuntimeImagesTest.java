package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The three images ship only what they run: the API image copies the query-api jar and its runtime-scope
 * dependencies (checked for Flink, web3j, Kafka and embedded PostgreSQL by query-api's QueryApiImageContentsTest),
 * the jobs image is the official Flink image plus the shaded job jar in usrlib, and the one-machine launcher is used
 * by no Kubernetes manifest. No Docker engine runs here: the Dockerfiles are read, not built.
 */
class RuntimeImagesTest {
    static final Pattern COPY = Pattern.compile("^COPY\\s+(?:--\\S+\\s+)*(.+)$", Pattern.MULTILINE);
    static final Pattern FROM = Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE);

    static String dockerfile(String name) throws Exception {
        return Files.readString(Manifests.repoRoot().resolve("docker").resolve(name));
    }

    /** The sources of every COPY that reads the build context (not another stage). */
    static List<String> copiedFromContext(String dockerfile) {
        List<String> sources = new ArrayList<>();
        Matcher m = COPY.matcher(dockerfile);
        while (m.find()) {
            if (m.group(0).contains("--from=")) {
                continue;
            }
            String[] words = m.group(1).trim().split("\\s+");
            sources.addAll(List.of(words).subList(0, words.length - 1));
        }
        return sources;
    }

    /** Only what the context allows can be copied: every "!" line of the Dockerfile's own .dockerignore. */
    static List<String> allowedByDockerignore(String name) throws Exception {
        List<String> lines = Files.readAllLines(Manifests.repoRoot().resolve("docker").resolve(name + ".dockerignore"));
        assertThat(lines.get(0).trim()).as(name + ".dockerignore starts by excluding everything").isEqualTo("*");
        return lines.stream().map(String::trim).filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
    }

    @Test
    void apiImageCopiesTheQueryApiJarAndItsRuntimeLibrariesOnly() throws Exception {
        String dockerfile = dockerfile("query-api.Dockerfile");
        assertThat(FROM.matcher(dockerfile).results().map(r -> r.group(1)).toList())
                .containsExactly("eclipse-temurin:17-jre");
        assertThat(copiedFromContext(dockerfile)).containsExactlyInAnyOrder(
                "query-api/target/lib/", "query-api/target/chaintrack-query-api-0.1.0-SNAPSHOT.jar");
        assertThat(allowedByDockerignore("query-api.Dockerfile")).allMatch(p -> p.startsWith("query-api/target/"));
        assertThat(dockerfile).contains("io.chaintrack.api.QueryApiApplication")
                .doesNotContain("ChaintrackCli").doesNotContain("stack/target");
        // the runtime dependency list the lib folder is copied with: written in query-api's process-test-classes
        Path list = Manifests.repoRoot().resolve("query-api/target/runtime-dependencies.txt");
        if (Files.exists(list)) {
            assertThat(Files.readAllLines(list)).as("query-api runtime dependencies")
                    .noneMatch(l -> l.strip().startsWith("org.apache.flink:"))
                    .noneMatch(l -> l.strip().startsWith("io.zonky.test"))
                    .noneMatch(l -> l.strip().startsWith("org.apache.kafka:kafka-test-common-runtime:"))
                    .noneMatch(l -> l.strip().startsWith("org.apache.kafka:kafka-server"))
                    .noneMatch(l -> l.strip().startsWith("org.apache.kafka:kafka_"))
                    .noneMatch(l -> l.strip().startsWith("io.chaintrack:chaintrack-embedded:"))
                    .noneMatch(l -> l.strip().startsWith("io.chaintrack:chaintrack-flink-jobs:"));
        }
    }

    @Test
    void jobsImageIsTheOfficialFlinkImageWithTheShadedJarInUsrlib() throws Exception {
        String dockerfile = dockerfile("flink-jobs.Dockerfile");
        List<String> bases = FROM.matcher(dockerfile).results().map(r -> r.group(1)).toList();
        assertThat(bases.get(bases.size() - 1)).as("final stage").isEqualTo("flink:2.2.1-java17");
        assertThat(copiedFromContext(dockerfile))
                .containsExactly("flink-jobs/target/chaintrack-flink-jobs-0.1.0-SNAPSHOT-job.jar");
        assertThat(dockerfile).contains("/opt/flink/usrlib/chaintrack-flink-jobs.jar");
        assertThat(allowedByDockerignore("flink-jobs.Dockerfile")).allMatch(p -> p.startsWith("flink-jobs/target/"));
    }

    @Test
    void launcherImageIsMarkedForOneMachine() throws Exception {
        String dockerfile = dockerfile("launcher.Dockerfile");
        assertThat(dockerfile).contains("NOT a production image").contains("io.chaintrack.stack.ChaintrackCli");
        assertThat(copiedFromContext(dockerfile)).allMatch(p -> p.startsWith("stack/target/"));
    }

    static Stream<Path> overlays() throws Exception {
        return Manifests.overlays().stream();
    }

    /** Every chaintrack container runs the API image or the jobs image; none runs the launcher. */
    @ParameterizedTest
    @MethodSource("overlays")
    void manifestsRunTheApiImageAndTheJobsImageOnly(Path overlay) throws Exception {
        List<String> images = new ArrayList<>();
        String apiImage = null;
        for (ObjectNode obj : Manifests.render(overlay)) {
            collectImages(obj, images);
            if (obj.path("kind").asText().equals("Deployment")
                    && obj.path("metadata").path("name").asText().equals("chaintrack-api")) {
                apiImage = obj.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText();
            }
            if (obj.path("kind").asText().equals("FlinkDeployment")) {
                assertThat(obj.path("spec").path("image").asText()).as(Manifests.id(obj)).startsWith("chaintrack/flink-jobs:");
                assertThat(obj.path("spec").path("job").path("jarURI").asText())
                        .isEqualTo("local:///opt/flink/usrlib/chaintrack-flink-jobs.jar");
            }
        }
        assertThat(apiImage).startsWith("chaintrack/query-api:");
        assertThat(images.stream().filter(i -> i.startsWith("chaintrack/")))
                .isNotEmpty()
                .allMatch(i -> i.startsWith("chaintrack/query-api:") || i.startsWith("chaintrack/flink-jobs:"));
    }

    private static void collectImages(JsonNode node, List<String> out) {
        if (node.isObject()) {
            JsonNode image = node.get("image");
            if (image != null && image.isTextual()) {
                out.add(image.asText());
            }
            node.fields().forEachRemaining(f -> collectImages(f.getValue(), out));
        } else if (node.isArray()) {
            node.forEach(n -> collectImages(n, out));
        }
    }
}
