package dev.dovetail.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dovetail.api.v1alpha1.ConditionTypes;
import dev.dovetail.api.v1alpha1.Durations;
import dev.dovetail.api.v1alpha1.Reasons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The samples as runnable scenarios. Files in one directory that define the same Dovetail resource
 * are one scenario, applied in phase order (rename-column.yaml, then its follow-up commit
 * rename-column-contract.yaml). Each scenario gets its own namespace and database (a copy of the
 * fixture), so samples that change the same table never meet. Only the Dovetail resources are
 * applied; the samples' Secrets are replaced by ones pointing at the in-cluster server, and kinds
 * that need something this cluster does not run (an Argo CD Application, an application Deployment
 * with a made-up image) are left out and named in {@link Catalog#leftOut()}.
 */
record SampleScenario(String name, List<Step> steps) {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final List<String> DOVETAIL_KINDS = List.of("DatabaseMigration", "DualWriteCutover");

  /** Gates longer than this are not waited out: the scenario ends held by the gate. */
  static final Duration LONGEST_GATE_WAITED = Duration.ofMinutes(5);

  /** One sample file's Dovetail resource and the condition that is its end. */
  record Step(Path file, JsonNode resource, Expectation end) {
    String kind() {
      return resource.path("kind").asText();
    }

    String resourceName() {
      return resource.path("metadata").path("name").asText();
    }
  }

  record Expectation(String type, String status, String reason) {
    @Override
    public String toString() {
      return type + "=" + status + " reason " + reason;
    }
  }

  String namespace() {
    return "e2e-" + name;
  }

  /** PostgreSQL folds unquoted names; keep to lower case and underscores. */
  String database() {
    return name.replace('-', '_');
  }

  String targetDatabase() {
    return database() + "_target";
  }

  /** Every scenario under samples/, and what was left out of them (file: kind name). */
  record Catalog(List<SampleScenario> scenarios, List<String> leftOut) {}

  /** Every scenario under {@code samples}, in a stable order. */
  static Catalog load(Path samples) throws IOException {
    List<Path> files;
    try (var walk = Files.walk(samples)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    Map<String, List<Step>> byResource = new TreeMap<>();
    List<String> leftOut = new ArrayList<>();
    for (Path file : files) {
      for (JsonNode doc : documents(file)) {
        String kind = doc.path("kind").asText();
        if (!DOVETAIL_KINDS.contains(kind)) {
          if (!kind.equals("Secret")) {
            leftOut.add(
                samples.relativize(file) + ": " + kind + " " + doc.at("/metadata/name").asText());
          }
          continue;
        }
        String key =
            java.util.Objects.toString(samples.relativize(file).getParent(), "")
                + "/"
                + kind
                + "/"
                + doc.at("/metadata/name").asText();
        byResource.computeIfAbsent(key, k -> new ArrayList<>()).add(new Step(file, doc, end(doc)));
      }
    }
    List<SampleScenario> scenarios = new ArrayList<>();
    byResource.forEach(
        (key, steps) -> {
          steps.sort(
              Comparator.comparingInt(SampleScenario::phaseOrder)
                  .thenComparing(s -> s.file().toString()));
          // Named after its first step: the expand commit, not its follow-up.
          String name = slug(samples.relativize(steps.get(0).file()));
          scenarios.add(new SampleScenario(name, List.copyOf(steps)));
        });
    scenarios.sort(Comparator.comparing(SampleScenario::name));
    return new Catalog(List.copyOf(scenarios), List.copyOf(leftOut));
  }

  /**
   * The condition a resource ends in when the operator has done everything its spec asks. Derived
   * from the spec, not listed per sample, so a new sample is covered without an edit.
   */
  static Expectation end(JsonNode resource) {
    if (resource.path("kind").asText().equals("DualWriteCutover")) {
      // Run: the requested read percent and write target published with their gates green (at
      // readFromTargetPercent 0: copied, replicating, the first round consistent); Complete:
      // replication and everything else the operator created removed (README, "Moving a
      // database").
      return resource.at("/spec/phase").asText("Run").equals("Complete")
          ? new Expectation(ConditionTypes.READY, "True", Reasons.COMPLETED)
          : new Expectation(ConditionTypes.READY, "True", Reasons.STEP_REACHED);
    }
    String phase = resource.at("/spec/phase").asText("Expand");
    if (phase.equals("Contract")) {
      String soak = resource.at("/spec/gates/minExpandDuration").asText("0s");
      if (Durations.parse(soak).compareTo(LONGEST_GATE_WAITED) > 0) {
        return new Expectation(ConditionTypes.READY, "False", Reasons.SOAKING);
      }
      return new Expectation(ConditionTypes.READY, "True", Reasons.CONTRACTED);
    }
    return new Expectation(ConditionTypes.READY, "True", Reasons.EXPANDED);
  }

  private static int phaseOrder(Step step) {
    return step.resource().at("/spec/phase").asText("Expand").equals("Contract") ? 1 : 0;
  }

  /** samples/argocd/expand.yaml → argocd-expand; samples/rename-column.yaml → rename-column. */
  private static String slug(Path relative) {
    String name = relative.toString().replace(".yaml", "").replace('/', '-').toLowerCase();
    return name.length() > 40 ? name.substring(0, 40) : name;
  }

  /**
   * The resource as this scenario applies it: in the scenario's namespace, without the annotations
   * and fields the API server sets.
   */
  JsonNode manifest(Step step) {
    ObjectNode copy = step.resource().deepCopy();
    ObjectNode metadata = (ObjectNode) copy.path("metadata");
    metadata.put("namespace", namespace());
    return copy;
  }

  /**
   * The Secrets the scenario's resources name (spec.database, spec.source, spec.target), each with
   * the key it is read from; the target side of a cutover gets the empty target database on the
   * second server.
   */
  Map<String, Map<String, String>> secrets() {
    Map<String, Map<String, String>> secrets = new TreeMap<>();
    for (Step step : steps) {
      step.resource()
          .path("spec")
          .fields()
          .forEachRemaining(
              field -> {
                JsonNode ref = field.getValue().path("secretRef");
                if (ref.isObject()) {
                  String uri =
                      field.getKey().equals("target")
                          ? ClusterPostgres.TARGET.uri(targetDatabase())
                          : ClusterPostgres.PRIMARY.uri(database());
                  secrets
                      .computeIfAbsent(ref.path("name").asText(), n -> new TreeMap<>())
                      .put(ref.path("key").asText("uri"), uri);
                }
              });
    }
    return secrets;
  }

  boolean needsTargetDatabase() {
    return steps.stream().anyMatch(s -> s.kind().equals("DualWriteCutover"));
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
