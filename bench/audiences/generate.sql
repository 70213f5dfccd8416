-- Audience benchmark data: fills one workspace of a SCRATCH database with :n profiles and about
-- 20 events per profile over the last 180 days, set-based (INSERT ... SELECT generate_series, no
-- per-row round trips). Run by bench/audiences/run.sh:
--
--   psql -v ON_ERROR_STOP=1 -v ws=<workspace uuid> -v n=200000 -v segment=<uuid> -f generate.sql
--
-- What it writes (all deterministic for a given :n, via setseed):
--   profiles   traits {gender, address.city (東京 ≈ 30%), birthday YYYY-MM-DD, memberRank};
--              computed columns derived from the generated events (first/last seen, order_count,
--              gross_revenue from log-normal order totals, first/last_order_at); a cart for ≈ 10%
--   identities email for ≈ 90%, line_user_id for ≈ 40%
--   events     10–30 per profile (mean 20): Product Viewed, Page, Product Added, Checkout Started,
--              Order Completed (properties.total long-tailed), in monthly partitions; no event falls
--              within 3 hours of "7 days ago" (those move 6 hours older), so the 7-day window of the
--              benchmark's condition (c) does not gain or lose events while the benchmark runs
--              (for up to 3 hours after generation) and both sides count the same profiles
--   tags       manual tag "vip" on ≈ 5%
--   segments   one READY segment (address.city in 東京/大阪) with its members materialized
-- then ANALYZE. The events table's indexes are dropped during the load and rebuilt after it.
\set ON_ERROR_STOP 1
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;

-- Monthly partitions for the last 7 months and the next one, named like EventPartitions.java.
DO $$
DECLARE m date;
BEGIN
  FOR m IN SELECT generate_series(date_trunc('month', now() - interval '200 days'), date_trunc('month', now() + interval '1 month'), interval '1 month')::date LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                   to_char(m, '"events_"YYYY_MM'), m::text || ' 00:00:00+00', (m + interval '1 month')::date::text || ' 00:00:00+00');
  END LOOP;
END $$;

SELECT setseed(0.4242);

-- Profiles (computed columns filled from the events below).
INSERT INTO profiles (workspace_id, id, traits, trait_times, cart, cart_value, cart_updated_at, created_at, updated_at)
SELECT :'ws'::uuid,
       md5(:'ws' || ':' || g.i)::uuid,
       jsonb_build_object(
         'gender', CASE WHEN g.r1 < 0.52 THEN 'female' WHEN g.r1 < 0.96 THEN 'male' ELSE 'other' END,
         'address', jsonb_build_object('city',
            (ARRAY['東京','東京','東京','東京','東京','東京','大阪','大阪','横浜','横浜','名古屋','札幌','福岡','神戸',
                   '京都','川崎','さいたま','広島','仙台','千葉','北九州','堺','新潟','浜松'])[1 + floor(g.r2 * 24)::int]),
         'birthday', to_char(date '1950-01-01' + floor(g.r3 * 20000)::int, 'YYYY-MM-DD'),
         'memberRank', CASE WHEN g.r4 < 0.60 THEN 'bronze' WHEN g.r4 < 0.85 THEN 'silver' WHEN g.r4 < 0.97 THEN 'gold' ELSE 'platinum' END,
         'email', 'user' || g.i || '@example.jp'),
       '{}'::jsonb,
       CASE WHEN g.r5 < 0.10 THEN jsonb_build_array(
              jsonb_build_object('productId', 'SKU-' || (1 + floor(g.r6 * 5000)::int), 'price', 500 + floor(g.r6 * 20000)::int, 'quantity', 1),
              jsonb_build_object('productId', 'SKU-' || (1 + floor(g.r3 * 5000)::int), 'price', 500 + floor(g.r3 * 8000)::int, 'quantity', 2))
            ELSE '[]'::jsonb END,
       CASE WHEN g.r5 < 0.10 THEN (500 + floor(g.r6 * 20000)::int) + 2 * (500 + floor(g.r3 * 8000)::int) ELSE 0 END,
       CASE WHEN g.r5 < 0.10 THEN now() - g.r6 * interval '7 days' END,
       now() - interval '200 days', now()
FROM (SELECT i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
      FROM generate_series(1, :n) i) g;

INSERT INTO identities (workspace_id, type, value, profile_id, created_at)
SELECT :'ws'::uuid, 'email', 'user' || i || '@example.jp', md5(:'ws' || ':' || i)::uuid, now()
FROM generate_series(1, :n) i WHERE random() < 0.90;
INSERT INTO identities (workspace_id, type, value, profile_id, created_at)
SELECT :'ws'::uuid, 'line_user_id', 'U' || md5('line:' || i), md5(:'ws' || ':' || i)::uuid, now()
FROM generate_series(1, :n) i WHERE random() < 0.40;

-- The events table's indexes are dropped for the load and rebuilt afterwards with the same
-- definitions (one sorted build per partition instead of ~20M random inserts into 5 indexes).
CREATE TEMP TABLE events_index_definitions AS
SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition, con.conname AS constraint_name, pg_get_constraintdef(con.oid) AS constraint_definition
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  LEFT JOIN pg_constraint con ON con.conindid = c.oid AND con.conrelid = i.indrelid
 WHERE i.indrelid = 'events'::regclass;
DO $$
DECLARE d record;
BEGIN
  FOR d IN SELECT * FROM events_index_definitions LOOP
    IF d.constraint_name IS NOT NULL THEN
      EXECUTE format('ALTER TABLE events DROP CONSTRAINT %I', d.constraint_name);
    ELSE
      EXECUTE format('DROP INDEX %I', d.name);
    END IF;
  END LOOP;
END $$;

-- Events: 10–30 per profile, uniformly over the last 180 days.
INSERT INTO events (workspace_id, id, profile_id, message_id, type, name, occurred_at, received_at, user_id, channel, properties)
SELECT :'ws'::uuid, gen_random_uuid(), md5(:'ws' || ':' || p.i)::uuid, 'bench-' || p.i || '-' || k,
       CASE WHEN e.kind = 'Page' THEN 'page' ELSE 'track' END, e.kind, e.at, e.at, 'u' || p.i, 'web',
       CASE e.kind
         WHEN 'Order Completed' THEN jsonb_build_object('orderId', 'O-' || p.i || '-' || k, 'currency', 'JPY',
              'total', round(exp(8.5 + 1.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::int)
         WHEN 'Page' THEN jsonb_build_object('path', '/c/' || (1 + floor(random() * 40)::int))
         ELSE jsonb_build_object('productId', 'SKU-' || (1 + floor(random() * 5000)::int), 'price', 500 + floor(random() * 20000)::int)
       END
FROM generate_series(1, :n) p(i)
CROSS JOIN LATERAL (SELECT y.k, CASE WHEN y.at BETWEEN now() - interval '7 days 3 hours' AND now() - interval '6 days 21 hours'
                                     THEN y.at - interval '6 hours' ELSE y.at END AS at, y.r
                    FROM (SELECT k, now() - random() * interval '180 days' AS at, random() AS r
                          FROM generate_series(1, 10 + (hashint4(p.i) & 2147483647) % 21) k) y) t
CROSS JOIN LATERAL (SELECT CASE WHEN t.r < 0.50 THEN 'Product Viewed' WHEN t.r < 0.75 THEN 'Page'
                                WHEN t.r < 0.90 THEN 'Product Added' WHEN t.r < 0.95 THEN 'Checkout Started'
                                ELSE 'Order Completed' END AS kind, t.at) e;

SET maintenance_work_mem = '1GB';
DO $$
DECLARE d record;
BEGIN
  FOR d IN SELECT * FROM events_index_definitions LOOP
    IF d.constraint_name IS NOT NULL THEN
      EXECUTE format('ALTER TABLE events ADD CONSTRAINT %I %s', d.constraint_name, d.constraint_definition);
    ELSE
      EXECUTE d.definition;
    END IF;
  END LOOP;
END $$;
ANALYZE events;

-- Computed columns from the events, and each profile's last event per name (profiles.last_events,
-- microseconds since 2000-01-01 UTC, as ingestion keeps it).
UPDATE profiles p SET first_seen_at = a.first_seen, last_seen_at = a.last_seen,
       first_order_at = a.first_order, last_order_at = a.last_order,
       order_count = a.orders, gross_revenue = a.revenue, last_events = a.last_events, updated_at = now()
FROM (SELECT profile_id, min(first_at) first_seen, max(last_at) last_seen,
             min(first_at) FILTER (WHERE name = 'Order Completed') first_order,
             max(last_at) FILTER (WHERE name = 'Order Completed') last_order,
             coalesce(sum(n) FILTER (WHERE name = 'Order Completed'), 0) orders,
             coalesce(sum(total) FILTER (WHERE name = 'Order Completed'), 0) revenue,
             jsonb_object_agg(name, (extract(epoch FROM last_at - '2000-01-01 00:00:00+00'::timestamptz) * 1000000)::bigint) last_events
      FROM (SELECT profile_id, name, min(occurred_at) first_at, max(occurred_at) last_at, count(*) n,
                   sum((properties ->> 'total')::numeric) total
              FROM events WHERE workspace_id = :'ws'::uuid GROUP BY profile_id, name) g
      GROUP BY profile_id) a
WHERE p.workspace_id = :'ws'::uuid AND p.id = a.profile_id;

-- Tag "vip" on ≈ 5%.
INSERT INTO tags (workspace_id, name, description, kind, created_at, updated_at)
VALUES (:'ws'::uuid, 'vip', 'bench: manual VIP tag', 'MANUAL', now(), now());
INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at)
SELECT :'ws'::uuid, 'vip', md5(:'ws' || ':' || i)::uuid, 'IMPORT', now()
FROM generate_series(1, :n) i WHERE random() < 0.05;

-- One materialized segment (its members are exactly its condition's profiles).
INSERT INTO segments (workspace_id, id, name, description, condition, created_at, updated_at, status, computed_at)
VALUES (:'ws'::uuid, :'segment'::uuid, 'Tokyo and Osaka', 'bench: materialized segment',
        '{"trait": {"path": "address.city", "op": "in", "value": ["東京", "大阪"]}}', now(), now(), 'READY', now());
INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at)
SELECT :'ws'::uuid, :'segment'::uuid, id, now() FROM profiles
WHERE workspace_id = :'ws'::uuid AND traits -> 'address' ->> 'city' IN ('東京', '大阪');

ANALYZE;
