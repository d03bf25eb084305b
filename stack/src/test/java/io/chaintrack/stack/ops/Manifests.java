package io.chaintrack.stack.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders kustomize directories of this repository with the real `kubectl kustomize` and reads the
 * result as JSON trees. A missing kubectl or a failing render is a test failure, never a skip.
 */
final class Manifests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Manifests() {}

  /** The repository root: the nearest ancestor of the working directory holding k8s/overlays. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("k8s/overlays"))) {
        return p;
      }
    }
    throw new IllegalStateException("no k8s/overlays directory above " + dir);
  }

  static List<Path> overlays() throws IOException {
    try (var dirs = Files.list(repoRoot().resolve("k8s/overlays"))) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** `kubectl kustomize dir`, every document of the output as an object tree. */
  static List<ObjectNode> render(Path dir) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString())
        .redirectErrorStream(false)
        .start();
    byte[] out;
    byte[] err;
    try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
      out = stdout.readAllBytes();
      err = stderr.readAllBytes();
    }
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl kustomize " + dir + " did not finish");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("kubectl kustomize " + dir + " failed: "
          + new String(err, StandardCharsets.UTF_8));
    }
    return readAll(new String(out, StandardCharsets.UTF_8));
  }

  static List<ObjectNode> readAll(String yamlStream) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yamlStream)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new IllegalStateException("a rendered document is not an object: " + doc);
        }
        docs.add((ObjectNode) doc);
      }
    }
    return docs;
  }

  static String id(JsonNode obj) {
    return obj.path("kind").asText() + "/" + obj.path("metadata").path("name").asText();
  }
}
