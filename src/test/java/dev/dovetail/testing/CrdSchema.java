package dev.dovetail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a manifest against a generated CRD's openAPIV3Schema the way the API server admits it:
 * {@link #validate} checks the structural rules (types, required fields, enums, patterns, lengths,
 * numeric bounds, list sizes, unknown fields); {@link #admitCreate} and {@link #admitUpdate} first
 * apply the schema's defaults, then run the structural rules and the CEL rules
 * (x-kubernetes-validations, with {@code oldSelf} on an update) through {@link CelRules}.
 */
public final class CrdSchema {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final JsonNode schema;
  private final CelRules cel = new CelRules();

  private CrdSchema(JsonNode schema) {
    this.schema = schema;
  }

  public static CrdSchema load(Path crd) throws IOException {
    JsonNode root = YAML.readTree(crd.toFile());
    return new CrdSchema(
        root.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
  }

  /** Problems with the resource, each naming the path; empty when it conforms. */
  public List<String> validate(JsonNode resource) {
    var problems = new ArrayList<String>();
    check(schema, served(resource), "", problems);
    return problems;
  }

  /** Everything the API server would refuse when the resource is created. */
  public List<String> admitCreate(JsonNode resource) {
    JsonNode defaulted = withDefaults(resource);
    var problems = new ArrayList<>(validate(defaulted));
    problems.addAll(cel.check(schema, served(defaulted), null));
    return problems;
  }

  /** Everything the API server would refuse when {@code old} is replaced by {@code resource}. */
  public List<String> admitUpdate(JsonNode old, JsonNode resource) {
    JsonNode defaulted = withDefaults(resource);
    var problems = new ArrayList<>(validate(defaulted));
    problems.addAll(cel.check(schema, served(defaulted), served(withDefaults(old))));
    return problems;
  }

  /** The resource with the schema's defaults filled in, as the API server stores it. */
  public JsonNode withDefaults(JsonNode resource) {
    JsonNode copy = resource.deepCopy();
    fillDefaults(schema, copy);
    return copy;
  }

  private static void fillDefaults(JsonNode s, JsonNode v) {
    if (v instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields();
          it.hasNext(); ) {
        var prop = it.next();
        if (!object.has(prop.getKey()) && prop.getValue().has("default")) {
          object.set(prop.getKey(), prop.getValue().get("default").deepCopy());
        }
        if (object.has(prop.getKey())) {
          fillDefaults(prop.getValue(), object.get(prop.getKey()));
        }
      }
    } else if (v.isArray()) {
      v.forEach(item -> fillDefaults(s.path("items"), item));
    }
  }

  private static JsonNode served(JsonNode resource) {
    var copy = (com.fasterxml.jackson.databind.node.ObjectNode) resource.deepCopy();
    copy.remove(List.of("apiVersion", "kind", "metadata", "status"));
    return copy;
  }

  private void check(JsonNode s, JsonNode v, String path, List<String> problems) {
    String type = s.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!v.isObject()) {
          problems.add(path + ": expected an object");
          return;
        }
        for (JsonNode req : s.path("required")) {
          if (!v.has(req.asText())) {
            problems.add(path + "." + req.asText() + ": required");
          }
        }
        JsonNode props = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          var field = it.next();
          if (props.has(field.getKey())) {
            check(
                props.get(field.getKey()), field.getValue(), path + "." + field.getKey(), problems);
          } else if (!s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
              && !s.has("additionalProperties")) {
            problems.add(path + "." + field.getKey() + ": unknown field");
          }
        }
      }
      case "array" -> {
        if (!v.isArray()) {
          problems.add(path + ": expected a list");
          return;
        }
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
          problems.add(path + ": needs at least " + s.get("minItems").asInt() + " item(s)");
        }
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
          problems.add(path + ": at most " + s.get("maxItems").asInt() + " item(s)");
        }
        for (int i = 0; i < v.size(); i++) {
          check(s.path("items"), v.get(i), path + "[" + i + "]", problems);
        }
      }
      case "string" -> {
        if (!v.isTextual()) {
          problems.add(path + ": expected a string");
          return;
        }
        if (s.has("enum")) {
          boolean found = false;
          for (JsonNode e : s.get("enum")) {
            found |= e.asText().equals(v.asText());
          }
          if (!found) {
            problems.add(path + ": '" + v.asText() + "' is not one of " + s.get("enum"));
          }
        }
        if (s.has("maxLength") && v.asText().length() > s.get("maxLength").asInt()) {
          problems.add(path + ": longer than " + s.get("maxLength").asInt() + " characters");
        }
        if (s.has("pattern") && !v.asText().matches(s.get("pattern").asText())) {
          problems.add(path + ": '" + v.asText() + "' does not match " + s.get("pattern").asText());
        }
      }
      case "integer", "number" -> {
        if (!v.isNumber()) {
          problems.add(path + ": expected a number");
          return;
        }
        if (s.has("minimum") && v.asDouble() < s.get("minimum").asDouble()) {
          problems.add(path + ": below the minimum " + s.get("minimum"));
        }
        if (s.has("maximum") && v.asDouble() > s.get("maximum").asDouble()) {
          problems.add(path + ": above the maximum " + s.get("maximum"));
        }
      }
      case "boolean" -> {
        if (!v.isBoolean()) {
          problems.add(path + ": expected true or false");
        }
      }
      default -> {}
    }
  }
}
