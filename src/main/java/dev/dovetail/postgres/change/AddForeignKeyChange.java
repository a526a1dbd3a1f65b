package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.AddForeignKey;
import dev.dovetail.api.v1alpha1.ForeignKeyReference;
import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.ReferentialAction;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.TableInfo;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * addForeignKey: ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID at expand (brief SHARE ROW EXCLUSIVE
 * on both tables; new writes are checked from then on), VALIDATE CONSTRAINT after the backfill. The
 * plan warns when no index covers the referencing columns.
 */
final class AddForeignKeyChange implements SchemaChange {
  static final ChangeKind<AddForeignKey> KIND =
      new ChangeKind<>("addForeignKey", Operation::getAddForeignKey) {
        @Override
        protected List<String> identity(AddForeignKey s) {
          ForeignKeyReference r = s.getReferences();
          var fields = new ArrayList<String>(List.of(s.getSchema(), s.getTable(), s.getName()));
          fields.add(String.join(",", s.getColumns()));
          fields.add(
              r == null
                  ? ""
                  : r.getSchema()
                      + "."
                      + r.getTable()
                      + "("
                      + String.join(",", r.getColumns())
                      + ")");
          fields.add(String.valueOf(s.getOnDelete()));
          return fields;
        }

        @Override
        protected void validate(AddForeignKey s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("table", s.getTable());
          p.identifier("name", s.getName());
          p.identifiers("columns", s.getColumns());
          ForeignKeyReference r = s.getReferences();
          if (r == null) {
            p.add("references", "required");
            return;
          }
          p.identifier("references.schema", r.getSchema());
          p.identifier("references.table", r.getTable());
          p.identifiers("references.columns", r.getColumns());
          if (s.getColumns() != null
              && r.getColumns() != null
              && s.getColumns().size() != r.getColumns().size()) {
            p.add(
                "references.columns",
                "has "
                    + r.getColumns().size()
                    + " columns but columns has "
                    + s.getColumns().size());
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(AddForeignKey s, ResolveContext ctx)
            throws SQLException {
          var p = ctx.problems();
          Optional<TableInfo> table = ctx.table(s.getSchema(), s.getTable(), "table");
          ForeignKeyReference r = s.getReferences();
          Optional<TableInfo> referenced =
              ctx.table(r.getSchema(), r.getTable(), "references.table");
          if (table.isEmpty() || referenced.isEmpty()) {
            return Optional.empty();
          }
          TableInfo t = table.get();
          boolean indexed = true;
          if (!ctx.recorded()) {
            Columns.present(t, s.getColumns(), "columns", p);
            Columns.present(referenced.get(), r.getColumns(), "references.columns", p);
            if (!p.any()
                && !ctx.catalog().uniqueKeyCovers(r.getSchema(), r.getTable(), r.getColumns())) {
              p.add(
                  "references.columns",
                  "no primary key or unique constraint of "
                      + r.getSchema()
                      + "."
                      + r.getTable()
                      + " covers exactly "
                      + r.getColumns());
            }
            if (ctx.catalog().constraint(t.schema(), t.name(), s.getName()).isPresent()) {
              p.add(
                  "name",
                  "constraint "
                      + s.getName()
                      + " already exists on "
                      + t.schema()
                      + "."
                      + t.name());
            }
          }
          if (!p.any()) {
            indexed =
                ctx.catalog().indexesOn(t.schema(), t.name()).stream()
                    .anyMatch(
                        i ->
                            i.valid()
                                && i.columns().size() >= s.getColumns().size()
                                && i.columns()
                                    .subList(0, s.getColumns().size())
                                    .equals(s.getColumns()));
          }
          return p.any()
              ? Optional.empty()
              : Optional.of(new AddForeignKeyChange(s, KIND.id(s), Columns.rowKey(t), indexed));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            AddForeignKey s, Catalog catalog, OperationRecord record) {
          return Optional.of(new AddForeignKeyChange(s, KIND.id(s), "ctid", true));
        }
      };

  private final AddForeignKey spec;
  private final String id;
  private final String rowKey;
  private final boolean indexed;

  private AddForeignKeyChange(AddForeignKey spec, String id, String rowKey, boolean indexed) {
    this.spec = spec;
    this.id = id;
    this.rowKey = rowKey;
    this.indexed = indexed;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "addForeignKey";
  }

  @Override
  public String describe() {
    return "addForeignKey %s on %s.%s".formatted(spec.getName(), spec.getSchema(), spec.getTable());
  }

  @Override
  public String lockedTable() {
    return qualified(spec.getSchema(), spec.getTable());
  }

  private String referenced() {
    return qualified(spec.getReferences().getSchema(), spec.getReferences().getTable());
  }

  @Override
  public List<DdlStep> expand() {
    ReferentialAction onDelete =
        spec.getOnDelete() == null ? ReferentialAction.NoAction : spec.getOnDelete();
    String hazard =
        "from now on, a write whose key has no row in "
            + spec.getReferences().getTable()
            + " is refused"
            + (indexed
                ? ""
                : "; no index covers "
                    + spec.getColumns()
                    + ", so each delete in "
                    + spec.getReferences().getTable()
                    + " scans this table");
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s NOT VALID"
                    .formatted(
                        lockedTable(),
                        ident(spec.getName()),
                        Columns.quoted(spec.getColumns()),
                        referenced(),
                        Columns.quoted(spec.getReferences().getColumns()),
                        onDelete.sql()),
                Locks.ADD_FOREIGN_KEY_NOT_VALID,
                hazard)));
  }

  @Override
  public List<DdlStep> afterBackfill() {
    var join = new ArrayList<String>();
    for (int i = 0; i < spec.getColumns().size(); i++) {
      join.add(
          "dovetail_r.%s = %s.%s"
              .formatted(
                  ident(spec.getReferences().getColumns().get(i)),
                  lockedTable(),
                  ident(spec.getColumns().get(i))));
    }
    String orphan =
        "%s AND NOT EXISTS (SELECT 1 FROM %s dovetail_r WHERE %s)"
            .formatted(
                Columns.allNotNull(spec.getColumns()), referenced(), String.join(" AND ", join));
    return List.of(
        new InTransaction(
            List.of(
                Ddl.of(
                    "ALTER TABLE %s VALIDATE CONSTRAINT %s"
                        .formatted(lockedTable(), ident(spec.getName())),
                    Locks.VALIDATE + " (ROW SHARE on the referenced table)",
                    "scans the table; fails if a row references nothing")),
            Violations.rows(
                lockedTable(),
                rowKey,
                orphan,
                "rows whose key has no row in " + spec.getReferences().getTable()),
            Triggers.VALIDATE_TIMEOUT));
  }

  @Override
  public List<DdlStep> contract() {
    return List.of();
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s"
                    .formatted(lockedTable(), ident(spec.getName())),
                Locks.DROP_CONSTRAINT)));
  }
}
