import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Audience benchmark (issue 4 §6): for five representative conditions, times Kizuna's
 * POST /v1/conditions/preview (count + first page of 20, over HTTP) against hand-written expert SQL
 * for the same count + first page run directly over JDBC, in the same run, and checks that both
 * counts are equal.
 *
 * Fairness: both sides are wall time measured by this program around the whole request. Kizuna runs
 * its count and its page queries in parallel on two pooled connections; the hand-written side does
 * the same (two JDBC connections, two threads, prepared statements, work_mem 64MB like Kizuna's
 * SET LOCAL). Kizuna's time therefore also includes HTTP, JSON and its own per-request work: that is
 * the cost a caller sees. One warm-up, then the median of --runs (default 5); the side that goes first alternates from run to run.
 *
 *   java -cp postgresql.jar AudienceBench.java --url=http://127.0.0.1:18091 --key=kzn_... \
 *     --jdbc=jdbc:postgresql://127.0.0.1:5432/db?user=postgres --workspace-id=<uuid> --segment-id=<uuid>
 */
public class AudienceBench {

    record Case(String id, String label, String condition, String handCount, String handPage, int wsParams, String extra) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            if (!a.startsWith("--") || !a.contains("=")) throw new IllegalArgumentException("bad argument " + a);
            args.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        String url = args.get("url"), key = args.get("key"), jdbc = args.get("jdbc");
        UUID ws = UUID.fromString(args.get("workspace-id"));
        String segment = args.get("segment-id");
        int runs = Integer.parseInt(args.getOrDefault("runs", "5"));
        boolean explain = !"false".equals(args.get("explain"));
        String month = String.format(Locale.ROOT, "%02d", LocalDate.now(ZoneId.of("Asia/Tokyo")).getMonthValue());

        String page = " ORDER BY p.id LIMIT 20";
        List<Case> cases = List.of(
            new Case("a", "traits: female in 東京",
                "{\"all\": [{\"trait\": {\"path\": \"gender\", \"op\": \"equals\", \"value\": \"female\"}},"
                    + " {\"trait\": {\"path\": \"address.city\", \"op\": \"equals\", \"value\": \"東京\"}}]}",
                "SELECT count(*) FROM profiles p WHERE p.workspace_id = ? AND p.traits @> '{\"gender\": \"female\", \"address\": {\"city\": \"東京\"}}'",
                "SELECT p.id, p.traits, p.last_seen_at FROM profiles p WHERE p.workspace_id = ? AND p.traits @> '{\"gender\": \"female\", \"address\": {\"city\": \"東京\"}}'" + page,
                1, null),
            new Case("b", "tag vip + memberRank gold",
                "{\"all\": [{\"tag\": \"vip\"}, {\"trait\": {\"path\": \"memberRank\", \"op\": \"equals\", \"value\": \"gold\"}}]}",
                "SELECT count(*) FROM profile_tags t JOIN profiles p ON p.workspace_id = t.workspace_id AND p.id = t.profile_id"
                    + " WHERE t.workspace_id = ? AND t.tag = 'vip' AND p.traits @> '{\"memberRank\": \"gold\"}'",
                "SELECT p.id, p.traits, p.last_seen_at FROM profile_tags t JOIN profiles p ON p.workspace_id = t.workspace_id AND p.id = t.profile_id"
                    + " WHERE t.workspace_id = ? AND t.tag = 'vip' AND p.traits @> '{\"memberRank\": \"gold\"}'" + page,
                1, null),
            // The last Product Added is within 7 days iff some Product Added is (no future events), so the
            // expert scans only the last 7 days of Product Added and anti-joins later orders.
            new Case("c", "Product Added ≤7d, no Order since",
                "{\"all\": [{\"event\": {\"name\": \"Product Added\", \"window\": {\"withinLast\": {\"amount\": 7, \"unit\": \"days\"}}}},"
                    + " {\"event\": {\"name\": \"Order Completed\", \"count\": \"never\", \"window\": {\"since\": \"Product Added\"}}}]}",
                "WITH a AS (SELECT profile_id, max(occurred_at) AS last_add FROM events WHERE workspace_id = ? AND name = 'Product Added'"
                    + " AND occurred_at >= now() - interval '7 days' AND occurred_at <= now() GROUP BY profile_id)"
                    + " SELECT count(*) FROM a WHERE NOT EXISTS (SELECT 1 FROM events o WHERE o.workspace_id = ? AND o.name = 'Order Completed'"
                    + " AND o.profile_id = a.profile_id AND o.occurred_at > a.last_add)",
                "WITH a AS (SELECT profile_id, max(occurred_at) AS last_add FROM events WHERE workspace_id = ? AND name = 'Product Added'"
                    + " AND occurred_at >= now() - interval '7 days' AND occurred_at <= now() GROUP BY profile_id)"
                    + " SELECT p.id, p.traits, p.last_seen_at FROM a JOIN profiles p ON p.workspace_id = ? AND p.id = a.profile_id"
                    + " WHERE NOT EXISTS (SELECT 1 FROM events o WHERE o.workspace_id = ? AND o.name = 'Order Completed'"
                    + " AND o.profile_id = a.profile_id AND o.occurred_at > a.last_add)" + page,
                2, null),
            new Case("d", "birthday this month",
                "{\"anniversary\": {\"trait\": \"birthday\", \"when\": \"this_month\"}}",
                "SELECT count(*) FROM profiles p WHERE p.workspace_id = ? AND substr(p.traits ->> 'birthday', 6, 2) = '" + month + "'",
                "SELECT p.id, p.traits, p.last_seen_at FROM profiles p WHERE p.workspace_id = ? AND substr(p.traits ->> 'birthday', 6, 2) = '" + month + "'" + page,
                1, null),
            new Case("e", "in segment + revenue > 50000",
                "{\"all\": [{\"segment\": \"" + segment + "\"}, {\"computed\": {\"field\": \"lifetime_revenue\", \"op\": \"gt\", \"value\": 50000}}]}",
                "SELECT count(*) FROM segment_members m JOIN profiles p ON p.workspace_id = m.workspace_id AND p.id = m.profile_id"
                    + " WHERE m.workspace_id = ? AND m.segment_id = '" + segment + "' AND p.lifetime_revenue > 50000",
                "SELECT p.id, p.traits, p.last_seen_at FROM segment_members m JOIN profiles p ON p.workspace_id = m.workspace_id AND p.id = m.profile_id"
                    + " WHERE m.workspace_id = ? AND m.segment_id = '" + segment + "' AND p.lifetime_revenue > 50000" + page,
                1, null));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection c1 = DriverManager.getConnection(jdbc); Connection c2 = DriverManager.getConnection(jdbc)) {
            for (Connection c : List.of(c1, c2)) {
                try (Statement s = c.createStatement()) { s.execute("SET work_mem = '64MB'"); }
            }
            System.out.printf("Audience benchmark: workspace %s, %d runs after 1 warm-up (median), %s%n", ws, runs, java.time.Instant.now());
            try (Statement s = c1.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT (SELECT count(*) FROM profiles WHERE workspace_id = '" + ws + "'), (SELECT count(*) FROM events WHERE workspace_id = '" + ws + "')")) {
                rs.next();
                System.out.printf("data: %,d profiles, %,d events%n%n", rs.getLong(1), rs.getLong(2));
            }
            long[] floor = new long[21];
            for (int i = -5; i < floor.length; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/workspace"))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() != 200) throw new IllegalStateException("GET /v1/workspace: HTTP " + resp.statusCode());
                if (i >= 0) floor[i] = System.nanoTime() - t0;
            }
            System.out.printf(Locale.ROOT, "HTTP floor (GET /v1/workspace, median of 21): %.1f ms%n%n", median(floor) / 1e6);
            List<String> rows = new ArrayList<>();
            boolean allMatch = true;
            for (Case k : cases) {
                long[] kz = new long[runs], hw = new long[runs];
                String mismatch = null;
                long kCount = -1, hCount = -1;
                for (int r = -1; r < runs; r++) {
                    boolean handFirst = r >= 0 && r % 2 == 1;
                    long[] h = handFirst ? hand(pool, c1, c2, k, ws) : null;
                    long t0 = System.nanoTime();
                    String body = "{\"limit\": 20, \"conditions\": " + k.condition + "}";
                    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/conditions/preview"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (resp.statusCode() != 200) throw new IllegalStateException(k.id + ": HTTP " + resp.statusCode() + " " + resp.body());
                    kCount = count(resp.body());
                    List<String> kIds = ids(resp.body());

                    if (!handFirst) h = hand(pool, c1, c2, k, ws);
                    hCount = h[0];
                    List<String> hIds = lastPage;
                    if (r >= 0) { kz[r] = t1 - t0; hw[r] = h[1]; }
                    if (kCount != hCount) mismatch = "count " + kCount + " vs " + hCount;
                    else if (!kIds.equals(hIds)) mismatch = "first page differs";
                }
                double km = median(kz) / 1e6, hm = median(hw) / 1e6, ratio = km / hm;
                boolean ok = mismatch == null;
                allMatch &= ok;
                rows.add(String.format(Locale.ROOT, "%-2s %-34s %10s %11.1f %11.1f %6.2f  %-8s %-8s%s", k.id, k.label,
                        ok ? String.format("%,d", kCount) : "MISMATCH", km, hm, ratio,
                        ratio <= 1.2 ? "MET" : "NOT MET", km < 1000 ? "MET" : "NOT MET", ok ? "" : "  (" + mismatch + ")"));
            }
            String header = String.format("%-2s %-34s %10s %11s %11s %6s  %-8s %-8s", "", "segment", "count", "Kizuna ms", "hand ms", "ratio", "≤1.2", "<1 s");
            System.out.println(header);
            System.out.println("-".repeat(header.length()));
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println("Kizuna ms: wall time of POST /v1/conditions/preview (count + first 20) seen by an HTTP client;");
            System.out.println("hand ms: wall time of the hand-written count and first-20 queries, run in parallel on two JDBC connections.");
            System.out.println("Targets: ratio Kizuna/hand ≤ 1.2 and Kizuna preview < 1 s. Counts and first pages " + (allMatch ? "all equal." : "DIFFER (MISMATCH above)."));

            if (explain) {
                for (Case k : cases) {
                    System.out.printf("%n==== EXPLAIN (ANALYZE, BUFFERS) of the hand-written count, case %s (%s)%n%s%n", k.id, k.label, k.handCount);
                    try (PreparedStatement ps = prepare(c1, "EXPLAIN (ANALYZE, BUFFERS) " + k.handCount, ws); ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) System.out.println(rs.getString(1));
                    }
                }
            }
            pool.shutdown();
            if (!allMatch) System.exit(2);
        }
    }

    static List<String> lastPage;

    /** Runs the hand-written count and first page in parallel; returns {count, wall nanos} and sets lastPage. */
    static long[] hand(ExecutorService pool, Connection c1, Connection c2, Case k, UUID ws) throws Exception {
        long t0 = System.nanoTime();
        Future<Long> cnt = pool.submit(() -> { try (PreparedStatement ps = prepare(c1, k.handCount, ws)) {
            try (ResultSet rs = ps.executeQuery()) { rs.next(); return rs.getLong(1); } } });
        Future<List<String>> pg = pool.submit(() -> { try (PreparedStatement ps = prepare(c2, k.handPage, ws)) {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { out.add(rs.getString(1)); rs.getString(2); rs.getObject(3); } }
            return out; } });
        long count = cnt.get();
        lastPage = pg.get();
        return new long[] {count, System.nanoTime() - t0};
    }

    static PreparedStatement prepare(Connection c, String sql, UUID ws) throws Exception {
        PreparedStatement ps = c.prepareStatement(sql);
        int n = (int) sql.chars().filter(ch -> ch == '?').count();
        for (int i = 1; i <= n; i++) ps.setObject(i, ws);
        return ps;
    }

    static long count(String json) {
        Matcher m = Pattern.compile("\"count\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no count in " + json);
        return Long.parseLong(m.group(1));
    }

    /** Member ids of a preview answer, in order (each member object starts with its "id"). */
    static List<String> ids(String json) {
        List<String> out = new ArrayList<>();
        int from = json.indexOf("\"members\"");
        Matcher m = Pattern.compile("\\{\\s*\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(json);
        while (from >= 0 && m.find(from)) { out.add(m.group(1)); from = m.end(); }
        return out;
    }

    static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
