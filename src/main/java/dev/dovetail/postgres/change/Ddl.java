package dev.dovetail.postgres.change;

/**
 * One statement Dovetail will run, with what status.plan says about it.
 *
 * @param lock the strongest lock it takes and for how long
 * @param hazard what it costs or risks, or null when nothing notable
 */
public record Ddl(String sql, String lock, String hazard) {
  public static Ddl of(String sql, String lock) {
    return new Ddl(sql, lock, null);
  }

  public static Ddl of(String sql, String lock, String hazard) {
    return new Ddl(sql, lock, hazard);
  }
}
