package dev.dovetail.postgres.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dovetail.testing.TestDatabase;
import dev.dovetail.testing.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunk bounds of the verification walk, on a real table. */
class KeyedTableIT {

  @Test
  void chunksFollowTheKeysOrderThroughItsIndexNotTheKeysText() throws Exception {
    // Integer keys whose text order differs from their order ("10000" < "9999").
    try (TestDatabase db = TestPostgres.newPrimaryDatabase()) {
      db.execute(
          "CREATE TABLE items (id bigint PRIMARY KEY, v text)",
          "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 25000) g",
          "VACUUM ANALYZE items");
      try (Connection c = db.connect()) {
        KeyedTable.settle(c);
        var table = KeyedTable.of(c, c, QualifiedTable.parse("public.items"));
        var bounds = new ArrayList<String>();
        RowKey lower = null;
        RowKey upper;
        do {
          upper = table.nextBound(c, lower, 1000);
          bounds.add(upper == null ? "end" : upper.toString());
          lower = upper;
        } while (upper != null);
        assertEquals(26, bounds.size(), "25 full chunks of 1000 and the open last one: " + bounds);
        assertEquals(List.of("1000", "2000", "3000"), texts(bounds.subList(0, 3)));
      }
    }
  }

  private static List<String> texts(List<String> keys) {
    return keys.stream().map(k -> k.replaceAll("[^0-9]", "")).toList();
  }
}
