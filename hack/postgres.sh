#!/usr/bin/env bash
# The local PostgreSQL topology Dovetail's tests, demo and benchmarks run against (DESIGN.md §6):
#   primary  wal_level=logical                          port $DOVETAIL_PG_PRIMARY_PORT (55432)
#   replica  streaming hot standby of the primary       port $DOVETAIL_PG_REPLICA_PORT (55433)
#   target   a separate server (cutover destination)    port $DOVETAIL_PG_TARGET_PORT  (55434)
# Uses this machine's PostgreSQL binaries (pg_config --bindir); servers run as the postgres user.
# Idempotent: `up` starts what is stopped, creates what is missing and leaves running servers alone.
set -Eeuo pipefail

BASE=$(realpath -m -- "${DOVETAIL_PG_BASE:-/tmp/dovetail-pg}")
PRIMARY_PORT=${DOVETAIL_PG_PRIMARY_PORT:-55432}
REPLICA_PORT=${DOVETAIL_PG_REPLICA_PORT:-55433}
TARGET_PORT=${DOVETAIL_PG_TARGET_PORT:-55434}
TIMEOUT=${DOVETAIL_PG_TIMEOUT:-30}
HOST=127.0.0.1
SLOT=dovetail_replica
BIN=

usage() {
  cat <<USAGE
usage: hack/postgres.sh COMMAND
  up                 start (creating if needed) primary, replica and target; prints the env lines
  down [--purge]     stop all three, keep their data (--purge: same as destroy)
  destroy            stop all three and delete their data under ${BASE}
  env                print export lines: DOVETAIL_PG_PRIMARY, DOVETAIL_PG_REPLICA, DOVETAIL_PG_TARGET
  status             show which servers run and the replica's replication state
  psql primary|replica|target [psql args]   run psql against one of the servers
Environment: DOVETAIL_PG_BASE, DOVETAIL_PG_{PRIMARY,REPLICA,TARGET}_PORT, DOVETAIL_PG_TIMEOUT (s)
USAGE
}

die() { echo "postgres.sh: $*" >&2; exit 1; }
note() { echo "postgres.sh: $*" >&2; }
trap 'note "failed at line ${LINENO}: ${BASH_COMMAND}"' ERR

# pg_config may come from a newer libpq-dev than the installed server, so insist on a bindir with initdb.
find_bin() {
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    if [[ -x ${dir}/initdb ]]; then BIN=${dir}; return 0; fi
  done
  die "no PostgreSQL server binaries found (install postgresql-15)"
}

# The servers refuse to run as root, so everything touching a data directory runs as postgres.
as_pg() {
  if [[ ${EUID} -ne 0 ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

port_of() {
  case $1 in
    primary) echo "${PRIMARY_PORT}" ;; replica) echo "${REPLICA_PORT}" ;; target) echo "${TARGET_PORT}" ;;
    *) die "unknown server '$1' (primary, replica or target)" ;;
  esac
}
uri_of() { echo "postgresql://postgres@${HOST}:$(port_of "$1")/postgres"; }
sql() { "${BIN}/psql" -X -q -At -v ON_ERROR_STOP=1 -h "${HOST}" -p "$(port_of "$1")" -U postgres -d postgres -c "$2"; }
running() { [[ -f ${BASE}/$1/PG_VERSION ]] && as_pg "${BIN}/pg_ctl" -D "${BASE}/$1" status >/dev/null 2>&1; }
ready() { "${BIN}/pg_isready" -q -h "${HOST}" -p "$(port_of "$1")"; }
# Anything accepting TCP on the port (PostgreSQL or not); bash's /dev/tcp needs no extra tool.
port_busy() { timeout 2 bash -c ": <>/dev/tcp/${HOST}/$1" 2>/dev/null; }
sysid() { as_pg "${BIN}/pg_controldata" -D "${BASE}/$1" | awk -F': *' '/system identifier/ {print $2}'; }

# wait_for WHAT COMMAND...: poll until COMMAND succeeds, or fail after TIMEOUT seconds.
wait_for() {
  local what=$1 deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || die "timed out after ${TIMEOUT}s waiting for ${what}"
    sleep 0.2
  done
}

# Settings live in dovetail.conf, rewritten before every start, so edits here reach existing servers.
# The three share the limits a hot standby must not go below (max_connections, max_worker_processes, ...).
write_conf() {
  local name=$1 dir=${BASE}/$1
  as_pg tee "${dir}/dovetail.conf" >/dev/null <<CONF
port = $(port_of "${name}")
listen_addresses = '${HOST}'
unix_socket_directories = '${BASE}'
cluster_name = 'dovetail_${name}'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_logical_replication_workers = 8
max_worker_processes = 16
max_connections = 200
shared_buffers = '256MB'
hot_standby = on
hot_standby_feedback = $([[ ${name} == replica ]] && echo on || echo off)
wal_keep_size = '1GB'
track_commit_timestamp = on
logging_collector = off
# Throwaway test servers: speed matters more than crash safety.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  grep -qx "include 'dovetail.conf'" "${dir}/postgresql.conf" ||
    echo "include 'dovetail.conf'" | as_pg tee -a "${dir}/postgresql.conf" >/dev/null
  as_pg tee "${dir}/pg_hba.conf" >/dev/null <<HBA
local all         all                trust
host  all         all  127.0.0.1/32  trust
host  replication all  127.0.0.1/32  trust
HBA
}

start() {
  local name=$1 port
  port=$(port_of "${name}")
  # Something else on our port would make the tests talk to the wrong server.
  if port_busy "${port}"; then
    die "port ${port} is taken by something that is not ${BASE}/${name}; stop it or set DOVETAIL_PG_${name^^}_PORT"
  fi
  write_conf "${name}"
  # 9<&-: the server must not inherit the lock fd of prepare(), or it would hold the lock forever.
  as_pg "${BIN}/pg_ctl" -D "${BASE}/${name}" -l "${BASE}/${name}.log" -w -t "${TIMEOUT}" start >/dev/null 9<&- ||
    { tail -n 20 "${BASE}/${name}.log" >&2 || true; die "${name} did not start; log: ${BASE}/${name}.log"; }
  note "started ${name} on port ${port}"
}

# A running server must be ours and answer; pg_ctl status alone trusts a possibly stale pid file.
check_ours() {
  local name=$1
  wait_for "${name} to accept connections on port $(port_of "${name}")" ready "${name}"
  [[ $(sql "${name}" "SHOW data_directory") == "${BASE}/${name}" ]] ||
    die "port $(port_of "${name}") is answered by a server that is not ${BASE}/${name}"
}

ensure_server() {
  local name=$1
  if ! running "${name}"; then
    if [[ ! -f ${BASE}/${name}/PG_VERSION ]]; then
      as_pg rm -rf "${BASE:?}/${name}" # a half-made directory from an interrupted run
      as_pg "${BIN}/initdb" -D "${BASE}/${name}" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
      # A fresh primary means any replica on disk belongs to the old one.
      [[ ${name} != primary ]] || as_pg rm -rf "${BASE:?}/replica"
    fi
    start "${name}"
  fi
  check_ours "${name}"
}

replica_streaming() {
  [[ $(sql primary "SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s
        ON s.active_pid = r.pid WHERE s.slot_name = '${SLOT}' AND r.state = 'streaming'") == 1 ]]
}

ensure_replica() {
  local dir=${BASE}/replica
  # The physical slot keeps the WAL the replica still needs, even while its replay is paused.
  sql primary "SELECT pg_create_physical_replication_slot('${SLOT}', true)
    WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '${SLOT}')" >/dev/null
  if ! running replica; then
    # A replica cloned from another primary, or promoted, can never stream again: clone it afresh.
    if [[ -f ${dir}/PG_VERSION ]] && { [[ ! -f ${dir}/standby.signal ]] || [[ $(sysid replica) != "$(sysid primary)" ]]; }; then
      note "replica does not follow this primary; cloning it again"
      as_pg rm -rf "${dir}"
    fi
    if [[ ! -f ${dir}/PG_VERSION ]]; then
      as_pg rm -rf "${dir}"
      as_pg "${BIN}/pg_basebackup" -D "${dir}" -h "${HOST}" -p "${PRIMARY_PORT}" -U postgres \
        -R -X stream -S "${SLOT}" -c fast --no-sync
    fi
    start replica
  fi
  check_ours replica
  [[ $(sql replica "SELECT pg_is_in_recovery()") == t ]] ||
    die "the replica on port ${REPLICA_PORT} was promoted; run 'hack/postgres.sh down' and remove ${dir}"
  # Tests pause replay to inject lag; `up` always hands back a healthy replica.
  if [[ $(sql replica "SELECT pg_is_wal_replay_paused()") == t ]]; then
    sql replica "SELECT pg_wal_replay_resume()" >/dev/null
    note "resumed WAL replay on the replica"
  fi
  wait_for "the replica to stream from the primary (log: ${BASE}/replica.log)" replica_streaming
}

print_env() {
  echo "export DOVETAIL_PG_PRIMARY=$(uri_of primary)"
  echo "export DOVETAIL_PG_REPLICA=$(uri_of replica)"
  echo "export DOVETAIL_PG_TARGET=$(uri_of target)"
}

# Serialise concurrent invocations (e.g. parallel make targets) on a lock of the base directory.
prepare() {
  find_bin
  [[ ${EUID} -eq 0 || $(id -un) == postgres ]] || die "run as root or as the postgres user"
  cd /  # the postgres user may not be able to read the caller's working directory
  umask 022  # parents made by mkdir -p must stay traversable for postgres
  if [[ ! -d ${BASE} ]]; then
    mkdir -p "${BASE}"
    [[ ${EUID} -ne 0 ]] || chown postgres:postgres "${BASE}"  # only a directory we made
  fi
  as_pg test -w "${BASE}" -a -x "${BASE}" ||
    die "the postgres user cannot write ${BASE} (a closed parent such as /root?); set DOVETAIL_PG_BASE"
  exec 9<"${BASE}"
  flock 9
}

up() {
  local t0=${SECONDS}
  prepare
  ensure_server primary
  ensure_replica
  ensure_server target
  note "up in $((SECONDS - t0))s: primary :${PRIMARY_PORT}, replica :${REPLICA_PORT} (streaming), target :${TARGET_PORT}; data and logs in ${BASE}"
  print_env
}

down() {
  local name
  prepare
  for name in replica target primary; do
    if running "${name}"; then
      as_pg "${BIN}/pg_ctl" -D "${BASE}/${name}" -m fast -w -t "${TIMEOUT}" stop >/dev/null
      note "stopped ${name}"
    fi
  done
}

# Deletes only what this script creates, so a mistaken DOVETAIL_PG_BASE cannot wipe a directory.
destroy() {
  down
  rm -rf "${BASE:?}"/{primary,replica,target} "${BASE:?}"/{primary,replica,target}.log
  rmdir "${BASE}" 2>/dev/null || note "kept ${BASE}: it holds files this script did not create"
}

status() {
  local name
  find_bin
  cd /
  for name in primary replica target; do
    if running "${name}" && ready "${name}"; then
      echo "${name}: running, port $(port_of "${name}"), ${BASE}/${name}"
    elif [[ -f ${BASE}/${name}/PG_VERSION ]]; then
      echo "${name}: stopped (${BASE}/${name})"
    else
      echo "${name}: not created"
    fi
  done
  if running replica && ready replica; then
    echo "replica: in recovery $(sql replica "SELECT pg_is_in_recovery()"), replay paused $(sql replica "SELECT pg_is_wal_replay_paused()")"
  fi
  if running primary && ready primary; then
    sql primary "SELECT 'replication: ' || coalesce(string_agg(r.application_name || ' ' || r.state
        || ', replay lag ' || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)), '; '), 'no replica connected')
      FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = '${SLOT}'"
  fi
}

case ${1:-} in
  up) up ;;
  down) if [[ ${2:-} == --purge ]]; then destroy; else down; fi ;;
  destroy) destroy ;;
  env) print_env ;;
  status) status ;;
  psql)
    [[ $# -ge 2 ]] || { usage >&2; exit 2; }
    find_bin
    port=$(port_of "$2")
    shift 2
    exec "${BIN}/psql" -h "${HOST}" -p "${port}" -U postgres "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
