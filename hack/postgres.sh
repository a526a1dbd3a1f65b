#!/usr/bin/env bash
# The local PostgreSQL topology Dovetail's tests, demo and benchmarks run against (DESIGN.md §6):
#   primary  wal_level=logical                          port $DOVETAIL_PG_PRIMARY_PORT (55432)
#   replica  streaming hot standby of the primary       port $DOVETAIL_PG_REPLICA_PORT (55433)
#   target   a separate server (cutover destination)    port $DOVETAIL_PG_TARGET_PORT  (55434)
# Uses this machine's PostgreSQL binaries (pg_config --bindir); servers run as the postgres user.
# Idempotent: `up` starts what is stopped, creates what is missing and leaves running servers alone.
set -Eeuo pipefail

BASE=${DOVETAIL_PG_BASE:-/tmp/dovetail-pg}
PRIMARY_PORT=${DOVETAIL_PG_PRIMARY_PORT:-55432}
REPLICA_PORT=${DOVETAIL_PG_REPLICA_PORT:-55433}
TARGET_PORT=${DOVETAIL_PG_TARGET_PORT:-55434}
BIN=$(pg_config --bindir)
HOST=127.0.0.1

usage() {
  cat <<USAGE
usage: hack/postgres.sh up|down|destroy|env|status|psql primary|replica|target [psql args]
  up       start (creating if needed) primary, replica and target; prints the env lines
  down     stop all three, keep their data
  destroy  stop all three and delete $BASE
  env      print export lines: DOVETAIL_PG_PRIMARY, DOVETAIL_PG_REPLICA, DOVETAIL_PG_TARGET
  status   show which servers run and the replica's streaming state
  psql     open psql on one of the servers
USAGE
}

# Run a command as the postgres user (the servers refuse to run as root).
as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

port_of() { case $1 in primary) echo "$PRIMARY_PORT" ;; replica) echo "$REPLICA_PORT" ;; target) echo "$TARGET_PORT" ;; esac; }
dir_of() { echo "$BASE/$1"; }
uri_of() { echo "postgresql://postgres@$HOST:$(port_of "$1")/postgres"; }
sql() { as_pg "$BIN/psql" -X -q -At -h "$HOST" -p "$(port_of "$1")" -U postgres -d postgres -c "$2"; }
running() { as_pg "$BIN/pg_ctl" -D "$(dir_of "$1")" status >/dev/null 2>&1; }

wait_ready() {
  local name=$1 i
  for i in $(seq 1 60); do
    if as_pg "$BIN/pg_isready" -q -h "$HOST" -p "$(port_of "$name")"; then return 0; fi
    sleep 0.5
  done
  echo "postgres.sh: $name did not accept connections on port $(port_of "$name"); log: $BASE/$name.log" >&2
  tail -20 "$BASE/$name.log" >&2 || true
  exit 1
}

# Refuse to start on a port some other program holds: the tests would talk to the wrong server.
check_port_free() {
  local name=$1
  if as_pg "$BIN/pg_isready" -q -h "$HOST" -p "$(port_of "$name")"; then
    echo "postgres.sh: port $(port_of "$name") is in use by a server that is not $BASE/$name;" \
      "stop it or set DOVETAIL_PG_$(echo "$name" | tr a-z A-Z)_PORT" >&2
    exit 1
  fi
}

configure() {
  local name=$1 dir
  dir=$(dir_of "$name")
  # fsync and friends off: throwaway test servers, speed matters more than crash safety.
  cat >>"$dir/postgresql.auto.conf" <<CONF
port = $(port_of "$name")
listen_addresses = '$HOST'
unix_socket_directories = '$BASE'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_logical_replication_workers = 8
max_worker_processes = 16
hot_standby = on
hot_standby_feedback = on
wal_keep_size = '1GB'
track_commit_timestamp = on
shared_buffers = '256MB'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  cat >"$dir/pg_hba.conf" <<HBA
local all         all                trust
host  all         all  127.0.0.1/32  trust
host  replication all  127.0.0.1/32  trust
HBA
}

start() {
  local name=$1
  as_pg "$BIN/pg_ctl" -D "$(dir_of "$name")" -l "$BASE/$name.log" -w -t 60 start >/dev/null
  wait_ready "$name"
}

init_server() {
  local name=$1
  as_pg "$BIN/initdb" -D "$(dir_of "$name")" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  configure "$name"
}

ensure_server() {
  local name=$1
  if running "$name"; then return 0; fi
  check_port_free "$name"
  [ -f "$(dir_of "$name")/PG_VERSION" ] || init_server "$name"
  start "$name"
}

ensure_replica() {
  local dir
  dir=$(dir_of replica)
  if ! running replica; then
    check_port_free replica
    if [ ! -f "$dir/PG_VERSION" ]; then
      # A physical slot keeps the WAL the replica still needs, even while its replay is paused.
      if [ "$(sql primary "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dovetail_replica'")" = 0 ]; then
        sql primary "SELECT pg_create_physical_replication_slot('dovetail_replica')" >/dev/null
      fi
      as_pg "$BIN/pg_basebackup" -D "$dir" -h "$HOST" -p "$PRIMARY_PORT" -U postgres -R -X stream -S dovetail_replica >/dev/null
      sed -i "/^port = /d" "$dir/postgresql.auto.conf"
      echo "port = $REPLICA_PORT" >>"$dir/postgresql.auto.conf"
    fi
    start replica
  fi
  # Tests pause replay to inject lag; `up` always hands back a healthy replica.
  if [ "$(sql replica "SELECT pg_is_wal_replay_paused()")" = t ]; then
    sql replica "SELECT pg_wal_replay_resume()" >/dev/null
  fi
  local i
  for i in $(seq 1 60); do
    if [ "$(sql primary "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]; then return 0; fi
    sleep 0.5
  done
  echo "postgres.sh: the replica is not streaming from the primary; log: $BASE/replica.log" >&2
  exit 1
}

print_env() {
  echo "export DOVETAIL_PG_PRIMARY=$(uri_of primary)"
  echo "export DOVETAIL_PG_REPLICA=$(uri_of replica)"
  echo "export DOVETAIL_PG_TARGET=$(uri_of target)"
}

up() {
  mkdir -p "$BASE"
  chown postgres: "$BASE" 2>/dev/null || true
  chmod 0755 "$BASE"
  ensure_server primary
  ensure_replica
  ensure_server target
  echo "postgres.sh: primary :$PRIMARY_PORT, replica :$REPLICA_PORT (streaming), target :$TARGET_PORT — PostgreSQL $("$BIN/postgres" --version | awk '{print $3}')" >&2
  print_env
}

down() {
  local name
  for name in replica target primary; do
    if running "$name"; then as_pg "$BIN/pg_ctl" -D "$(dir_of "$name")" -m fast -w stop >/dev/null; fi
  done
}

status() {
  local name
  for name in primary replica target; do
    if running "$name"; then echo "$name: running on port $(port_of "$name")"; else echo "$name: stopped"; fi
  done
  if running primary; then
    sql primary "SELECT 'replica: ' || application_name || ' ' || state || ', replay lag ' || coalesce(replay_lag::text, '0') FROM pg_stat_replication"
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  destroy) down; rm -rf "$BASE" ;;
  env) print_env ;;
  status) status ;;
  psql) shift; name=${1:?primary, replica or target}; shift; exec "$BIN/psql" -h "$HOST" -p "$(port_of "$name")" -U postgres "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
