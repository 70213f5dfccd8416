#!/usr/bin/env bash
# Segment SDK compatibility check: an unmodified @segment/analytics-node, pointed at Kizuna by
# its host only, sends identify/track/page/alias calls in flushed batches; then SQL checks that
# they landed exactly once and that the profile's computed traits are right.
#
#   bench/segment-sdk/run.sh
#
# Environment (all optional):
#   KIZUNA_BENCH_PORT   HTTP port for the scratch Kizuna (default 18091)
#   KIZUNA_BENCH_DB     scratch database, dropped and recreated (default kizuna_bench_sdk)
#   KIZUNA_REBUILD=1    rebuild the jar even when target/quarkus-app exists
#   KEEP_DB=1           keep the scratch database afterwards (default: keep; it is dropped on the next run)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/kizuna.sh
source "$REPO/bench/lib/kizuna.sh"

PORT="${KIZUNA_BENCH_PORT:-18091}"
DB="${KIZUNA_BENCH_DB:-kizuna_bench_sdk}"
TOKEN="bench-sdk-token-$$"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d /tmp/kizuna-sdk-check.XXXXXX)"
trap 'stop_kizuna' EXIT

fail() { echo "SEGMENT SDK CHECK: FAIL - $*"; exit 1; }

build_jar_if_missing || fail "could not build Kizuna"
start_kizuna "$DB" "$PORT" "$TOKEN" "$WORK/kizuna.log" || fail "Kizuna did not start"

WS=$(create_workspace "$BASE" "$TOKEN" "SDK check") || fail "no workspace"
WRITE_KEY=$(create_key "$BASE" "$TOKEN" "$WS" ingest) || fail "no ingest key"
READ_KEY=""
# Read the profile back through the REST API too, when this build has the profile API.
if curl -sf "$BASE/q/openapi?format=json" | jq -e '.paths["/v1/profiles/lookup"]' >/dev/null 2>&1; then
  READ_KEY=$(create_key "$BASE" "$TOKEN" "$WS" read) || fail "no read key"
  log "profile API present: the check also reads the profile back"
fi

cd "$HERE" || fail "no $HERE"
log "installing @segment/analytics-node"
(npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1 || npm install --no-audit --no-fund >>"$WORK/npm.log" 2>&1) \
  || { cat "$WORK/npm.log"; fail "npm install failed"; }

log "running check.mjs"
KIZUNA_URL="$BASE" KIZUNA_WRITE_KEY="$WRITE_KEY" KIZUNA_READ_CHECK="$READ_KEY" KIZUNA_CHECK_OUT="$WORK" \
  timeout 120 node check.mjs
SDK_RC=$?

[[ -f "$WORK/expected.json" ]] || fail "check.mjs wrote no expectations (rc $SDK_RC)"
USER_ID=$(jq -r .userId "$WORK/expected.json")
ANON_ID=$(jq -r .anonymousId "$WORK/expected.json")
EMAIL=$(jq -r .email "$WORK/expected.json")
ORDERS=$(jq -r .orderCount "$WORK/expected.json")
REVENUE=$(jq -r .lifetimeRevenue "$WORK/expected.json")

log "checking the database"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v ws="$WS" -v uid="$USER_ID" -v anon="$ANON_ID" -v email="$EMAIL" \
  -v orders="$ORDERS" -v revenue="$REVENUE" >"$WORK/sql.out" 2>&1 <<SQL
\pset format unaligned
\pset tuples_only on
CREATE TEMP TABLE sent (message_id text, type text, name text);
\copy sent FROM '$WORK/sent.tsv'
\echo '--- events by type and name (stored)'
SELECT type || ' ' || coalesce(name, '') || ': ' || count(*) FROM events WHERE workspace_id = :'ws' GROUP BY type, name ORDER BY 1;
-- Each check prints "ok <what>" or "bad <what> <detail>".
SELECT CASE WHEN a = b THEN 'ok' ELSE 'bad' END || ' events by type/name match what the SDK sent (' || b || ' groups)'
  FROM (SELECT count(*) AS a FROM (SELECT type, coalesce(name, '') AS name, count(*) FROM events WHERE workspace_id = :'ws' GROUP BY 1, 2
                                   INTERSECT SELECT type, name, count(*) FROM sent GROUP BY 1, 2) x) s,
       (SELECT count(*) AS b FROM (SELECT DISTINCT type, name FROM sent) y) t;
SELECT CASE WHEN count(*) = (SELECT count(*) FROM events WHERE workspace_id = :'ws') THEN 'ok' ELSE 'bad' END
       || ' every stored event is one the SDK sent (' || count(*) || ' sent)'
  FROM sent;
SELECT CASE WHEN bool_and(n = 1) THEN 'ok' ELSE 'bad' END || ' each SDK messageId stored exactly once in events'
       || coalesce(' ' || string_agg(CASE WHEN n <> 1 THEN message_id || '=' || n END, ', '), '')
  FROM (SELECT s.message_id, count(e.id) AS n FROM sent s LEFT JOIN events e ON e.workspace_id = :'ws' AND e.message_id = s.message_id GROUP BY 1) c;
SELECT CASE WHEN count(*) = (SELECT count(*) FROM sent) THEN 'ok' ELSE 'bad' END || ' each messageId claimed once in message_claims'
  FROM message_claims c JOIN sent s ON c.key = message_claim_key(:'ws'::uuid, s.message_id);
SELECT CASE WHEN count(*) = 1 THEN 'ok' ELSE 'bad' END || ' one profile in the workspace (found ' || count(*) || ')'
  FROM profiles WHERE workspace_id = :'ws';
SELECT CASE WHEN count(DISTINCT profile_id) = 1 THEN 'ok' ELSE 'bad' END || ' user_id, anonymous_id and email resolve to one profile'
  FROM identities WHERE workspace_id = :'ws'
   AND ((type = 'user_id' AND value = :'uid') OR (type = 'anonymous_id' AND value = :'anon') OR (type = 'email' AND value = :'email'));
SELECT CASE WHEN count(*) = 4 THEN 'ok' ELSE 'bad' END || ' identities user_id, anonymous_id, email, phone stored (' || string_agg(type || '=' || value, ', ') || ')'
  FROM identities WHERE workspace_id = :'ws';
SELECT CASE WHEN count(DISTINCT e.profile_id) = 1 AND min(e.profile_id::text) = min(i.profile_id::text) THEN 'ok' ELSE 'bad' END
       || ' all events belong to the user''s profile'
  FROM events e, identities i WHERE e.workspace_id = :'ws' AND i.workspace_id = :'ws' AND i.type = 'user_id' AND i.value = :'uid';
SELECT CASE WHEN p.order_count = :orders AND p.lifetime_revenue = :revenue THEN 'ok' ELSE 'bad' END
       || ' order_count=' || p.order_count || ' (expected ' || :orders || '), lifetime_revenue=' || p.lifetime_revenue || ' (expected ' || :revenue || ')'
  FROM profiles p JOIN identities i ON i.workspace_id = p.workspace_id AND i.profile_id = p.id
 WHERE p.workspace_id = :'ws' AND i.type = 'user_id' AND i.value = :'uid';
SELECT CASE WHEN p.traits ->> 'email' IS NOT NULL AND p.traits ->> 'firstName' = 'Hanako' THEN 'ok' ELSE 'bad' END
       || ' identify traits on the profile (' || p.traits::text || ')'
  FROM profiles p WHERE p.workspace_id = :'ws';
SELECT CASE WHEN jsonb_array_length(p.cart) = 0 THEN 'ok' ELSE 'bad' END || ' cart emptied by Order Completed (' || p.cart::text || ')'
  FROM profiles p WHERE p.workspace_id = :'ws';
-- Batches are in flight concurrently, so the alias may arrive before or after the anonymous page:
-- either it merges the visitor's profile into the user's (one MERGED record) or it attaches the
-- anonymous id first (none). Nothing may be BLOCKED.
SELECT CASE WHEN count(*) FILTER (WHERE outcome = 'MERGED') <= 1 AND count(*) FILTER (WHERE outcome = 'BLOCKED') = 0 THEN 'ok' ELSE 'bad' END
       || ' alias: ' || count(*) FILTER (WHERE outcome = 'MERGED') || ' MERGED, ' || count(*) FILTER (WHERE outcome = 'BLOCKED') || ' BLOCKED merge record(s)'
  FROM profile_merges WHERE workspace_id = :'ws';
SQL
SQL_RC=$?
cat "$WORK/sql.out"

BAD=$(grep -c '^bad' "$WORK/sql.out")
OK=$(grep -c '^ok' "$WORK/sql.out")
if (( SDK_RC != 0 )); then
  echo "SEGMENT SDK CHECK: FAIL - the SDK reported errors (see above; requests in $WORK/requests.json)"; exit 1
fi
if (( SQL_RC != 0 || BAD > 0 || OK == 0 )); then
  echo "SEGMENT SDK CHECK: FAIL - $BAD database check(s) failed (details in $WORK)"; exit 1
fi
echo "SEGMENT SDK CHECK: PASS - $(jq -r .messages "$WORK/expected.json") messages in $(jq -r .requests "$WORK/expected.json") batch requests landed once; $OK database checks ok"
