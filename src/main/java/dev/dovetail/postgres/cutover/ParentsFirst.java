package dev.dovetail.postgres.cutover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order the verification walks the moved tables in: every table after the tables its foreign
 * keys reference, so a repaired child row finds its repaired parent already there. Among tables
 * free to go, the one listed first goes first, so unrelated tables keep the listed order.
 *
 * <p>A self-reference orders nothing (its rows are repaired in one table's walk). Tables on a cycle
 * of keys cannot all come after each other: a cycle is placed as one group, once every table it
 * references outside the cycle is placed, its tables in the listed order. Rows whose parent comes
 * later in the walk are held back by the repair and retried after the other tables (see {@link
 * TableCompare}). Keys to tables outside the list are ignored.
 */
final class ParentsFirst {
  private ParentsFirst() {}

  static List<QualifiedTable> order(List<QualifiedTable> listed, Collection<ForeignKeyState> keys) {
    List<QualifiedTable> tables = List.copyOf(new LinkedHashSet<>(listed));
    Map<QualifiedTable, Set<QualifiedTable>> parents = new HashMap<>();
    for (QualifiedTable t : tables) {
      parents.put(t, new LinkedHashSet<>());
    }
    for (ForeignKeyState key : keys) {
      if (parents.containsKey(key.table())
          && parents.containsKey(key.references())
          && !key.table().equals(key.references())) {
        parents.get(key.table()).add(key.references());
      }
    }
    List<List<QualifiedTable>> groups = new Cycles(tables, parents).groups();
    Map<QualifiedTable, List<QualifiedTable>> groupOf = new HashMap<>();
    for (List<QualifiedTable> g : groups) {
      for (QualifiedTable t : g) {
        groupOf.put(t, g);
      }
    }
    var ordered = new ArrayList<QualifiedTable>(tables.size());
    var placed = new HashSet<QualifiedTable>();
    while (ordered.size() < tables.size()) {
      // The first listed table whose group waits for no table outside itself; its group goes.
      for (QualifiedTable t : tables) {
        List<QualifiedTable> group = groupOf.get(t);
        if (!placed.contains(t) && ready(group, parents, placed)) {
          ordered.addAll(group);
          placed.addAll(group);
          break;
        }
      }
    }
    return ordered;
  }

  private static boolean ready(
      List<QualifiedTable> group,
      Map<QualifiedTable, Set<QualifiedTable>> parents,
      Set<QualifiedTable> placed) {
    for (QualifiedTable t : group) {
      for (QualifiedTable p : parents.get(t)) {
        if (!group.contains(p) && !placed.contains(p)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The strongly connected components of the key graph (Tarjan), each in the listed order: a table
   * on no cycle is a group of its own. The groups form a graph without cycles, so one is always
   * ready.
   */
  private static final class Cycles {
    private final List<QualifiedTable> tables;
    private final Map<QualifiedTable, Set<QualifiedTable>> parents;
    private final Map<QualifiedTable, Integer> index = new HashMap<>();
    private final Map<QualifiedTable, Integer> low = new HashMap<>();
    private final ArrayDeque<QualifiedTable> stack = new ArrayDeque<>();
    private final Set<QualifiedTable> onStack = new HashSet<>();
    private final List<List<QualifiedTable>> groups = new ArrayList<>();

    Cycles(List<QualifiedTable> tables, Map<QualifiedTable, Set<QualifiedTable>> parents) {
      this.tables = tables;
      this.parents = parents;
    }

    List<List<QualifiedTable>> groups() {
      for (QualifiedTable t : tables) {
        if (!index.containsKey(t)) {
          visit(t);
        }
      }
      return groups;
    }

    private void visit(QualifiedTable t) {
      index.put(t, index.size());
      low.put(t, index.get(t));
      stack.push(t);
      onStack.add(t);
      for (QualifiedTable p : parents.get(t)) {
        if (!index.containsKey(p)) {
          visit(p);
          low.put(t, Math.min(low.get(t), low.get(p)));
        } else if (onStack.contains(p)) {
          low.put(t, Math.min(low.get(t), index.get(p)));
        }
      }
      if (low.get(t).equals(index.get(t))) {
        var members = new HashSet<QualifiedTable>();
        QualifiedTable m;
        do {
          m = stack.pop();
          onStack.remove(m);
          members.add(m);
        } while (!m.equals(t));
        groups.add(tables.stream().filter(members::contains).toList());
      }
    }
  }
}
