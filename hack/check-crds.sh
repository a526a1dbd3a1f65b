#!/usr/bin/env bash
# Fails when the committed crds/ differ from the CRDs generated from the Java types by the build.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
status=0
for crd in databasemigrations.dovetail.dev-v1.yml dualwritecutovers.dovetail.dev-v1.yml; do
  generated=target/kubernetes/$crd
  if [ ! -f "$generated" ]; then
    echo "check-crds: $generated is missing; run 'make build' first" >&2
    exit 1
  fi
  if ! diff -u "crds/$crd" "$generated"; then
    echo "check-crds: crds/$crd is out of date; run 'make manifests' and commit it" >&2
    status=1
  fi
done
exit $status
