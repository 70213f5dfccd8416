#!/usr/bin/env bash
# RFM recompute benchmark: how long POST /v1/rfm/recompute takes over a large workspace, and how
# long a single-profile write (what an ingest batch does to a customer) waits while it runs. It
# fills a scratch workspace with bench/audiences/generate.sql, then, on the same data:
#   1. Kizuna's recompute (thresholds without locks, then pages of customers whose scores move);
#   2. the same recompute again, when nothing moved;
#   3. for comparison, the single-statement UPDATE Kizuna ran before (kept below as BEFORE_SQL),
#      which locks every customer of the workspace in one transaction.
# Scores are cleared before 1 and 3. While each runs, a prober updates one random customer's row
# at a time through psql and records how long each write took; it prints the count, p50 and max.
#
#   bench/rfm/run.sh [--profiles=200000]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/kizuna.sh
source "$REPO/bench/lib/kizuna.sh"

PROFILES=200000
for arg in "$@"; do
  case "$arg" in
    --profiles=*) PROFILES="${arg#*=}" ;;
    *) log "unknown argument $arg (use --profiles=N)"; exit 1 ;;
  esac
done

PORT="${KIZUNA_BENCH_PORT:-18093}"
DB="${KIZUNA_BENCH_DB:-kizuna_bench_rfm}"
TOKEN="bench-rfm-token-$$"
BASE="http://127.0.0.1:$PORT"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results"
mkdir -p "$OUT"
trap 'stop_kizuna' EXIT

BEFORE_SQL="
BEGIN;
UPDATE profiles p SET rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m
  FROM (SELECT id,
               greatest(1, ceil(cume_dist() OVER (ORDER BY last_order_at) * 5))::smallint AS r,
               greatest(1, ceil(cume_dist() OVER (ORDER BY order_count) * 5))::smallint AS f,
               greatest(1, ceil(cume_dist() OVER (ORDER BY lifetime_revenue) * 5))::smallint AS m
          FROM profiles WHERE workspace_id = :'ws' AND order_count > 0) s
 WHERE p.workspace_id = :'ws' AND p.id = s.id
   AND (p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM (s.r, s.f, s.m);
UPDATE profiles SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL
 WHERE workspace_id = :'ws' AND order_count = 0 AND rfm_recency IS NOT NULL;
COMMIT;"

build_jar_if_missing || exit 1
start_kizuna "$DB" "$PORT" "$TOKEN" "$OUT/kizuna-$STAMP.log" || exit 1
WS=$(create_workspace "$BASE" "$TOKEN" "RFM bench") || exit 1
KEY=$(create_key "$BASE" "$TOKEN" "$WS" admin) || exit 1

log "generating $PROFILES profiles into workspace $WS"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v ws="$WS" -v n="$PROFILES" -v segment="$(cat /proc/sys/kernel/random/uuid)" \
  -f "$REPO/bench/audiences/generate.sql" 2>&1 | grep -v 'NOTICE' >&2
[[ ${PIPESTATUS[0]} -eq 0 ]] || { log "generate.sql failed"; exit 1; }
psql -X -q -d "$DB" -c "CREATE TABLE rfm_probe AS SELECT row_number() OVER () AS n, id FROM (SELECT id FROM profiles WHERE workspace_id = '$WS' AND order_count > 0 ORDER BY random() LIMIT 1000) x"
CUSTOMERS=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM profiles WHERE workspace_id = '$WS' AND order_count > 0")

clear_scores() {
  psql -X -q -d "$DB" -c "UPDATE profiles SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL WHERE workspace_id = '$WS'" -c "VACUUM ANALYZE profiles" >/dev/null
}

# probe <pid> <file>: while <pid> runs, time one-row updates of random customers (ms, one a line).
probe() {
  local pid="$1" file="$2" start end
  : >"$file"
  while kill -0 "$pid" 2>/dev/null; do
    start=$(date +%s%N)
    psql -X -q -d "$DB" -c "UPDATE profiles SET updated_at = updated_at WHERE workspace_id = '$WS' AND id = (SELECT id FROM rfm_probe WHERE n = $((1 + RANDOM % 1000)))" >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 )) >>"$file"
  done
}

report() {
  local name="$1" seconds="$2" file="$3"
  sort -n "$file" | awk -v name="$name" -v s="$seconds" '{ v[NR] = $1 } END {
    p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
    printf "%-40s %8.1f s   concurrent one-row writes: %d, p50 %d ms, p99 %d ms, max %d ms\n", name, s, NR, v[int((NR + 1) / 2)], v[p99], v[NR] }'
}

timed() {  # timed <name> <command...>: runs the command in the background with the prober
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" &
  local pid=$!
  probe "$pid" "$OUT/probe-$STAMP.txt"
  wait "$pid"
  t1=$(date +%s%N)
  report "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" "$OUT/probe-$STAMP.txt"
}

recompute() {
  curl -sS -X POST "$BASE/v1/rfm/recompute" -H "Authorization: Bearer $KEY" >"$OUT/recompute-$STAMP.json"
}

before() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v ws="$WS" <<<"$BEFORE_SQL" >/dev/null
}

{
  echo "== RFM recompute: $PROFILES profiles, $CUSTOMERS customers with orders (workspace $WS) =="
  clear_scores
  timed "Kizuna, every score new" recompute
  echo "   answer: $(cat "$OUT/recompute-$STAMP.json")"
  timed "Kizuna, nothing moved" recompute
  psql -X -q -d "$DB" -c "CREATE TABLE rfm_kizuna AS SELECT id, rfm_recency AS r, rfm_frequency AS f, rfm_monetary AS m FROM profiles WHERE workspace_id = '$WS'"
  clear_scores
  timed "before: one UPDATE of the workspace" before
  DIFFERENT=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM profiles p JOIN rfm_kizuna k USING (id) WHERE p.workspace_id = '$WS' AND (p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM (k.r, k.f, k.m)")
  echo "   customers scored differently by the two: $DIFFERENT (the old UPDATE's float cume_dist() * 5 can land a hair above a whole number)"
} | tee "$OUT/rfm-$STAMP.txt"
