package dev.dovetail.postgres.cutover;

/**
 * A source foreign key of a moved table and where it stands on the target.
 *
 * @param name the key's name on the source
 * @param nameOnTarget the matching key's name on the target, or null when it has none
 * @param table the moved table that holds the key
 * @param references the table it references
 */
public record ForeignKeyState(
    String name,
    String nameOnTarget,
    QualifiedTable table,
    QualifiedTable references,
    State state) {

  public enum State {
    /** Not on the target yet: it is added NOT VALID once the copy is done. */
    Pending,
    /** On the target and checked for new writes, not yet for the rows already there. */
    NotValid,
    /** On the target and holding for every row. */
    Validated,
    /** References a table outside the move: not created on the target. */
    NotMoved
  }

  /** e.g. {@code public.child.child_parent_fkey -> public.parent}. */
  public String describe() {
    return table + "." + name + " -> " + references;
  }
}
