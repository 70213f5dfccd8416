#!/usr/bin/env bash
# Kizuna ingestion benchmark: builds the jar if needed, starts Kizuna on a scratch database and
# port, creates the workspaces and ingest keys, runs IngestBench.java (baseline raw INSERT,
# Kizuna /v1/batch with resent messages, duplicate check, /v1/track latency), stops Kizuna.
#
#   bench/ingest/run.sh                         # default: 5,000 profiles (~500k events), 8 clients, batches of 250
#   bench/ingest/run.sh --profiles=100000       # the full size: 100k profiles, ~10M events (hours on 2 cores)
#   bench/ingest/run.sh --clients=4 --batch-size=500 --duplicate-rate=0.1 --latency-requests=20000 --latency-seconds=60
#   bench/ingest/run.sh --message-ids=uuid      # bare random UUIDs as messageIds instead of analytics.js's ajs-next-<ms>-<uuid>
#   KIZUNA_BENCH_AUDIENCES=1 bench/ingest/run.sh --profiles=20000 --audience-rounds=2   # without, with, then with, without
#
# Environment (optional):
#   KIZUNA_BENCH_PORT   HTTP port (default 18090)
#   KIZUNA_BENCH_DB     scratch database, dropped and recreated (default kizuna_bench)
#   KIZUNA_JFR=1        record a JFR profile of Kizuna (bench/ingest/results/kizuna-<time>.jfr)
#   KIZUNA_DB_POOL_SIZE Kizuna's reactive pool size (Kizuna's default 20)
#   KIZUNA_REBUILD=1    rebuild the jar first
#   KIZUNA_BENCH_CLUSTER=tuned  run on a throw-away cluster with production settings (bench/lib/kizuna.sh)
#   KIZUNA_BENCH_AUDIENCES=1    also stream the data set into a workspace with the 20 rule tags and 20 segments
#                       of bench/ingest/audiences.json active, and print its rate against Kizuna's without them
#   BENCH_HEAP          heap for the bench JVM (default 3g; with the full size the batches are streamed instead of held in memory)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/kizuna.sh
source "$REPO/bench/lib/kizuna.sh"

PORT="${KIZUNA_BENCH_PORT:-18090}"
DB="${KIZUNA_BENCH_DB:-kizuna_bench}"
TOKEN="bench-ingest-token-$$"
BASE="http://127.0.0.1:$PORT"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results"
mkdir -p "$OUT"
trap 'stop_kizuna; stop_bench_cluster' EXIT
trap 'exit 143' TERM INT

build_jar_if_missing || exit 1
start_bench_cluster || exit 1

PGJAR=$(ls "$REPO"/target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar 2>/dev/null | head -n1)
if [[ -z "$PGJAR" ]]; then
  PGJAR=$(ls -v "$HOME"/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null | grep -v sources | tail -n1)
fi
[[ -n "$PGJAR" ]] || { log "no PostgreSQL JDBC jar found (build the app first)"; exit 1; }

if [[ "${KIZUNA_JFR:-0}" == "1" ]]; then
  export KIZUNA_JAVA_OPTS="${KIZUNA_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$OUT/kizuna-$STAMP.jfr,settings=profile,dumponexit=true"
  log "JFR recording to $OUT/kizuna-$STAMP.jfr"
fi

start_kizuna "$DB" "$PORT" "$TOKEN" "$OUT/kizuna-$STAMP.log" || exit 1
WS=$(create_workspace "$BASE" "$TOKEN" "Ingest bench") || exit 1
KEY=$(create_key "$BASE" "$TOKEN" "$WS" ingest) || exit 1
WARM_WS=$(create_workspace "$BASE" "$TOKEN" "Ingest bench warm-up") || exit 1
WARM_KEY=$(create_key "$BASE" "$TOKEN" "$WARM_WS" ingest) || exit 1

AUDIENCE_ARGS=()
if [[ "${KIZUNA_BENCH_AUDIENCES:-0}" == "1" ]]; then
  AUD_WS=$(create_workspace "$BASE" "$TOKEN" "Ingest bench with audiences") || exit 1
  AUD_ADMIN=$(create_key "$BASE" "$TOKEN" "$AUD_WS" admin) || exit 1
  AUD_KEY=$(create_key "$BASE" "$TOKEN" "$AUD_WS" ingest) || exit 1
  create_audiences "$BASE" "$AUD_ADMIN" "$HERE/audiences.json" || exit 1
  AUD_WARM_WS=$(create_workspace "$BASE" "$TOKEN" "Ingest bench warm-up with audiences") || exit 1
  AUD_WARM_ADMIN=$(create_key "$BASE" "$TOKEN" "$AUD_WARM_WS" admin) || exit 1
  AUD_WARM_KEY=$(create_key "$BASE" "$TOKEN" "$AUD_WARM_WS" ingest) || exit 1
  create_audiences "$BASE" "$AUD_WARM_ADMIN" "$HERE/audiences.json" || exit 1
  AUDIENCE_ARGS=(--audience-write-key="$AUD_KEY" --audience-workspace-id="$AUD_WS" --audience-warmup-write-key="$AUD_WARM_KEY")
fi

log "running IngestBench (output also in $OUT/ingest-$STAMP.txt)"
java -Xmx"${BENCH_HEAP:-3g}" -cp "$PGJAR" "$HERE/IngestBench.java" \
  --url="$BASE" --write-key="$KEY" --workspace-id="$WS" --warmup-write-key="$WARM_KEY" \
  --jdbc="jdbc:postgresql://$PGHOST:$PGPORT/$DB?user=$PGUSER" --kizuna-pid="$KIZUNA_PID" "${AUDIENCE_ARGS[@]}" "$@" 2>&1 | tee "$OUT/ingest-$STAMP.txt"
RC=${PIPESTATUS[0]}
stop_kizuna
if grep -qE '^[0-9TZ:. -]*(ERROR|WARN)' "$OUT/kizuna-$STAMP.log"; then
  log "Kizuna logged warnings or errors: grep -E 'ERROR|WARN' $OUT/kizuna-$STAMP.log | head"
fi
exit "$RC"
