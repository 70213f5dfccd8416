# Shared helpers for the bench scripts: build the jar, run Kizuna on a scratch database and
# port, create a workspace and keys through the operator API, stop Kizuna.
# Source it from bash; it defines functions only.
#
# Variables read (with defaults):
#   REPO            repository root (set by the caller)
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
#   KIZUNA_JAVA_OPTS  extra JVM options for Kizuna (e.g. -XX:StartFlightRecording=...)

: "${PGHOST:=127.0.0.1}"
: "${PGPORT:=5432}"
: "${PGUSER:=postgres}"
export PGHOST PGPORT PGUSER

KIZUNA_PID=""

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
  KIZUNA_DB_HOST=127.0.0.1 KIZUNA_DB_NAME="$db" KIZUNA_DB_CREATE=true KIZUNA_ADMIN_TOKEN="$token" \
    KIZUNA_HTTP_PORT="$port" KIZUNA_LOG_JSON=false KIZUNA_LOG_LEVEL="${KIZUNA_LOG_LEVEL:-INFO}" \
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
