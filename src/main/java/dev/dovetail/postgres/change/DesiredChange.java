package dev.dovetail.postgres.change;

/**
 * An operation of the spec, with its identity and, unless it is already contracted, the change
 * resolved against the catalog.
 *
 * @param index position in spec.operations
 * @param id stable identity of the operation spec
 * @param specJson the operation as JSON, recorded in the database so it can be undone later even
 *     after it left the spec
 * @param change null when the catalog no longer allows building it (contracted)
 */
public record DesiredChange(
    int index, String id, String kind, String specJson, SchemaChange change) {
  public String label() {
    return index + ":" + kind;
  }
}
