package dev.dovetail.postgres.change;

import dev.dovetail.api.v1alpha1.Operation;
import java.util.List;
import java.util.Optional;

/** The operation kinds Dovetail knows, in the order of {@link Operation#KINDS}. */
public final class ChangeKinds {
  static final List<ChangeKind<?>> ALL =
      List.of(
          RenameColumnChange.KIND,
          AddColumnChange.KIND,
          DropColumnChange.KIND,
          SetNotNullChange.KIND,
          AddCheckConstraintChange.KIND,
          AddForeignKeyChange.KIND,
          CreateIndexChange.KIND,
          DropIndexChange.KIND,
          AddUniqueConstraintChange.KIND,
          ChangeColumnTypeChange.KIND,
          RenameTableChange.KIND,
          RawSqlChange.KIND);

  private ChangeKinds() {}

  /** The kind of an operation that sets exactly one, or empty. */
  static Optional<ChangeKind<?>> of(Operation op) {
    String kind = op == null ? null : op.kind();
    return ALL.stream().filter(k -> k.name().equals(kind)).findFirst();
  }

  /** The names of every kind, for messages. */
  public static List<String> names() {
    return ALL.stream().map(ChangeKind::name).toList();
  }

  /**
   * Spec-only problems of one operation, each naming its field under {@code field} (e.g.
   * spec.operations[2]).
   */
  public static void validate(Operation op, String field, List<String> problems) {
    if (op == null || op.setKinds().isEmpty()) {
      problems.add(
          field + ": sets no known operation kind (known: " + String.join(", ", names()) + ")");
      return;
    }
    if (op.setKinds().size() > 1) {
      problems.add(
          field
              + ": sets "
              + String.join(" and ", op.setKinds())
              + "; set exactly one kind per operation");
      return;
    }
    validate(of(op).orElseThrow(), op, field, problems);
  }

  private static <S> void validate(
      ChangeKind<S> kind, Operation op, String field, List<String> problems) {
    kind.validate(kind.spec(op), new SpecProblems(field + "." + kind.name(), problems));
  }

  /** The stable identity of an operation that sets exactly one kind. */
  public static String idOf(Operation op) {
    return id(
        of(op).orElseThrow(() -> new IllegalArgumentException("operation sets no known kind")), op);
  }

  private static <S> String id(ChangeKind<S> kind, Operation op) {
    return kind.id(kind.spec(op));
  }
}
