package dev.dovetail.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class ServerErrorsTest {
  /** As the server sends a foreign key's refusal: the DETAIL quotes the key's value. */
  static PSQLException foreignKeyRefused(boolean driverDetail) {
    return new PSQLException(
        new ServerErrorMessage(
            "SERROR\0C23503\0Minsert or update on table \"child\" violates foreign key constraint"
                + " \"child_parent_fk\"\0DKey (parent_id)=(77) is not present in table"
                + " \"parent\".\0Wwhere the secret-42 row was\0tchild\0nchild_parent_fk\0"),
        driverDetail);
  }

  @Test
  void theServerPrimaryMessageNamesTheConstraintAndNoValue() {
    var e = foreignKeyRefused(true);
    assertTrue(e.getMessage().contains("(77)"), "the driver's own message quotes the value");
    String shown = ServerErrors.primary(e);
    assertEquals(
        "insert or update on table \"child\" violates foreign key constraint \"child_parent_fk\"",
        shown);
    assertFalse(shown.contains("77") || shown.contains("secret-42"), shown);
    assertEquals("child_parent_fk", ServerErrors.constraint(e));
  }

  @Test
  void withLogServerErrorDetailOffTheDriverLeavesTheDetailOutToo() {
    var e = foreignKeyRefused(false);
    assertFalse(
        e.getMessage().contains("77") || e.getMessage().contains("secret-42"), e.getMessage());
  }

  @Test
  void anErrorOfOurOwnIsKeptAsItIs() {
    var own = new SQLException("spec.source: cannot connect to postgresql://u:***@h/db: refused");
    assertEquals(own.getMessage(), ServerErrors.primary(own));
    assertNull(ServerErrors.constraint(own));
  }
}
