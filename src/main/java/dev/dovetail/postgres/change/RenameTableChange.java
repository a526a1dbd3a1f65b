package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;
import static dev.dovetail.postgres.Sql.qualified;

import dev.dovetail.api.v1alpha1.Operation;
import dev.dovetail.api.v1alpha1.RenameTable;
import dev.dovetail.postgres.Catalog;
import dev.dovetail.postgres.GrantInfo;
import dev.dovetail.postgres.OperationRecord;
import dev.dovetail.postgres.change.DdlStep.InTransaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * renameTable: at expand, in one short transaction, the table takes its new name and a view {@code
 * SELECT * FROM new} takes the old one. A single-table view is automatically updatable, so the old
 * application keeps reading and writing through it (inserts get the table's defaults, triggers and
 * constraints apply). Contract drops the view; until spec.cleanupAfter, uncontract creates it again
 * with expand's statement (the view holds no data, so nothing is lost), and the cleanup has nothing
 * left to drop. Rollback drops the view and renames the table back.
 *
 * <p>The table's privileges move with the rename, but the view is new and owned by the operator's
 * role: without grants an application connecting as its own role would get "permission denied for
 * view" on every statement. So the view is granted, in CREATE VIEW's transaction, what the table's
 * ACL grants other roles and PUBLIC (table and column privileges, grant options), read when the
 * step is planned. Later GRANT/REVOKE on the table are not mirrored onto the view; uncontract reads
 * the table's ACL again. A view runs with its owner's rights on the table, so nothing else is
 * needed; sequence defaults are evaluated for the caller, who already needs USAGE for the table.
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
          if (p.any()) {
            return Optional.empty();
          }
          return Optional.of(new RenameTableChange(s, KIND.id(s), grantsOfTable(s, catalog)));
        }

        @Override
        protected Optional<SchemaChange> forUndo(
            RenameTable s, Catalog catalog, OperationRecord record) throws SQLException {
          return Optional.of(new RenameTableChange(s, KIND.id(s), grantsOfTable(s, catalog)));
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
  private final List<GrantInfo> grants;

  private RenameTableChange(RenameTable spec, String id, List<GrantInfo> grants) {
    this.spec = spec;
    this.id = id;
    this.grants = List.copyOf(grants);
  }

  /** The change as planned against a table whose ACL grants {@code grants}. */
  static RenameTableChange of(RenameTable spec, List<GrantInfo> grants) {
    return new RenameTableChange(spec, KIND.id(spec), grants);
  }

  /** The table's grants, under whichever name it has now (before or after expand). */
  private static List<GrantInfo> grantsOfTable(RenameTable s, Catalog catalog) throws SQLException {
    String name = catalog.table(s.getSchema(), s.getTo()).isPresent() ? s.getTo() : s.getFrom();
    return catalog.grants(s.getSchema(), name);
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

  /** CREATE VIEW and the GRANTs that give it the table's privileges, for one transaction. */
  private List<Ddl> createView(String hazard) {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of("CREATE VIEW %s AS SELECT * FROM %s".formatted(from(), to()), Locks.VIEW, hazard));
    statements.addAll(
        Grants.copy(
            grants,
            from(),
            Locks.VIEW,
            "the view gets the table's privileges as of now; later GRANT/REVOKE on the table are"
                + " not mirrored"));
    return statements;
  }

  @Override
  public List<DdlStep> expand() {
    var statements = new ArrayList<Ddl>();
    statements.add(
        Ddl.of(
            "ALTER TABLE %s RENAME TO %s".formatted(from(), ident(spec.getTo())),
            Locks.RENAME,
            "statements re-plan once; the old name keeps working through the view"));
    statements.addAll(
        createView(
            "the view's column list is fixed now: columns added later are not visible under"
                + " the old name"));
    return List.of(InTransaction.of(statements));
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
