package dev.dovetail.api.v1alpha1;

/** PostgreSQL index access methods. */
public enum IndexMethod {
  btree,
  hash,
  gist,
  gin,
  brin,
  spgist
}
