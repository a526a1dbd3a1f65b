package dev.dovetail.testing;

/**
 * The table the operation scenarios change under traffic, and the application versions that use it.
 * {@code accounts}: id, owner_id (→ owners), email (one in five NULL), code (unique values, no
 * constraint yet), score integer NOT NULL DEFAULT 0, legacy text NOT NULL (no default), note (with
 * an index), created_at. {@code owners}: ids 1..100.
 */
public final class AccountsTable {
  private AccountsTable() {}

  /** Creates owners (once) and the accounts table {@code name} with {@code rows} rows. */
  public static void create(TestDatabase db, String name, long rows) {
    db.execute(
        "CREATE TABLE IF NOT EXISTS owners (id bigint PRIMARY KEY, name text NOT NULL)",
        "INSERT INTO owners SELECT g, 'owner-' || g FROM generate_series(1, 100) g ON CONFLICT DO"
            + " NOTHING",
        ("CREATE TABLE %s (id bigserial PRIMARY KEY, owner_id bigint, email text, code text,"
                + " score integer NOT NULL DEFAULT 0, legacy text NOT NULL, note text, created_at"
                + " timestamptz NOT NULL DEFAULT now())")
            .formatted(name),
        ("INSERT INTO %s (owner_id, email, code, score, legacy, note) SELECT 1 + g %% 100, CASE"
                + " WHEN g %% 5 = 0 THEN NULL ELSE 'user' || g || '@example.com' END, 'code-' || g,"
                + " g, 'legacy-' || g, 'note-' || g FROM generate_series(1, %d) g")
            .formatted(name, rows),
        "CREATE INDEX %s_note ON %s (note)".formatted(name, name),
        "ANALYZE " + name);
  }

  /** The application before the migration: writes every original column, sometimes NULL emails. */
  public static TableWorkload oldApp(TestDatabase db, String table, long rows) {
    return app("old", db, table, rows, 1);
  }

  /**
   * An application that writes every original column, under its own name and parity (e.g. the new
   * version after a renameTable, which uses the new table name).
   */
  public static TableWorkload app(
      String name, TestDatabase db, String table, long rows, int parity) {
    return app(name, db.uri(), table, rows, parity);
  }

  /** {@link #app(String, TestDatabase, String, long, int)} connecting with {@code libpqUri}. */
  public static TableWorkload app(
      String name, String libpqUri, String table, long rows, int parity) {
    return new TableWorkload(
        name,
        libpqUri,
        "",
        ("INSERT INTO %1$s (owner_id, email, code, score, legacy, note) VALUES (1 + ? %% 100, CASE"
                + " WHEN ? %% 5 = 1 THEN NULL ELSE '%2$s' || ? END, '%2$s-' || ?, ? %% 2000000000,"
                + " 'legacy', 'n' || ?) RETURNING id")
            .formatted(table, name),
        "UPDATE %s SET score = ? %% 2000000000, email = CASE WHEN ? %% 5 = 1 THEN NULL ELSE '%s' || ? END WHERE id = ?"
            .formatted(table, name),
        "SELECT score, legacy FROM %s WHERE id = ?".formatted(table),
        rows,
        parity);
  }

  /**
   * The application after the migration: never writes legacy, never writes NULL emails; with {@code
   * tier} it also writes the added tier column.
   */
  public static TableWorkload newApp(
      TestDatabase db, String table, long rows, boolean tier, String jdbcProperties) {
    return new TableWorkload(
        "new",
        db.uri(),
        jdbcProperties,
        ("INSERT INTO %s (owner_id, email, code, score, note%s) VALUES (1 + ? %% 100, 'new' || ?,"
                + " 'new-' || ?, ?, 'n' || ?%s) RETURNING id")
            .formatted(table, tier ? ", tier" : "", tier ? ", 'gold'" : ""),
        ("UPDATE %s SET score = ?%s WHERE id = ?")
            .formatted(
                table, tier ? ", tier = CASE WHEN ? % 2 = 0 THEN 'gold' ELSE 'basic' END" : ""),
        "SELECT score, email FROM %s WHERE id = ?".formatted(table),
        rows,
        0);
  }
}
