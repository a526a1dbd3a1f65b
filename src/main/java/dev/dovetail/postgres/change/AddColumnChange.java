package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.AddColumn;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.ColumnInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * addColumn: ADD COLUMN with at most a non-volatile default, which PostgreSQL 11+ stores once in
 * the catalog (no rewrite). NOT NULL and a CHECK are added NOT VALID, validated after, and NOT NULL
 * is then set without a scan. The old application does not know the column; its inserts get the
 * default.
 */
final class AddColumnChange implements SchemaChange {
  static final ChangeKind<AddColumn> KIND =
      new ChangeKind<>("addColumn", Operation::getAddColumn) {
        @Override
        protected List<String> identity(AddColumn s) {
          return List.of(
              s.getSchema(),
              s.getTable(),
              s.getColumn(),
              s.getType(),
              String.valueOf(s.getDefaultValue()),
              String.valueOf(s.isNotNull()),
              String.valueOf(s.getCheck()));
        }

        @Override
        protected void validate(AddColumn s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("column", s.getColumn());
          p.expression("type", s.getType(), true);
          p.expression("default", s.getDefaultValue(), false);
          p.expression("check", s.getCheck(), false);
          if (s.isNotNull() && (s.getDefaultValue() == null || s.getDefaultValue().isBlank())) {
            p.add(
                "notNull",
                "a NOT NULL column needs a default: the running application's inserts do not set"
                    + " it; add a default, or add the column nullable and setNotNull it later");
          }
          if (s.getCheck() != null
              && s.getTable() != null
              && s.getColumn() != null
              && Columns.tooLong(checkName(s))) {
            p.add("check", "constraint name " + checkName(s) + " would exceed 63 bytes");
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(AddColumn s, ResolveContext ctx)
            throws SQLException {
          return AddColumnChange.resolve(s, ctx);
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            AddColumn s, Catalog catalog, OperationRecord record) {
          return Optional.of(new AddColumnChange(s, KIND.id(s), "ctid"));
        }

        @Override
        protected List<AddedColumn> addsColumns(AddColumn s) {
          return List.of(
              new AddedColumn(
                  s.getSchema(),
                  s.getTable(),
                  new ColumnInfo(s.getColumn(), s.getType(), s.isNotNull(), s.getDefaultValue())));
        }
      };

  private final AddColumn spec;
  private final String id;
  private final String rowKey;

  private AddColumnChange(AddColumn spec, String id, String rowKey) {
    this.spec = spec;
    this.id = id;
    this.rowKey = rowKey;
  }

  static String checkName(AddColumn s) {
    return s.getTable() + "_" + s.getColumn() + "_check";
  }

  private static Optional<SchemaChange> resolve(AddColumn s, ResolveContext ctx)
      throws SQLException {
    var p = ctx.problems();
    Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableInfo t = table.get();
    boolean exists = t.column(s.getColumn()).isPresent();
    String name = t.schema() + "." + t.name();
    if (ctx.recorded()) {
      if (!exists && !ctx.state().equals(dev.dovetail.postgres.OperationStates.EXPANDING)) {
        p.add(
            "column",
            "column " + s.getColumn() + " was added by expand but is missing from " + name);
        return Optional.empty();
      }
      return Optional.of(new AddColumnChange(s, KIND.id(s), Columns.rowKey(t)));
    }
    if (exists) {
      p.add("column", "column " + s.getColumn() + " already exists in " + name);
      return Optional.empty();
    }
    var probe = ctx.probe();
    var typeProblem = probe.typeProblem(s.getType());
    if (typeProblem.isPresent()) {
      p.add("type", typeProblem.get());
      return Optional.empty();
    }
    if (s.getDefaultValue() != null) {
      probe
          .volatileDefaultProblem(s.getType(), s.getDefaultValue())
          .ifPresent(m -> p.add("default", m));
    }
    if (s.getCheck() != null) {
      String withColumn =
          "(SELECT t.*, CAST(NULL AS %s) AS %s FROM %s t) AS dovetail_t"
              .formatted(s.getType(), ident(s.getColumn()), qualified(t.schema(), t.name()));
      probe.predicateProblem(withColumn, s.getCheck()).ifPresent(m -> p.add("check", m));
      if (ctx.catalog().constraint(t.schema(), t.name(), checkName(s)).isPresent()) {
        p.add("check", "constraint " + checkName(s) + " already exists on " + name);
      }
    }
    return p.any()
        ? Optional.empty()
        : Optional.of(new AddColumnChange(s, KIND.id(s), Columns.rowKey(t)));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "addColumn";
  }

  @Override
  public String describe() {
    return "addColumn %s.%s.%s %s"
        .formatted(spec.getSchema(), spec.getTable(), spec.getColumn(), spec.getType());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private String column() {
    return ident(spec.getColumn());
  }

  private String notNullCheck() {
    return ident("dovetail_nn_" + id);
  }

  @Override
  public List<DdlStep> expand() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s ADD COLUMN %s %s%s"
                .formatted(
                    lockedTable(),
                    column(),
                    spec.getType(),
                    spec.getDefaultValue() == null ? "" : " DEFAULT " + spec.getDefaultValue()),
            Locks.ADD_COLUMN,
            spec.getDefaultValue() == null
                ? null
                : "the default is stored once in the catalog (checked non-volatile): no rewrite"));
    if (spec.isNotNull()) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID"
                  .formatted(lockedTable(), notNullCheck(), column()),
              Locks.ADD_NOT_VALID));
    }
    if (spec.getCheck() != null) {
      statements.add(
          Ddl.of(
              "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s) NOT VALID"
                  .formatted(lockedTable(), ident(checkName(spec)), spec.getCheck()),
              Locks.ADD_NOT_VALID,
              "from now on, a write whose value fails the check is refused"));
    }
    return List.of(InTransaction.of(statements));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    var steps = new ArrayList<DdlStep>();
    var validate = new ArrayList<Ddl>();
    var violating = new ArrayList<String>();
    if (spec.isNotNull()) {
      validate.add(validate(notNullCheck()));
      violating.add(column() + " IS NULL");
    }
    if (spec.getCheck() != null) {
      validate.add(validate(ident(checkName(spec))));
      violating.add("(" + spec.getCheck() + ") IS FALSE");
    }
    if (!validate.isEmpty()) {
      String predicate = String.join(" OR ", violating);
      steps.add(
          new InTransaction(
              validate,
              Violations.rows(lockedTable(), rowKey, predicate, "rows where " + predicate),
              Triggers.VALIDATE_TIMEOUT));
    }
    if (spec.isNotNull()) {
      steps.add(
          InTransaction.of(
              Ddl.of(
                  "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL".formatted(lockedTable(), column()),
                  Locks.SET_NOT_NULL),
              Ddl.of(
                  "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s"
                      .formatted(lockedTable(), notNullCheck()),
                  Locks.DROP_CONSTRAINT)));
    }
    return steps;
  }

  private Ddl validate(String constraint) {
    return Ddl.of(
        "ALTER TABLE %s VALIDATE CONSTRAINT %s".formatted(lockedTable(), constraint),
        Locks.VALIDATE,
        "scans the table");
  }

  @Override
  public List<DdlStep> contract() {
    return List.of(); // nothing old to remove: the column simply stays
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s".formatted(lockedTable(), column()),
                Locks.DROP_COLUMN,
                "drops what the new application wrote into the column (and its constraints)")));
  }
}
