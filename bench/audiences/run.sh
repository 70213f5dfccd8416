#!/usr/bin/env bash
# Kizuna audience benchmark (issue 4 §6): builds the jar if needed, starts Kizuna on a scratch
# database (Flyway creates the schema), creates a workspace and a read key, fills the workspace
# set-based with generate.sql, then times Kizuna's POST /v1/conditions/preview against hand-written
# SQL for five conditions (AudienceBench.java) and prints the table. Finally it restarts Kizuna on
# the same database with auto_explain enabled for that database only and prints EXPLAIN (ANALYZE,
# BUFFERS) of the SQL Kizuna really compiled and ran for each preview (there is no endpoint that
# exposes the compiled SQL; auto_explain reads it from PostgreSQL's own log).
#
#   bench/audiences/run.sh                      # default: 200,000 profiles (~4M events), a quick run
#   bench/audiences/run.sh --profiles=1000000   # the issue's size: 1M profiles, ~20M events
#   bench/audiences/run.sh --profiles=100000 --runs=5
#
# Environment (optional):
#   KIZUNA_BENCH_PORT   HTTP port (default 18091)
#   KIZUNA_BENCH_DB     scratch database, dropped and recreated (default kizuna_bench_audience;
#                       bench/lib/kizuna.sh only drops databases named kizuna_bench*)
#   NO_EXPLAIN=1        skip the auto_explain pass (needs read access to PostgreSQL's log file,
#                       found with pg_current_logfile() or /var/log/postgresql/postgresql-*-main.log)
#   KIZUNA_REBUILD=1    rebuild the jar first
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/kizuna.sh
source "$REPO/bench/lib/kizuna.sh"

PROFILES=200000
RUNS=5
for arg in "$@"; do
  case "$arg" in
    --profiles=*) PROFILES="${arg#*=}" ;;
    --runs=*) RUNS="${arg#*=}" ;;
    *) log "unknown argument $arg (use --profiles=N, --runs=N)"; exit 1 ;;
  esac
done

PORT="${KIZUNA_BENCH_PORT:-18091}"
DB="${KIZUNA_BENCH_DB:-kizuna_bench_audience}"
TOKEN="bench-audience-token-$$"
BASE="http://127.0.0.1:$PORT"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results"
REPORT="$OUT/audiences-$STAMP.txt"
mkdir -p "$OUT"
trap 'stop_kizuna' EXIT

build_jar_if_missing || exit 1
PGJAR=$(ls "$REPO"/target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar 2>/dev/null | head -n1)
if [[ -z "$PGJAR" ]]; then
  PGJAR=$(ls -v "$HOME"/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null | grep -v sources | tail -n1)
fi
[[ -n "$PGJAR" ]] || { log "no PostgreSQL JDBC jar found (build the app first)"; exit 1; }

start_kizuna "$DB" "$PORT" "$TOKEN" "$OUT/kizuna-$STAMP.log" || exit 1
WS=$(create_workspace "$BASE" "$TOKEN" "Audience bench") || exit 1
KEY=$(create_key "$BASE" "$TOKEN" "$WS" read) || exit 1
SEGMENT=$(cat /proc/sys/kernel/random/uuid)

log "generating $PROFILES profiles (~$((PROFILES * 20)) events) into workspace $WS"
GEN_START=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v ws="$WS" -v n="$PROFILES" -v segment="$SEGMENT" \
  -f "$HERE/generate.sql" 2>&1 | grep -v 'NOTICE' >&2
[[ ${PIPESTATUS[0]} -eq 0 ]] || { log "generate.sql failed"; exit 1; }
log "generated in $((SECONDS - GEN_START)) s"

{
  echo "profiles parameter: $PROFILES; database $DB; generated in $((SECONDS - GEN_START)) s"
  java -cp "$PGJAR" "$HERE/AudienceBench.java" --url="$BASE" --key="$KEY" --workspace-id="$WS" --segment-id="$SEGMENT" \
    --jdbc="jdbc:postgresql://$PGHOST:$PGPORT/$DB?user=$PGUSER&options=-c%20jit=off" --runs="$RUNS"
} 2>&1 | tee "$REPORT"
RC=${PIPESTATUS[0]}
stop_kizuna

if [[ "${NO_EXPLAIN:-0}" != "1" ]]; then
  PGLOG=$(psql -X -Atc "SELECT current_setting('data_directory') || '/' || pg_current_logfile()" 2>/dev/null)
  [[ -r "$PGLOG" ]] || PGLOG=$(ls -t /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -n1)
  if [[ -z "$PGLOG" || ! -r "$PGLOG" ]]; then
    log "PostgreSQL's log is not readable here: no EXPLAIN of Kizuna's compiled SQL (the report has the hand-written plans)"
  else
    # auto_explain for this scratch database only, then a second Kizuna on it (no drop: started directly).
    psql -X -q -d "$DB" -c "ALTER DATABASE $DB SET session_preload_libraries = 'auto_explain'" \
      -c "ALTER DATABASE $DB SET auto_explain.log_min_duration = 0" -c "ALTER DATABASE $DB SET auto_explain.log_analyze = on" \
      -c "ALTER DATABASE $DB SET auto_explain.log_buffers = on" || exit 1
    KIZUNA_DB_HOST=127.0.0.1 KIZUNA_DB_NAME="$DB" KIZUNA_DB_CREATE=false KIZUNA_ADMIN_TOKEN="$TOKEN" KIZUNA_HTTP_PORT="$PORT" \
      KIZUNA_LOG_JSON=false java -jar "$REPO/target/quarkus-app/quarkus-run.jar" >>"$OUT/kizuna-$STAMP.log" 2>&1 &
    KIZUNA_PID=$!
    until curl -sf -o /dev/null "$BASE/q/health/ready"; do kill -0 "$KIZUNA_PID" 2>/dev/null || { log "Kizuna did not restart"; exit 1; }; sleep 0.5; done
    OFFSET=$(stat -c %s "$PGLOG")
    MONTH=$(TZ=Asia/Tokyo date +%m)
    for cond in \
      '{"all": [{"trait": {"path": "gender", "op": "equals", "value": "female"}}, {"trait": {"path": "address.city", "op": "equals", "value": "東京"}}]}' \
      '{"all": [{"tag": "vip"}, {"trait": {"path": "memberRank", "op": "equals", "value": "gold"}}]}' \
      '{"all": [{"event": {"name": "Product Added", "window": {"withinLast": {"amount": 7, "unit": "days"}}}}, {"event": {"name": "Order Completed", "count": "never", "window": {"since": "Product Added"}}}]}' \
      '{"anniversary": {"trait": "birthday", "when": "this_month"}}' \
      "{\"all\": [{\"segment\": \"$SEGMENT\"}, {\"computed\": {\"field\": \"lifetime_revenue\", \"op\": \"gt\", \"value\": 50000}}]}"; do
      curl -sS -o /dev/null -X POST "$BASE/v1/conditions/preview" -H "Authorization: Bearer $KEY" \
        -H 'Content-Type: application/json' -d "{\"limit\": 20, \"conditions\": $cond}"
    done
    sleep 1
    stop_kizuna
    psql -X -q -d "$DB" -c "ALTER DATABASE $DB RESET ALL"
    {
      echo
      echo "==== EXPLAIN (ANALYZE, BUFFERS) of the SQL Kizuna compiled and ran, from auto_explain (one preview per case, a-e in order;"
      echo "     not timed: auto_explain instruments them; each preview runs its count and first page in parallel; birthday month $MONTH)"
      # Keep only the blocks of this database's statements that read profiles p (the compiled conditions).
      tail -c +"$((OFFSET + 1))" "$PGLOG" | awk -v db="@$DB " '
        function flush() { if (block != "" && index(block, "FROM profiles p") > 0) printf "%s\n", block; block = "" }
        /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { flush(); keep = (index($0, db) > 0 && index($0, "plan:") > 0) }
        keep { block = (block == "" ? $0 : block "\n" $0) }
        END { flush() }'
    } | tee -a "$REPORT"
  fi
fi
log "report: $REPORT"
if grep -qE '^[0-9TZ:. -]*(ERROR|WARN)' "$OUT/kizuna-$STAMP.log"; then
  log "Kizuna logged warnings or errors: grep -E 'ERROR|WARN' $OUT/kizuna-$STAMP.log | head"
fi
exit "$RC"
