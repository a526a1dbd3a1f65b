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
 * Sequences and identity columns keep their type and options (start, bounds, increment, cycle,
 * cache), and a descending sequence is carried downward.
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

  @Test
  void sequenceAndIdentityOptionsAreCarriedAndADescendingSequenceGoesOnDownward() throws Exception {
    List<QualifiedTable> tables = List.of(QualifiedTable.parse("public.tickets"));
    try (TestDatabase source = TestPostgres.newPrimaryDatabase();
        TestDatabase target = TestPostgres.newTargetDatabase()) {
      source.execute(
          "CREATE SEQUENCE ticket_numbers AS integer INCREMENT BY 10 MINVALUE 1000"
              + " MAXVALUE 99999999 START WITH 1000 CACHE 5 CYCLE",
          "CREATE SEQUENCE countdown INCREMENT BY -1 MINVALUE -1000000 MAXVALUE -1 START WITH -1",
          "CREATE TABLE tickets (id int PRIMARY KEY DEFAULT nextval('ticket_numbers'),"
              + " rank bigint GENERATED ALWAYS AS IDENTITY"
              + " (START WITH 50 INCREMENT BY 5 MAXVALUE 100000 CYCLE),"
              + " slot bigint NOT NULL DEFAULT nextval('countdown'), line smallserial)",
          "DO $$ BEGIN FOR i IN 1..100 LOOP INSERT INTO tickets DEFAULT VALUES; END LOOP; END $$");
      String options =
          "SELECT string_agg(concat_ws(' ', sequencename, data_type, start_value, min_value,"
              + " max_value, increment_by, cycle, cache_size), '; ' ORDER BY sequencename)"
              + " FROM pg_sequences WHERE schemaname = 'public'";
      var names = CutoverNames.of("test", "seqopt-" + source.name());
      try (CutoverDatabase db = CutoverDatabase.open(source.uri(), target.uri(), names)) {
        try {
          db.ensureTargetSchema(tables);
          assertEquals(
              "countdown bigint -1 -1000000 -1 -1 f 1; ticket_numbers integer 1000 1000"
                  + " 99999999 10 t 5; tickets_line_seq smallint 1 1 32767 1 f 1;"
                  + " tickets_rank_seq bigint 50 1 100000 5 t 1",
              source.queryString(options));
          assertEquals(
              source.queryString(options),
              target.queryString(options),
              "type, start, bounds, increment, cycle and cache as on the source");
          db.ensureBookkeeping();
          db.ensurePublication(tables);
          new TableCopy(PgUri.parse(source.uri()), PgUri.parse(target.uri()), names, 2, 1000)
              .run(tables, (t, r, n) -> {});
          db.ensureSubscription();
          await(db, false);

          var forward = new WriteSwitch(db, tables).toward(true, Duration.ofSeconds(5), () -> {});
          assertTrue(forward.switched(), forward.message());
          assertTrue(forward.message().contains("4 sequence(s) carried over"), forward.message());
          target.execute(
              "DO $$ BEGIN FOR i IN 1..10 LOOP INSERT INTO tickets DEFAULT VALUES; END LOOP; END $$");
          // The source handed out 1000..1990 by 10, -1..-100, ranks 50..545 by 5 and lines 1..100.
          assertEquals(
              "2000 -101 550 101",
              target.queryString(
                  "SELECT concat_ws(' ', min(id), max(slot), min(rank), min(line))"
                      + " FROM tickets WHERE line > 100"),
              "every sequence goes on from the source's last value, in its own direction");
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
