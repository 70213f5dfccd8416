# Shared helpers for the bench scripts: build the jar, run Kizuna on a scratch database and
# port, create a workspace and keys through the operator API, stop Kizuna.
# Source it from bash; it defines functions only.
#
# Variables read (with defaults):
#   REPO            repository root (set by the caller)
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
#   KIZUNA_JAVA_OPTS  extra JVM options for Kizuna (e.g. -XX:StartFlightRecording=...)
#   KIZUNA_RFM_DELAY=24h  the hourly RFM recompute first runs this long after start, so it does not
#                   land inside a timed phase (it is not ingestion work)
#   KIZUNA_BENCH_CLUSTER=tuned  run on a throw-away PostgreSQL cluster with the usual production
#                   settings (shared_buffers 25 % of RAM, larger WAL, lz4 WAL compression) instead of
#                   the machine's server; see start_bench_cluster

: "${PGHOST:=127.0.0.1}"
: "${PGPORT:=5432}"
: "${PGUSER:=postgres}"
export PGHOST PGPORT PGUSER

KIZUNA_PID=""
BENCH_CLUSTER_DIR=""

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

build_jar_if_missing() {
  if [[ ! -f "$REPO/target/quarkus-app/quarkus-run.jar" || "${KIZUNA_REBUILD:-0}" == "1" ]]; then
    log "building Kizuna (./mvnw -B -q package -DskipTests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) || { log "build failed"; return 1; }
  fi
}

# start_kizuna <db> <port> <operator-token> <logfile>
# Drops and recreates <db> (a scratch database; never a shared one), starts the jar in the
# background and waits (at most 180 s) until /q/health/ready answers UP.
start_kizuna() {
  local db="$1" port="$2" token="$3" logfile="$4"
  case "$db" in
    kizuna_bench*) ;;
    *) log "refusing to drop database '$db': scratch databases must be named kizuna_bench*"; return 1 ;;
  esac
  if curl -s -o /dev/null "http://127.0.0.1:$port/q/health/live"; then
    log "port $port is already in use; choose another with KIZUNA_BENCH_PORT"; return 1
  fi
  dropdb --if-exists "$db" >/dev/null
  createdb "$db"
  log "starting Kizuna on 127.0.0.1:$port, database $db (log: $logfile)"
  # shellcheck disable=SC2086
  KIZUNA_DB_HOST="$PGHOST" KIZUNA_DB_PORT="$PGPORT" KIZUNA_DB_NAME="$db" KIZUNA_DB_CREATE=true KIZUNA_ADMIN_TOKEN="$token" \
    KIZUNA_RFM_DELAY="${KIZUNA_RFM_DELAY:-24h}" KIZUNA_HTTP_PORT="$port" KIZUNA_LOG_JSON=false KIZUNA_LOG_LEVEL="${KIZUNA_LOG_LEVEL:-INFO}" \
    java ${KIZUNA_JAVA_OPTS:-} -jar "$REPO/target/quarkus-app/quarkus-run.jar" >"$logfile" 2>&1 &
  KIZUNA_PID=$!
  local deadline=$((SECONDS + 180))
  until curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
    if ! kill -0 "$KIZUNA_PID" 2>/dev/null; then
      log "Kizuna exited during start; last log lines:"; tail -n 30 "$logfile" >&2; KIZUNA_PID=""; return 1
    fi
    if (( SECONDS > deadline )); then log "Kizuna not ready after 180 s"; stop_kizuna; return 1; fi
    sleep 0.5
  done
  log "Kizuna is up (pid $KIZUNA_PID)"
}

stop_kizuna() {
  [[ -n "$KIZUNA_PID" ]] || return 0
  if kill -0 "$KIZUNA_PID" 2>/dev/null; then
    log "stopping Kizuna (pid $KIZUNA_PID)"
    kill -TERM "$KIZUNA_PID" 2>/dev/null
    local i
    for i in $(seq 1 60); do kill -0 "$KIZUNA_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$KIZUNA_PID" 2>/dev/null && kill -KILL "$KIZUNA_PID" 2>/dev/null
  fi
  wait "$KIZUNA_PID" 2>/dev/null
  KIZUNA_PID=""
}

# create_workspace <base-url> <operator-token> <name> -> prints the workspace id
create_workspace() {
  local base="$1" token="$2" name="$3" body
  body=$(curl -sS -X POST "$base/v1/admin/workspaces" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"name\": \"$name\", \"timeZone\": \"Asia/Tokyo\"}")
  jq -er '.id' <<<"$body" || { log "could not create a workspace: $body"; return 1; }
}

# create_key <base-url> <operator-token> <workspace-id> <scope> -> prints the key secret
create_key() {
  local base="$1" token="$2" ws="$3" scope="$4" body
  body=$(curl -sS -X POST "$base/v1/admin/workspaces/$ws/keys" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"name\": \"bench $scope\", \"scopes\": [\"$scope\"]}")
  jq -er '.key' <<<"$body" || { log "could not create a $scope key: $body"; return 1; }
}

# create_audiences BASE ADMIN_KEY FILE: creates the rule tags, then the segments, of FILE
# ({"tags": [{name, conditions}], "segments": [...]}). "@segment:<name>" anywhere in a segment's
# conditions becomes the id of the segment of that name created before it.
create_audiences() {
  local base="$1" key="$2" file="$3" ids='{}' body answer id name
  while IFS= read -r body; do
    answer=$(curl -sS -X POST "$base/v1/tags" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body")
    jq -e '.name' >/dev/null <<<"$answer" || { log "could not create tag $body: $answer"; return 1; }
  done < <(jq -c '.tags[]' "$file")
  while IFS= read -r body; do
    body=$(jq -c --argjson ids "$ids" 'walk(if type == "string" and startswith("@segment:") then $ids[ltrimstr("@segment:")] else . end)' <<<"$body")
    answer=$(curl -sS -X POST "$base/v1/segments" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body")
    id=$(jq -er '.id' <<<"$answer") || { log "could not create segment $body: $answer"; return 1; }
    name=$(jq -r '.name' <<<"$body")
    ids=$(jq -c --arg name "$name" --arg id "$id" '. + {($name): $id}' <<<"$ids")
  done < <(jq -c '.segments[]' "$file")
  log "created $(jq '.tags | length' "$file") rule tags and $(jq '.segments | length' "$file") segments"
}

# start_bench_cluster: with KIZUNA_BENCH_CLUSTER=tuned, creates a throw-away PostgreSQL cluster
# in a temporary directory and points PGHOST/PGPORT at it (port KIZUNA_BENCH_PG_PORT, default
# 15433). Its settings are the ones a DBA applies to any production server: shared_buffers 25 %
# of RAM, effective_cache_size 75 %, max_wal_size 8 GB with 15-minute checkpoints, lz4 WAL
# compression, autovacuum on. Durability is unchanged (fsync and synchronous_commit on). Kizuna
# and the baseline both run on it, so their ratio stays a like-for-like comparison.
# KIZUNA_BENCH_PG_CONF adds postgresql.conf lines after these (later lines win), for example
# $'shared_buffers = 128MB\nmax_wal_size = 1GB' to reproduce a smaller server with
# pg_stat_statements figures. Without KIZUNA_BENCH_CLUSTER it does nothing and the machine's
# server is used as it is.
start_bench_cluster() {
  [[ "${KIZUNA_BENCH_CLUSTER:-machine}" == "tuned" ]] || return 0
  local bin mem_kb port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -x "$bin/initdb" ]] || { log "no PostgreSQL server binaries under /usr/lib/postgresql"; return 1; }
  mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
  port="${KIZUNA_BENCH_PG_PORT:-15433}"
  BENCH_CLUSTER_DIR=$(mktemp -d /tmp/kizuna-bench-pg.XXXXXX)
  local as=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$BENCH_CLUSTER_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$BENCH_CLUSTER_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
    || { log "initdb failed"; return 1; }
  cat >>"$BENCH_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$BENCH_CLUSTER_DIR'
max_connections = 100
shared_buffers = $((mem_kb / 4 / 1024))MB
effective_cache_size = $((mem_kb * 3 / 4 / 1024))MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
wal_compression = lz4
shared_preload_libraries = 'pg_stat_statements'
${KIZUNA_BENCH_PG_CONF:-}
CONF
  "${as[@]}" "$bin/pg_ctl" -D "$BENCH_CLUSTER_DIR/data" -l "$BENCH_CLUSTER_DIR/server.log" -w start >/dev/null \
    || { log "the throw-away cluster did not start: $(tail -n 5 "$BENCH_CLUSTER_DIR/server.log")"; return 1; }
  export PGHOST=127.0.0.1 PGPORT="$port"
  psql -q -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
  log "throw-away cluster on 127.0.0.1:$port: $(psql -d postgres -Atc "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
      FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'autovacuum', 'effective_cache_size')")"
}

# Immediate shutdown: the cluster is deleted right after, so a shutdown checkpoint of gigabytes of
# dirty buffers would be wasted time (and can outlast pg_ctl's wait).
stop_bench_cluster() {
  [[ -n "$BENCH_CLUSTER_DIR" ]] || return 0
  local bin as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/pg_ctl" -D "$BENCH_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$BENCH_CLUSTER_DIR"
  BENCH_CLUSTER_DIR=""
}
