package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.PgUri;
import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequences across the write switch: a free-standing sequence (no OWNED BY) shared by two tables'
 * id defaults is carried both ways like a serial one, so neither side hands out a used key; the
 * target's serial sequence is owned by its column as on the source, the free-standing one by none.
 */
class SequencesIT {
  private static final List<QualifiedTable> TABLES =
      List.of(
          QualifiedTable.parse("public.invoices"),
          QualifiedTable.parse("public.credit_notes"),
          QualifiedTable.parse("public.orders"));

  @Test
  void aFreeStandingSequenceIsCarriedOverInBothDirections() throws Exception {
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE SEQUENCE document_numbers",
          "CREATE TABLE invoices (id bigint PRIMARY KEY DEFAULT nextval('document_numbers'),"
              + " amount int NOT NULL)",
          "CREATE TABLE credit_notes (id bigint PRIMARY KEY DEFAULT nextval('document_numbers'),"
              + " amount int NOT NULL)",
          "CREATE TABLE orders (id bigserial PRIMARY KEY, amount int NOT NULL)",
          "INSERT INTO invoices (amount) SELECT g FROM generate_series(1, 2000) g",
          "INSERT INTO credit_notes (amount) SELECT g FROM generate_series(1, 500) g",
          "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 1000) g");
      var names = CutoverNames.of("test", "seq-" + source.name());
      try (CutoverDatabase db = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          db.ensureTargetSchema(TABLES);
          assertEquals(
              "public.orders_id_seq",
              target.queryString("SELECT pg_get_serial_sequence('orders', 'id')"),
              "the target's serial sequence is owned by its column");
          assertEquals(
              0L,
              target.queryLong(
                  "SELECT count(*) FROM pg_depend WHERE classid = 'pg_class'::regclass"
                      + " AND objid = 'document_numbers'::regclass AND deptype = 'a'"),
              "the free-standing sequence has no owner on the target either");
          db.ensureBookkeeping();
          db.ensurePublication(TABLES);
          new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 1000)
              .run(TABLES, (t, r, n) -> {});
          db.ensureSubscription();
          // Written after the copy: they arrive by replication, which leaves sequences alone.
          source.execute(
              "INSERT INTO invoices (amount) SELECT g FROM generate_series(1, 300) g",
              "INSERT INTO credit_notes (amount) SELECT g FROM generate_series(1, 300) g",
              "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 300) g");
          await(db, false);
          assertEquals(
              3100L, target.queryLong("SELECT max(id) FROM credit_notes"), "replicated rows");

          var forward = new WriteSwitch(db, TABLES).toward(true, Duration.ofSeconds(5), () -> {});
          assertTrue(forward.switched(), forward.message());
          assertTrue(forward.message().contains("2 sequence(s) carried over"), forward.message());
          // Would fail with a duplicate key (23505) from id 1 on if the sequence had stayed behind.
          target.execute(
              "INSERT INTO invoices (amount) SELECT g FROM generate_series(1, 500) g",
              "INSERT INTO credit_notes (amount) SELECT g FROM generate_series(1, 500) g",
              "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 500) g");
          assertEquals(
              3101L,
              target.queryLong("SELECT min(id) FROM invoices WHERE id > 3100"),
              "the target goes on after the source's last key");
          await(db, true);

          var back = new WriteSwitch(db, TABLES).toward(false, Duration.ofSeconds(5), () -> {});
          assertTrue(back.switched(), back.message());
          source.execute(
              "INSERT INTO invoices (amount) SELECT g FROM generate_series(1, 200) g",
              "INSERT INTO credit_notes (amount) SELECT g FROM generate_series(1, 200) g",
              "INSERT INTO orders (amount) SELECT g FROM generate_series(1, 200) g");
          await(db, false);
          for (TestDatabase side : List.of(source, target)) {
            assertEquals(
                4500L,
                side.queryLong(
                    "SELECT count(DISTINCT id) FROM"
                        + " (SELECT id FROM invoices UNION ALL SELECT id FROM credit_notes) x"),
                "every document number is used once on " + side.name());
            assertEquals(2000L, side.queryLong("SELECT count(*) FROM orders"), side.name());
          }
        } finally {
          db.cleanup();
        }
      }
    }
  }

  private static void await(CutoverDatabase db, boolean reverse) throws Exception {
    if (!db.awaitApplied(reverse, Duration.ofMinutes(3))) {
      throw new AssertionError("replication did not catch up: " + db.lag(reverse).describe());
    }
  }
}
