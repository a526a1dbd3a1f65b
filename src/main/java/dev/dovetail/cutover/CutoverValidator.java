package dev.dovetail.cutover;

import dev.dovetail.api.v1alpha1.DatabaseRef;
import dev.dovetail.api.v1alpha1.DualWriteCutoverSpec;
import dev.dovetail.api.v1alpha1.Durations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Checks a cutover spec before anything touches a database. Each problem names its field. The CRD
 * refuses most of these at the door; this repeats them for clusters that skip CRD validation and
 * adds what a schema cannot say (duplicates, the same database on both sides). Pure.
 */
public final class CutoverValidator {
  private static final String IDENT = "[A-Za-z_][A-Za-z0-9_$]{0,62}";

  private CutoverValidator() {}

  public static List<String> validate(DualWriteCutoverSpec spec) {
    var problems = new ArrayList<String>();
    if (spec == null) {
      return List.of("spec: required");
    }
    ref(problems, "spec.source", spec.getSource());
    ref(problems, "spec.target", spec.getTarget());
    if (spec.getSource() != null
        && spec.getTarget() != null
        && spec.getSource().getSecretRef() != null
        && spec.getTarget().getSecretRef() != null
        && Objects.equals(
            spec.getSource().getSecretRef().getName(), spec.getTarget().getSecretRef().getName())
        && Objects.equals(
            spec.getSource().getSecretRef().getKey(), spec.getTarget().getSecretRef().getKey())) {
      problems.add("spec.target.secretRef: points at the same Secret key as spec.source");
    }
    boolean hasTables = spec.getTables() != null && !spec.getTables().isEmpty();
    boolean hasSchema = spec.getSchema() != null && !spec.getSchema().isBlank();
    if (hasTables == hasSchema) {
      problems.add("spec.tables: set exactly one of spec.tables or spec.schema");
    }
    if (hasSchema && !spec.getSchema().matches(IDENT)) {
      problems.add("spec.schema: '" + spec.getSchema() + "' is not a PostgreSQL identifier");
    }
    if (hasTables) {
      var seen = new HashSet<String>();
      for (int i = 0; i < spec.getTables().size(); i++) {
        String t = spec.getTables().get(i);
        if (t == null || !t.matches("(" + IDENT + "\\.)?" + IDENT)) {
          problems.add("spec.tables[" + i + "]: '" + t + "' is not schema.table or table");
        } else if (!seen.add(qualified(t))) {
          problems.add("spec.tables[" + i + "]: " + qualified(t) + " is listed twice");
        }
      }
    }
    int percent = spec.getReadFromTargetPercent();
    if (percent < 0 || percent > 100) {
      problems.add("spec.readFromTargetPercent: " + percent + " is outside 0..100");
    }
    if (spec.getWriteTarget() == DualWriteCutoverSpec.WriteTarget.Target && percent != 100) {
      problems.add("spec.writeTarget: Target requires spec.readFromTargetPercent: 100");
    }
    duration(problems, "spec.gates.maxReplicationLag", spec.getGates().getMaxReplicationLag());
    duration(problems, "spec.gates.minSoak", spec.getGates().getMinSoak());
    duration(problems, "spec.gates.maxWritePause", spec.getGates().getMaxWritePause());
    duration(problems, "spec.verification.interval", spec.getVerification().getInterval());
    if (spec.getCopy().getParallelism() < 1) {
      problems.add("spec.copy.parallelism: must be at least 1");
    }
    if (spec.getVerification().getChunkSize() < 1) {
      problems.add("spec.verification.chunkSize: must be at least 1");
    }
    return problems;
  }

  /** schema.table for an entry of spec.tables (schema public when omitted). */
  public static String qualified(String table) {
    return table.contains(".") ? table : "public." + table;
  }

  private static void ref(List<String> problems, String field, DatabaseRef ref) {
    if (ref == null || ref.getSecretRef() == null || ref.getSecretRef().getName() == null) {
      problems.add(field + ".secretRef.name: required");
    }
  }

  private static void duration(List<String> problems, String field, String text) {
    try {
      Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }
}
