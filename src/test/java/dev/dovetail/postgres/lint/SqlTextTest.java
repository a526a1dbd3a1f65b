package dev.dovetail.postgres.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expressions from the spec are spliced into DDL only when they are exactly one expression. */
class SqlTextTest {

  @Test
  void singleExpressionsAreAccepted() {
    for (String ok :
        List.of(
            "'basic'",
            "now()",
            "score >= 0 AND score < 100",
            "coalesce(note, ';')",
            "E'it''s \\' fine;'",
            "$$a;b$$",
            "array[1, 2][1] = 1",
            "\"odd;name\" IS NOT NULL")) {
      assertEquals(Optional.empty(), SqlText.expressionProblem(ok), ok);
    }
  }

  @Test
  void anythingThatCouldEndOurStatementIsRefused() {
    assertTrue(SqlText.expressionProblem("1); DROP TABLE users; --").isPresent());
    assertTrue(SqlText.expressionProblem("1) NOT VALID, ADD CHECK (true").isPresent());
    assertTrue(SqlText.expressionProblem("true -- hidden").isPresent());
    assertTrue(SqlText.expressionProblem("(1").isPresent());
    assertTrue(SqlText.expressionProblem("'open").isPresent());
    assertTrue(SqlText.expressionProblem(" ").isPresent());
  }

  @Test
  void scriptsSplitAtTopLevelSemicolonsOnly() {
    var statements =
        SqlText.statementTexts(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
                + "-- a comment; with a semicolon\n"
                + "SELECT ';' ; ;");
    assertEquals(
        List.of("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$", "SELECT ';'"),
        statements);
  }

  @Test
  void columnReferencesAreReplacedButNotStringsQualifiedNamesOrCalls() {
    assertEquals(
        "CAST(NEW.\"score\" AS bigint) + t.score + score(1) + length('score')",
        SqlText.replaceColumn(
            "CAST(score AS bigint) + t.score + score(1) + length('score')",
            "score",
            "NEW.\"score\""));
    assertEquals("NEW.x::text", SqlText.replaceColumn("\"code\"::text", "code", "NEW.x"));
  }
}
