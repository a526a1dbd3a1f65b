package dev.dovetail.postgres.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dovetail.postgres.lint.RawSqlLinter.ColumnRef;
import dev.dovetail.postgres.lint.RawSqlLinter.Finding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The raw-SQL linter refuses each statement that holds a blocking lock for long, naming the
 * statement and the safe alternative, and accepts the safe rewrite of each.
 */
class RawSqlLinterTest {

  private static List<Finding> lint(String sql) {
    return RawSqlLinter.lint(sql, Set.of());
  }

  private static void refused(String sql, String problem, String alternative) {
    var findings = lint(sql);
    assertEquals(1, findings.size(), sql + " → " + findings);
    var f = findings.get(0);
    assertTrue(f.problem().contains(problem), f.describe());
    assertTrue(f.alternative().contains(alternative), f.describe());
    assertTrue(f.describe().startsWith("statement 1 ("), f.describe());
  }

  private static void accepted(String sql) {
    assertEquals(List.of(), lint(sql), sql);
  }

  @Test
  void plainCreateIndexIsRefusedConcurrentlyIsAccepted() {
    refused(
        "CREATE INDEX users_email ON users (email)",
        "plain CREATE INDEX holds a SHARE lock",
        "CREATE INDEX CONCURRENTLY");
    refused("create unique index u on public.users(email)", "plain CREATE INDEX", "CONCURRENTLY");
    accepted("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email)");
  }

  @Test
  void anIndexOnATableCreatedInTheSameScriptNeedsNoConcurrently() {
    accepted(
        "CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz); CREATE INDEX audit_at ON audit (at)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
        "ALTER TABLE users ADD COLUMN r float8 DEFAULT random()",
        "ALTER TABLE users ADD seen timestamptz DEFAULT clock_timestamp()",
        "ALTER TABLE users ADD COLUMN n bigserial",
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS n int DEFAULT nextval('s')"
      })
  void addColumnWithAVolatileDefaultIsRefused(String sql) {
    refused(sql, "rewrites the whole table", "add the column without a default");
  }

  @Test
  void addColumnWithAConstantOrStableDefaultIsAccepted() {
    accepted("ALTER TABLE users ADD COLUMN tier text DEFAULT 'basic'");
    accepted("ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now()");
    // the safe rewrite of a volatile default: no default, then a default for new rows only
    accepted(
        "ALTER TABLE users ADD COLUMN token uuid; ALTER TABLE users ALTER COLUMN token SET DEFAULT"
            + " gen_random_uuid()");
  }

  @Test
  void alterColumnTypeIsRefused() {
    refused(
        "ALTER TABLE users ALTER COLUMN score TYPE bigint",
        "ALTER COLUMN ... TYPE rewrites the table",
        "changeColumnType");
    refused(
        "ALTER TABLE users ALTER score SET DATA TYPE bigint USING score::bigint",
        "TYPE rewrites",
        "changeColumnType");
    accepted("ALTER TABLE users ALTER COLUMN type SET DEFAULT 'x'"); // a column named type
  }

  @Test
  void setNotNullNeedsAValidatedCheck() {
    refused(
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
        "SET NOT NULL without a validated CHECK (email IS NOT NULL)",
        "VALIDATE CONSTRAINT in a later one");
    // The catalog already shows a validated check: accepted.
    assertEquals(
        List.of(),
        RawSqlLinter.lint(
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
            Set.of(new ColumnRef("public.users", "email"))));
  }

  @Test
  void theSafeSetNotNullSequenceAcrossOperationsIsAccepted() {
    var findings =
        RawSqlLinter.lintInOrder(
            List.of(
                "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID",
                "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn",
                "ALTER TABLE users ALTER COLUMN email SET NOT NULL; ALTER TABLE users DROP CONSTRAINT"
                    + " users_email_nn"),
            Set.of());
    assertEquals(List.of(List.of(), List.of(), List.of()), findings);
  }

  @Test
  void validateInTheSameTransactionAsItsAddIsRefused() {
    var findings =
        lint(
            "ALTER TABLE users ADD CONSTRAINT score_positive CHECK (score >= 0) NOT VALID;\n"
                + "ALTER TABLE users VALIDATE CONSTRAINT score_positive");
    assertEquals(1, findings.size(), findings.toString());
    assertEquals(2, findings.get(0).statement());
    assertTrue(findings.get(0).problem().contains("same transaction as its ADD"));
    assertTrue(findings.get(0).alternative().contains("later sql operation"));
    // the safe rewrite: the VALIDATE in a later operation
    assertEquals(
        List.of(List.of(), List.of()),
        RawSqlLinter.lintInOrder(
            List.of(
                "ALTER TABLE users ADD CONSTRAINT score_positive CHECK (score >= 0) NOT VALID",
                "ALTER TABLE users VALIDATE CONSTRAINT score_positive"),
            Set.of()));
  }

  @Test
  void constraintsWithoutNotValidAreRefused() {
    refused(
        "ALTER TABLE users ADD CONSTRAINT score_positive CHECK (score >= 0)",
        "without NOT VALID",
        "addCheckConstraint");
    refused(
        "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id)",
        "FOREIGN KEY without NOT VALID",
        "addForeignKey");
    refused(
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
        "builds its index under an ACCESS EXCLUSIVE lock",
        "USING INDEX");
    accepted("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx");
    accepted(
        "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id)"
            + " NOT VALID");
  }

  @Test
  void rewritesAndExplicitLocksAreRefused() {
    refused("VACUUM FULL users", "rewrites the table", "pg_repack");
    refused("CLUSTER users USING users_pkey", "rewrites the table", "pg_repack");
    refused("REINDEX TABLE users", "REINDEX without CONCURRENTLY", "REINDEX ... CONCURRENTLY");
    refused("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "LOCK TABLE", "lockTimeout");
    refused("COMMIT", "transaction control", "several sql operations");
    refused("SET lock_timeout = 0", "lock_timeout", "spec.ddl.lockTimeout");
    accepted("REINDEX INDEX CONCURRENTLY users_email");
  }

  @Test
  void keywordsInsideStringsCommentsAndFunctionBodiesDoNotCount() {
    accepted(
        "COMMENT ON TABLE users IS 'CREATE INDEX x ON users (a); ALTER TABLE users ALTER c TYPE int'");
    accepted("-- CREATE INDEX i ON users (a)\nALTER TABLE users ADD COLUMN note text");
    accepted(
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $body$ CREATE INDEX i ON t (a) $body$");
    accepted("SELECT 1 /* nested /* VACUUM FULL t */ comment */");
  }

  @Test
  void everyRefusedStatementOfAScriptIsNamed() {
    var findings =
        lint(
            "ALTER TABLE users ADD COLUMN note text;\n"
                + "CREATE INDEX a ON users (note);\n"
                + "ALTER TABLE users ALTER COLUMN score TYPE bigint");
    assertEquals(List.of(2, 3), findings.stream().map(Finding::statement).toList());
    assertTrue(
        findings.get(0).text().startsWith("CREATE INDEX a ON users"), findings.get(0).text());
  }

  @Test
  void unterminatedTextIsReportedNotCrashed() {
    var findings = lint("SELECT 'open");
    assertEquals(1, findings.size());
    assertTrue(findings.get(0).problem().contains("unterminated"));
  }

  @Test
  void theFirstTableOfAScriptIsFoundForNamingLockHolders() {
    assertEquals(
        List.of("public", "users"),
        List.of(
            RawSqlLinter.firstTable("SELECT 1; ALTER TABLE ONLY users ADD c int").orElseThrow()));
    assertEquals(
        List.of("app", "Orders"),
        List.of(
            RawSqlLinter.firstTable("CREATE INDEX CONCURRENTLY i ON app.\"Orders\" (a)")
                .orElseThrow()));
    assertTrue(RawSqlLinter.firstTable("SELECT 1").isEmpty());
  }

  @Test
  void statementsThatCannotRunInATransactionAreRecognised() {
    var s =
        SqlText.statements(
            "CREATE INDEX CONCURRENTLY i ON t (a); DROP INDEX CONCURRENTLY j; ALTER TABLE t ADD c int");
    assertEquals(
        List.of(true, true, false), s.stream().map(RawSqlLinter::needsOwnTransaction).toList());
  }
}
