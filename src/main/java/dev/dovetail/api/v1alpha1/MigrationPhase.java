package dev.dovetail.api.v1alpha1;

/** The phase a user requests in {@code spec.phase}. */
public enum MigrationPhase {
  /** Additive changes, sync triggers, backfill and verification; both application versions work. */
  Expand,
  /** Remove the old schema once expand is verified and has soaked. */
  Contract,
  /** Remove everything the migration created; the schema ends as it was. */
  Abandon
}
