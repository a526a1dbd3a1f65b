package dev.dovetail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.dovetail.api.v1alpha1.DatabaseMigration;
import dev.dovetail.api.v1alpha1.DualWriteCutover;
import dev.dovetail.cutover.CutoverValidator;
import dev.dovetail.migration.MigrationValidator;
import dev.dovetail.testing.CrdSchema;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every sample parses into the typed resources and would be admitted by an API server with the
 * generated CRDs (schema, defaults and CEL rules).
 */
class SamplesTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Map<String, Path> CRDS =
      Map.of(
          "DatabaseMigration", Path.of("crds/databasemigrations.dovetail.dev-v1.yml"),
          "DualWriteCutover", Path.of("crds/dualwritecutovers.dovetail.dev-v1.yml"));

  @TestFactory
  Stream<DynamicTest> everySampleIsValid() throws IOException {
    List<Path> samples;
    try (var files = Files.walk(Path.of("samples"))) {
      samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(samples.isEmpty(), "samples/ has scenarios");
    return samples.stream().map(p -> DynamicTest.dynamicTest(p.toString(), () -> checkSample(p)));
  }

  private void checkSample(Path sample) throws IOException {
    int scenario = 0;
    for (JsonNode doc : documents(sample)) {
      String kind = doc.path("kind").asText();
      if (!CRDS.containsKey(kind)) {
        scenario += checkOtherKind(sample, doc);
        continue;
      }
      scenario++;
      var problems = CrdSchema.load(CRDS.get(kind)).admitCreate(doc);
      assertEquals(
          List.of(), problems, sample + ": " + kind + " passes its CRD's schema and CEL rules");
      if (kind.equals("DatabaseMigration")) {
        var m = YAML.treeToValue(doc, DatabaseMigration.class);
        assertEquals(
            List.of(),
            MigrationValidator.validate(m.getSpec()),
            sample + " passes the operator's validation");
      } else {
        var c = YAML.treeToValue(doc, DualWriteCutover.class);
        assertEquals(
            List.of(),
            CutoverValidator.validate(c.getSpec()),
            sample + " passes the operator's validation");
      }
    }
    assertTrue(scenario > 0, sample + " holds a Dovetail resource or an Argo CD Application");
  }

  /**
   * Kubernetes kinds parse into Fabric8's typed model with their essentials set; an Argo CD
   * Application has what Argo CD requires. Returns 1 for an Application (a scenario of its own).
   */
  private int checkOtherKind(Path sample, JsonNode doc) throws IOException {
    String kind = doc.path("kind").asText();
    String where = sample + ": " + kind + " " + doc.path("metadata").path("name").asText();
    assertFalse(doc.path("metadata").path("name").asText().isEmpty(), where + " has a name");
    switch (kind) {
      case "Secret" -> assertTrue(YAML.treeToValue(doc, Secret.class).getStringData() != null);
      case "Deployment" -> {
        var d = YAML.treeToValue(doc, Deployment.class);
        assertEquals(
            d.getSpec().getSelector().getMatchLabels(),
            d.getSpec().getTemplate().getMetadata().getLabels(),
            where + ": the selector matches the pod labels");
        d.getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .forEach(c -> assertFalse(c.getImage().isBlank(), where + " names its image"));
      }
      case "Application" -> {
        assertEquals("argoproj.io/v1alpha1", doc.path("apiVersion").asText(), where);
        for (String field :
            List.of(
                "/spec/project",
                "/spec/source/repoURL",
                "/spec/source/path",
                "/spec/source/targetRevision",
                "/spec/destination/server",
                "/spec/destination/namespace")) {
          assertFalse(doc.at(field).asText().isBlank(), where + " sets " + field);
        }
        return 1;
      }
      default -> throw new AssertionError(where + ": no check for this kind; add one");
    }
    return 0;
  }

  /**
   * The follow-up commits of the GitOps flow: each Contract manifest is an update of its Expand
   * manifest the API server admits (transition rules included), and nothing else in it changes.
   */
  @TestFactory
  Stream<DynamicTest> contractCommitsAreAdmittedUpdatesOfTheirExpandCommits() {
    return Map.of(
            "samples/rename-column.yaml", "samples/rename-column-contract.yaml",
            "samples/argocd/expand.yaml", "samples/argocd/contract.yaml")
        .entrySet()
        .stream()
        .map(
            pair ->
                DynamicTest.dynamicTest(
                    pair.getValue(),
                    () -> {
                      var expand = documents(Path.of(pair.getKey()));
                      var contract = documents(Path.of(pair.getValue()));
                      assertEquals(expand.size(), contract.size());
                      for (int i = 0; i < expand.size(); i++) {
                        JsonNode before = expand.get(i);
                        JsonNode after = contract.get(i);
                        if (!after.path("kind").asText().equals("DatabaseMigration")) {
                          assertEquals(before, after, "only the migration changes");
                          continue;
                        }
                        assertEquals("Expand", before.at("/spec/phase").asText());
                        assertEquals("Contract", after.at("/spec/phase").asText());
                        var edited = before.deepCopy();
                        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.get("spec"))
                            .put("phase", "Contract");
                        assertEquals(edited, after, "the commit changes spec.phase only");
                        assertEquals(
                            List.of(),
                            CrdSchema.load(CRDS.get("DatabaseMigration"))
                                .admitUpdate(before, after));
                      }
                    }));
  }

  @Test
  void syncWavesPutTheMigrationBeforeTheApplication() throws IOException {
    for (String file : List.of("samples/argocd/expand.yaml", "samples/argocd/contract.yaml")) {
      int migrationWave = Integer.MIN_VALUE;
      int deploymentWave = Integer.MAX_VALUE;
      for (JsonNode doc : documents(Path.of(file))) {
        String wave = doc.at("/metadata/annotations/argocd.argoproj.io~1sync-wave").asText("0");
        switch (doc.path("kind").asText()) {
          case "DatabaseMigration" ->
              migrationWave = Math.max(migrationWave, Integer.parseInt(wave));
          case "Deployment" -> deploymentWave = Math.min(deploymentWave, Integer.parseInt(wave));
          default -> {}
        }
      }
      assertTrue(
          migrationWave > Integer.MIN_VALUE && deploymentWave < Integer.MAX_VALUE,
          file + " has both");
      assertTrue(
          migrationWave < deploymentWave,
          file + ": the migration's wave " + migrationWave + " precedes " + deploymentWave);
    }
  }

  @Test
  void schemaRefusesBadManifests() throws IOException {
    var schema = CrdSchema.load(CRDS.get("DatabaseMigration"));
    JsonNode bad =
        YAML.readTree(
            """
        apiVersion: dovetail.dev/v1alpha1
        kind: DatabaseMigration
        metadata: {name: bad}
        spec:
          database: {secretRef: {name: app-db}}
          phase: Sideways
          operations:
            - renameColumn: {table: users, from: user-name, to: username}
          backfill: {initialBatchSize: 0}
          surprise: true
        """);
    var problems = schema.validate(bad);
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith(".spec.phase: 'Sideways' is not one of")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        ".spec.operations[0].renameColumn.from: 'user-name' does not match")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.startsWith(".spec.backfill.initialBatchSize: below the minimum")),
        problems.toString());
    assertTrue(problems.contains(".spec.surprise: unknown field"), problems.toString());
    JsonNode noOps =
        YAML.readTree(
            """
        kind: DatabaseMigration
        spec: {database: {secretRef: {name: x}}, operations: []}
        """);
    assertTrue(schema.validate(noOps).contains(".spec.operations: needs at least 1 item(s)"));
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    var docs = new ArrayList<JsonNode>();
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }
}
