package dev.dovetail.postgres.change;

import static dev.dovetail.postgres.Sql.ident;

import dev.dovetail.postgres.GrantInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * GRANT statements that give a relation Dovetail creates the privileges another one has, e.g. the
 * view renameTable leaves under the old name: one statement per grantee and grant option, table
 * privileges first, then column privileges with their column lists.
 */
final class Grants {
  private Grants() {}

  private record Grantee(String role, boolean grantable) {}

  /**
   * GRANTs that give {@code toColumn} of the table the column-level privileges {@code fromColumn}
   * has (table-level grants already cover every column, new ones included).
   */
  static List<Ddl> copyColumn(
      List<GrantInfo> tableGrants, String fromColumn, String toColumn, String tableQualified) {
    var onColumn =
        tableGrants.stream()
            .filter(g -> fromColumn.equals(g.column()))
            .map(g -> new GrantInfo(g.grantee(), g.privilege(), g.grantable(), toColumn))
            .toList();
    return copy(
        onColumn,
        tableQualified,
        Locks.GRANT,
        "the new column gets the column privileges of " + fromColumn + " as of now");
  }

  static List<Ddl> copy(List<GrantInfo> grants, String onQualified, String lock, String hazard) {
    var byGrantee = new LinkedHashMap<Grantee, List<GrantInfo>>();
    for (GrantInfo g : grants) {
      byGrantee
          .computeIfAbsent(new Grantee(g.grantee(), g.grantable()), k -> new ArrayList<>())
          .add(g);
    }
    var statements = new ArrayList<Ddl>();
    byGrantee.forEach(
        (grantee, privileges) ->
            statements.add(
                Ddl.of(
                    "GRANT %s ON %s TO %s%s"
                        .formatted(
                            privilegeList(privileges),
                            onQualified,
                            grantee.role() == null ? "PUBLIC" : ident(grantee.role()),
                            grantee.grantable() ? " WITH GRANT OPTION" : ""),
                    lock,
                    hazard)));
    return statements;
  }

  /**
   * e.g. SELECT, INSERT, UPDATE ("score", "email"): table privileges, then per-column ones (the
   * catalog query lists table-level entries first).
   */
  private static String privilegeList(List<GrantInfo> privileges) {
    var items = new ArrayList<String>();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (GrantInfo g : privileges) {
      if (g.column() == null) {
        items.add(g.privilege());
      } else if (!items.contains(g.privilege())) { // the table-level grant covers every column
        columns.computeIfAbsent(g.privilege(), k -> new ArrayList<>()).add(ident(g.column()));
      }
    }
    columns.forEach(
        (privilege, cols) -> items.add(privilege + " (" + String.join(", ", cols) + ")"));
    return items.stream().collect(Collectors.joining(", "));
  }
}
