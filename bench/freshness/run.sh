#!/usr/bin/env bash
# Audience freshness benchmark (issue 4 §6): starts Kizuna on a scratch database, creates a
# workspace with the 20 rule tags and 20 segments of bench/ingest/audiences.json, then runs
# FreshnessBench.java: a steady stream of single events and two followed change logs, one for an
# event-driven membership ("Buyers") and one for a time-relative flip ("Cart idle 1 minute").
#
#   bench/freshness/run.sh                           # 5,000 customers, 200 events/s for 180 s
#   bench/freshness/run.sh --rate=200 --seconds=300 --customers=5000
#
# Environment (optional):
#   KIZUNA_BENCH_PORT      HTTP port (default 18092)
#   KIZUNA_BENCH_DB        scratch database, dropped and recreated (default kizuna_bench_fresh)
#   KIZUNA_AUDIENCE_SWEEP  how often Kizuna sweeps due time-relative flips (Kizuna's default 2s)
#   KIZUNA_REBUILD=1       rebuild the jar first
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/kizuna.sh
source "$REPO/bench/lib/kizuna.sh"

PORT="${KIZUNA_BENCH_PORT:-18092}"
DB="${KIZUNA_BENCH_DB:-kizuna_bench_fresh}"
TOKEN="bench-fresh-token-$$"
BASE="http://127.0.0.1:$PORT"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results"
mkdir -p "$OUT"
trap 'stop_kizuna' EXIT
trap 'exit 143' TERM INT

build_jar_if_missing || exit 1
start_kizuna "$DB" "$PORT" "$TOKEN" "$OUT/kizuna-$STAMP.log" || exit 1
WS=$(create_workspace "$BASE" "$TOKEN" "Freshness bench") || exit 1
ADMIN=$(create_key "$BASE" "$TOKEN" "$WS" admin) || exit 1
READ=$(create_key "$BASE" "$TOKEN" "$WS" read) || exit 1
WRITE=$(create_key "$BASE" "$TOKEN" "$WS" ingest) || exit 1
create_audiences "$BASE" "$ADMIN" "$REPO/bench/ingest/audiences.json" || exit 1

log "running FreshnessBench (output also in $OUT/freshness-$STAMP.txt)"
java -Xmx1g "$HERE/FreshnessBench.java" --url="$BASE" --write-key="$WRITE" --read-key="$READ" --admin-key="$ADMIN" "$@" 2>&1 \
  | tee "$OUT/freshness-$STAMP.txt"
RC=${PIPESTATUS[0]}
stop_kizuna
exit "$RC"
