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
import dev.dovetail.migration.MigrationValidator;
import dev.dovetail.testing.CrdSchema;
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
    try (var files = Files.list(Path.of("samples"))) {
      samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(samples.isEmpty(), "samples/ has scenarios");
    return samples.stream().map(p -> DynamicTest.dynamicTest(p.toString(), () -> checkSample(p)));
  }

  private void checkSample(Path sample) throws IOException {
    int dovetail = 0;
    for (JsonNode doc : documents(sample)) {
      String kind = doc.path("kind").asText();
      if (!CRDS.containsKey(kind)) {
        continue;
      }
      dovetail++;
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
        assertTrue(c.getSpec().getTables().size() > 0);
      }
    }
    assertTrue(dovetail > 0, sample + " holds a Dovetail resource");
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
