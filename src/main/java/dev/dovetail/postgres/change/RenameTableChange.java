package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * renameTable: at expand, in one short transaction, the table takes its new name and a view {@code
 * SELECT * FROM new} takes the old one. A single-table view is automatically updatable, so the old
 * application keeps reading and writing through it (inserts get the table's defaults, triggers and
 * constraints apply). Contract drops the view; until spec.cleanupAfter, uncontract creates it again
 * with expand's statement (the view holds no data, so nothing is lost), and the cleanup has nothing
 * left to drop. Rollback drops the view and renames the table back.
 */
final class RenameTableChange implements SchemaChange {
  static final ChangeKind<RenameTable> KIND =
      new ChangeKind<>("renameTable", Operation::getRenameTable) {
        @Override
        protected List<String> identity(RenameTable s) {
          return List.of(s.getSchema(), s.getFrom(), s.getTo());
        }

        @Override
        protected void validate(RenameTable s, SpecProblems p) {
          p.identifier("schema", s.getSchema());
          p.identifier("from", s.getFrom());
          p.identifier("to", s.getTo());
          if (s.getFrom() != null && s.getFrom().equals(s.getTo())) {
            p.add("to", "must differ from from");
          }
        }

        @Override
        protected Optional<SchemaChange> resolve(RenameTable s, ResolveContext ctx)
            throws SQLException {
          var p = ctx.problems();
          var catalog = ctx.catalog();
          if (!ctx.recorded()) {
            if (catalog.table(s.getSchema(), s.getFrom()).isEmpty()) {
              p.add("from", "table " + s.getSchema() + "." + s.getFrom() + " does not exist");
            }
            if (catalog.relationExists(s.getSchema(), s.getTo())) {
              p.add(
                  "to",
                  "a relation named " + s.getTo() + " already exists in schema " + s.getSchema());
            }
          } else if (catalog.table(s.getSchema(), s.getTo()).isEmpty()
              && !dev.dovetail.postgres.OperationStates.EXPANDING.equals(ctx.state())) {
            p.add(
                "to",
                "table "
                    + s.getSchema()
                    + "."
                    + s.getTo()
                    + " was created by expand but is missing");
          }
          return p.any() ? Optional.empty() : Optional.of(new RenameTableChange(s, KIND.id(s)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            RenameTable s, Catalog catalog, OperationRecord record) {
          return Optional.of(new RenameTableChange(s, KIND.id(s)));
        }

        @Override
        protected List<String> tables(RenameTable s) {
          return List.of(s.getSchema() + "." + s.getFrom(), s.getSchema() + "." + s.getTo());
        }

        @Override
        protected boolean renamesTables() {
          return true;
        }
      };

  private final RenameTable spec;
  private final String id;

  private RenameTableChange(RenameTable spec, String id) {
    this.spec = spec;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "renameTable";
  }

  @Override
  public String describe() {
    return "renameTable %s.%s → %s".formatted(spec.getSchema(), spec.getFrom(), spec.getTo());
  }

  /** The table under its new name: the name that holds the locks once expand ran. */
  @Override
  public String lockedTable() {
    return to();
  }

  private String from() {
    return qualified(spec.getSchema(), spec.getFrom());
  }

  private String to() {
    return qualified(spec.getSchema(), spec.getTo());
  }

  private Ddl createView(String hazard) {
    return Ddl.of("CREATE VIEW %s AS SELECT * FROM %s".formatted(from(), to()), Locks.VIEW, hazard);
  }

  @Override
  public List<DdlStep> expand() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "ALTER TABLE %s RENAME TO %s".formatted(from(), ident(spec.getTo())),
                Locks.RENAME,
                "statements re-plan once; the old name keeps working through the view"),
            createView(
                "the view's column list is fixed now: columns added later are not visible under"
                    + " the old name")));
  }

  @Override
  public List<DdlStep> contract() {
    return List.of(
        InTransaction.of(
            Ddl.of(
                "DROP VIEW IF EXISTS " + from(),
                Locks.VIEW,
                "the old application must be stopped: the old name stops working")));
  }

  /** The view as expand made it: the old name works again, for the table's columns of now. */
  @Override
  public List<DdlStep> uncontract() {
    return List.of(
        InTransaction.of(
            createView(
                "the old name works again; the view lists the table's columns as they are now"
                    + " (fails if a relation took the old name meanwhile)")));
  }

  @Override
  public List<DdlStep> rollback() {
    return List.of(
        InTransaction.of(
            Ddl.of("DROP VIEW IF EXISTS " + from(), Locks.VIEW),
            Ddl.of(
                "ALTER TABLE IF EXISTS %s RENAME TO %s".formatted(to(), ident(spec.getFrom())),
                Locks.RENAME,
                "the new application must be stopped: the new name stops working")));
  }
}
