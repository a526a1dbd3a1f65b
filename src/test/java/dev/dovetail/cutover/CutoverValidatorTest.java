package dev.dovetail.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.SecretKeyRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class CutoverValidatorTest {
  static DualWriteCutoverSpec spec() {
    var s = new DualWriteCutoverSpec();
    s.setSource(new DatabaseRef(new SecretKeyRef("source-db", "uri")));
    s.setTarget(new DatabaseRef(new SecretKeyRef("target-db", "uri")));
    s.setTables(List.of("public.users", "orders"));
    return s;
  }

  @Test
  void aGoodSpecHasNoProblems() {
    assertEquals(List.of(), CutoverValidator.validate(spec()));
  }

  @Test
  void everyProblemNamesItsField() {
    var s = spec();
    s.setTables(List.of("users", "public.users", "bad name"));
    s.setTarget(new DatabaseRef(new SecretKeyRef("source-db", "uri")));
    s.getGates().setMinSoak("ten minutes");
    s.setReadFromTargetPercent(50);
    s.setWriteTarget(DualWriteCutoverSpec.WriteTarget.Target);
    assertEquals(
        List.of(
            "spec.target.secretRef: points at the same Secret key as spec.source",
            "spec.tables[1]: public.users is listed twice",
            "spec.tables[2]: 'bad name' is not schema.table or table",
            "spec.writeTarget: Target requires spec.readFromTargetPercent: 100",
            "spec.gates.minSoak: 'ten minutes' is not a duration such as 500ms, 30s, 5m or 1h"),
        CutoverValidator.validate(s));
  }

  @Test
  void tablesOrSchemaButNotBoth() {
    var s = spec();
    s.setSchema("shop");
    assertEquals(
        List.of("spec.tables: set exactly one of spec.tables or spec.schema"),
        CutoverValidator.validate(s));
    s.setTables(List.of());
    assertEquals(List.of(), CutoverValidator.validate(s));
  }
}
