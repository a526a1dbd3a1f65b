# Dovetail — zero-downtime PostgreSQL migrations as Kubernetes resources.
# `make help` lists the targets. Everything runs on this machine: PostgreSQL from
# hack/postgres.sh, the Kubernetes API from an embedded server (tests, demo).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

MVN ?= mvn -B
# libpq URIs of the local topology (primary, replica, target), exported for tests and the demo.
PG_ENV = eval "$$(hack/postgres.sh env)"
MANIFESTS ?=
# One line per log record in the demo's terminal (java.util.logging's default takes two).
DEMO_LOG = '-Djava.util.logging.SimpleFormatter.format=%1$$tT %4$$s %3$$s: %5$$s%6$$s%n'

.PHONY: help build image test test-e2e demo demo-db bench run manifests deploy undeploy fmt clean postgres postgres-down lua

help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Compile, check formatting, generate CRDs into target/kubernetes, package the operator.
	$(MVN) package -DskipTests

image: build ## Build the operator/worker image as an OCI archive (target/dovetail-operator-image.tar), no Docker.
	hack/image-root.sh target/image-root
	$(MVN) -q jib:buildTar
	hack/check-image.py target/dovetail-operator-image.tar

test: postgres lua ## Run unit and integration tests against real PostgreSQL, then check crds/ for drift.
	$(PG_ENV) && $(MVN) verify
	hack/check-crds.sh

test-e2e: image ## Real cluster (k3s in Docker via Testcontainers): image loaded, crds/ + deploy/, every sample run. Skipped, with the reason, without Docker.
	$(MVN) verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false '-Dit.test=*E2E'

demo: postgres ## Run the rename story end to end locally (MANIFESTS="a.yaml b.yaml" to apply your own).
	$(MVN) -q test-compile -Dspotless.check.skip=true
	$(PG_ENV) && $(MVN) -q exec:java -Dexec.classpathScope=test $(DEMO_LOG) \
	  -Dexec.mainClass=dev.dovetail.local.LocalMode -Dexec.args="$(MANIFESTS)" -Dexec.cleanupDaemonThreads=false

demo-db: postgres ## Recreate the dovetail_demo database with the sample users table.
	$(MVN) -q test-compile -Dspotless.check.skip=true
	$(PG_ENV) && $(MVN) -q exec:java -Dexec.classpathScope=test $(DEMO_LOG) \
	  -Dexec.mainClass=dev.dovetail.local.LocalMode -Dexec.args="--reset-db" -Dexec.cleanupDaemonThreads=false

bench: postgres ## Measure backfill, sync trigger, copy and verification against their physical limits (BENCH_ROWS=…); prints markdown tables.
	$(MVN) -q test-compile -Dspotless.check.skip=true
	$(PG_ENV) && $(MVN) -q exec:java -Dexec.classpathScope=test $(DEMO_LOG) \
	  -Dexec.mainClass=dev.dovetail.bench.Bench -Dexec.cleanupDaemonThreads=false

run: build ## Run the operator against the current kube context.
	java -jar target/quarkus-app/quarkus-run.jar

manifests: build ## Regenerate crds/ from the Java API types (commit the result).
	cp target/kubernetes/databasemigrations.dovetail.dev-v1.yml target/kubernetes/dualwritecutovers.dovetail.dev-v1.yml crds/

deploy: ## Install the CRDs and the operator into the current kube context.
	kubectl apply -f crds/
	kubectl apply -k deploy/

undeploy: ## Remove the operator and the CRDs (deleting the CRDs deletes every Dovetail resource).
	kubectl delete -k deploy/ --ignore-not-found
	kubectl delete -f crds/ --ignore-not-found

fmt: ## Format the Java sources (google-java-format).
	$(MVN) spotless:apply

postgres: ## Start the local PostgreSQL topology (primary, replica, target).
	hack/postgres.sh up >/dev/null

lua: ## Make sure Lua 5.1 is there (the Argo CD health checks are tested in it); installs Debian's lua5.1 if missing.
	@command -v lua5.1 >/dev/null || { apt-get update -qq && apt-get install -y -qq lua5.1 >/dev/null; }

postgres-down: ## Stop the local PostgreSQL topology (data kept; hack/postgres.sh destroy removes it).
	hack/postgres.sh down

clean: ## Remove build output.
	$(MVN) clean
