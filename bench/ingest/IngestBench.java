import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kizuna ingestion benchmark. Single-file Java program (JDK 17+), run with the PostgreSQL JDBC
 * driver on the class path:
 *
 * <pre>
 * java -cp postgresql.jar bench/ingest/IngestBench.java --url=http://127.0.0.1:18090 \
 *      --write-key=kzn_... --workspace-id=... --jdbc=jdbc:postgresql://127.0.0.1:5432/kizuna_bench?user=postgres
 * </pre>
 *
 * Phases, in one run so the figures are comparable ratios:
 * <ol>
 * <li>dataset: a deterministic e-commerce stream for N profiles (about 100 events each: page
 * views, Product Viewed/Added/Removed, Checkout Started, Order Completed with products and totals,
 * identify calls with email/phone traits), generated once without sending to time the generator;</li>
 * <li>warm-up of both paths on a separate stream (by default 1,500 profiles, about 150k events, and 3,000
 * single-event requests) so that the JIT has compiled the hot paths before anything is timed; then the
 * events table is emptied;</li>
 * <li>baseline: the same rows as raw multi-row INSERTs into {@code events} over JDBC, same
 * concurrency and batch size, under a separate workspace id; then the events table is emptied;</li>
 * <li>Kizuna: the stream through POST /v1/batch with concurrent clients, with a share of resent
 * messages (duplicate messageIds) mixed in;</li>
 * <li>checks: duplicate rows in events (must be 0), stored = unique, profiles and order totals;</li>
 * <li>latency: POST /v1/track, one event per request, concurrent clients, bounded by count and time.</li>
 * </ol>
 * No figure is judged pass/fail except against the labelled targets.
 */
public class IngestBench {

    // ------------------------------------------------------------------------------------------
    // configuration
    // ------------------------------------------------------------------------------------------

    static final class Config {
        final Map<String, String> values = new LinkedHashMap<>();

        Config(String[] args) {
            for (String arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("arguments are --name=value; got " + arg);
                }
                int eq = arg.indexOf('=');
                values.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }

        String str(String name, String fallback) {
            String value = values.get(name);
            if (value == null) {
                value = System.getenv("BENCH_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            }
            return value == null || value.isEmpty() ? fallback : value;
        }

        String required(String name) {
            String value = str(name, null);
            if (value == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }

        int integer(String name, int fallback) {
            return Integer.parseInt(str(name, Integer.toString(fallback)));
        }

        double decimal(String name, double fallback) {
            return Double.parseDouble(str(name, Double.toString(fallback)));
        }
    }

    // ------------------------------------------------------------------------------------------
    // the event model and JSON writing
    // ------------------------------------------------------------------------------------------

    /** One message as generated: its Segment JSON for Kizuna and its column values for the baseline. */
    static final class Ev {
        String messageId;
        String type;
        String name; // track event name or page name
        String userId;
        String anonymousId;
        Instant timestamp;
        String propertiesJson;
        String traitsJson; // identify only
        String contextJson;
        int profile;
        long orderTotal; // Order Completed: the total, in yen
        String segmentJson;
        boolean resend;
    }

    static final class Json {
        final StringBuilder sb = new StringBuilder(256);
        boolean first = true;

        Json open() {
            sb.append('{');
            first = true;
            return this;
        }

        Json close() {
            sb.append('}');
            first = false;
            return this;
        }

        private void key(String key) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            str(key);
            sb.append(':');
        }

        Json put(String key, String value) {
            if (value == null) {
                return this;
            }
            key(key);
            str(value);
            return this;
        }

        Json put(String key, long value) {
            key(key);
            sb.append(value);
            return this;
        }

        Json putDecimal(String key, double value) {
            key(key);
            sb.append(String.format(Locale.ROOT, "%.2f", value));
            return this;
        }

        Json raw(String key, String json) {
            if (json == null) {
                return this;
            }
            key(key);
            sb.append(json);
            return this;
        }

        Json object(String key) {
            key(key);
            sb.append('{');
            first = true;
            return this;
        }

        private void str(String value) {
            sb.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------------------------------
    // the data generator
    // ------------------------------------------------------------------------------------------

    record Product(int index, String id, String name, String category, String brand, String variant, long price, String viewJson) {
    }

    static final String[] CATEGORIES = { "Skincare", "Makeup", "Haircare", "Fragrance", "Body Care", "Tools" };
    static final String[] BRANDS = { "Sakura", "Tsubaki", "Hinoki", "Yuzu Lab", "Kumo", "Shiro" };
    static final String[] NOUNS = { "Lip Tint", "Serum", "Toner", "Cleansing Oil", "Face Mask", "Sunscreen", "Shampoo", "Hair Oil",
            "Eau de Parfum", "Body Lotion", "Brush Set", "Eye Palette", "Foundation", "Night Cream", "Mist" };
    static final String[] VARIANTS = { "30ml", "50ml", "100ml", "Rose", "Natural", "Light", "Deep", "Refill" };
    static final String[] PAGES = { "Home", "Category", "Product Detail", "Search", "Cart", "Campaign", "Ranking", "Brand" };
    static final String[] FIRST = { "Hanako", "Yui", "Aoi", "Sakura", "Haruto", "Ren", "Mei", "Sota", "Rin", "Kaito" };
    static final String[] LAST = { "Yamada", "Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Nakamura" };
    static final String[] AGENTS = {
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15" };

    static final List<Product> CATALOG = catalog();

    static List<Product> catalog() {
        SplittableRandom random = new SplittableRandom(20260101L);
        List<Product> products = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String id = String.format("SKU-%05d", 10000 + i);
            String brand = BRANDS[random.nextInt(BRANDS.length)];
            String name = brand + " " + NOUNS[random.nextInt(NOUNS.length)];
            String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            String variant = VARIANTS[random.nextInt(VARIANTS.length)];
            long price = (5 + random.nextInt(150)) * 100L - (random.nextBoolean() ? 20 : 0);
            Json json = new Json().open().put("product_id", id).put("sku", id).put("category", category).put("name", name)
                    .put("brand", brand).put("variant", variant).put("price", price).put("currency", "JPY")
                    .put("url", "https://shop.example.jp/products/" + id)
                    .put("image_url", "https://cdn.example.jp/img/" + id + ".jpg");
            products.add(new Product(i, id, name, category, brand, variant, price, json.toString()));
        }
        return products;
    }

    /** One simulated customer: their identifiers, sessions and cart. */
    static final class Person {
        final int index;
        final SplittableRandom random;
        final String userId;
        final String anonymousId;
        final long[] sessionStarts;
        int nextSession;
        int budget;
        boolean identified;
        final List<long[]> cart = new ArrayList<>(); // {catalog index, quantity}
        final String agent;
        final String ip;
        String baseContext;
        int orders;

        Person(String prefix, int index, long seed, long windowStart, long windowEnd) {
            this.index = index;
            this.random = new SplittableRandom(seed * 1_000_003L + index);
            this.userId = prefix + "-user-" + index;
            this.anonymousId = new UUID(random.nextLong(), random.nextLong()).toString();
            this.budget = 50 + random.nextInt(101); // 50..150 events, about 100 on average
            int sessions = Math.max(2, budget / 7 + 1);
            long first = windowStart + (long) (random.nextDouble() * (windowEnd - windowStart) * 0.6);
            sessionStarts = new long[sessions];
            sessionStarts[0] = first;
            for (int i = 1; i < sessions; i++) {
                sessionStarts[i] = first + (long) (random.nextDouble() * (windowEnd - first));
            }
            Arrays.sort(sessionStarts);
            agent = AGENTS[random.nextInt(AGENTS.length)];
            ip = "203.0.113." + (1 + random.nextInt(254));
        }

        long nextStart() {
            return sessionStarts[nextSession];
        }

        boolean hasMore() {
            return budget > 0 && nextSession < sessionStarts.length;
        }
    }

    /**
     * A deterministic stream of messages: customers' sessions replayed in the order they start,
     * as a server-side feed of the shop's traffic would deliver them. With {@code resendRate} > 0,
     * that share of the stream is resends of recent messages (same messageId and body).
     */
    static final class Generator implements Iterator<Ev> {
        private final String prefix;
        private final long seed;
        private final double resendRate;
        /** Bare random UUIDs as messageIds instead of analytics.js's time-prefixed ones. */
        boolean randomMessageIds;
        private final PriorityQueue<Person> people = new PriorityQueue<>((a, b) -> Long.compare(a.nextStart(), b.nextStart()));
        private final ArrayDeque<Ev> pending = new ArrayDeque<>();
        private final Ev[] recent = new Ev[65_536];
        private final int overlapPercent;
        private final int minDistance;
        private final int maxDistance;
        long overlapResends;
        private int recentCount;
        private final SplittableRandom resendRandom;
        private Ev resendNext;

        Generator(String prefix, int profiles, long seed, double resendRate, long windowStart, long windowEnd,
                int overlapPercent, int minDistance, int maxDistance) {
            this.overlapPercent = overlapPercent;
            this.minDistance = Math.max(1, minDistance);
            this.maxDistance = Math.min(recent.length, Math.max(this.minDistance + 1, maxDistance));
            this.prefix = prefix;
            this.seed = seed;
            this.resendRate = resendRate;
            this.resendRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
            for (int i = 0; i < profiles; i++) {
                people.add(new Person(prefix, i, seed, windowStart, windowEnd));
            }
        }

        @Override
        public boolean hasNext() {
            fill();
            return resendNext != null || !pending.isEmpty();
        }

        @Override
        public Ev next() {
            fill();
            if (resendNext != null) {
                Ev resend = resendNext;
                resendNext = null;
                return resend;
            }
            Ev event = pending.poll();
            if (event == null) {
                throw new NoSuchElementException();
            }
            recent[recentCount % recent.length] = event;
            recentCount++;
            // After a fresh message, maybe a resend of an earlier one; resends are resendRate of the whole stream.
            // Most are late resends of messages sent minDistance..maxDistance messages before (stored by then:
            // offline mobile queues, replays, retries after a lost answer); overlapPercent of them repeat one of
            // the last 500 messages, which may still be in flight in a concurrent request, in another order.
            if (resendRate > 0 && resendRandom.nextDouble() < resendRate / (1 - resendRate)) {
                int available = Math.min(recentCount, recent.length);
                int distance;
                if (resendRandom.nextInt(100) < overlapPercent || available <= minDistance) {
                    distance = 1 + resendRandom.nextInt(Math.min(available, 500));
                    overlapResends++;
                } else {
                    distance = minDistance + resendRandom.nextInt(Math.min(available, maxDistance) - minDistance);
                }
                Ev original = recent[(recentCount - distance) % recent.length];
                Ev copy = new Ev();
                copy.messageId = original.messageId;
                copy.type = original.type;
                copy.name = original.name;
                copy.segmentJson = original.segmentJson;
                copy.resend = true;
                resendNext = copy;
            }
            return event;
        }

        private void fill() {
            while (pending.isEmpty() && resendNext == null && !people.isEmpty()) {
                Person person = people.poll();
                session(person);
                if (person.hasMore()) {
                    people.add(person);
                }
            }
        }

        private void session(Person p) {
            SplittableRandom r = p.random;
            long t = p.sessionStarts[p.nextSession++];
            int before = pending.size();
            if (!p.identified) {
                // an anonymous first visit, then sign-up (identify with email and often a phone)
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    t = page(p, t, PAGES[r.nextInt(3)]);
                    if (r.nextInt(3) == 0) {
                        t = productViewed(p, t, CATALOG.get(r.nextInt(CATALOG.size())));
                    }
                }
                t = identify(p, t, true);
                p.identified = true;
            } else if (r.nextInt(12) == 0) {
                t = identify(p, t, false);
            }
            for (int i = 0, n = 2 + r.nextInt(4); i < n; i++) {
                t = page(p, t, PAGES[r.nextInt(PAGES.length)]);
                if (r.nextInt(10) < 6) {
                    t = productViewed(p, t, CATALOG.get(r.nextInt(CATALOG.size())));
                }
            }
            if (r.nextInt(100) < 45) {
                for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
                    Product product = CATALOG.get(r.nextInt(CATALOG.size()));
                    int index = product.index();
                    long quantity = 1 + (r.nextInt(5) == 0 ? 1 : 0);
                    t = cartEvent(p, t, "Product Added", product, quantity);
                    p.cart.add(new long[] { index, quantity });
                }
                if (!p.cart.isEmpty() && r.nextInt(100) < 20) {
                    long[] line = p.cart.remove(r.nextInt(p.cart.size()));
                    t = cartEvent(p, t, "Product Removed", CATALOG.get((int) line[0]), line[1]);
                }
            }
            if (!p.cart.isEmpty() && r.nextInt(100) < 60) {
                String orderId = prefix + "-o-" + p.index + "-" + p.orders;
                t = checkout(p, t, "Checkout Started", orderId);
                if (r.nextInt(100) < 75) {
                    t = checkout(p, t, "Order Completed", orderId);
                    p.orders++;
                    p.cart.clear();
                }
            }
            p.budget -= pending.size() - before;
        }

        private long step(Person p, long t) {
            return t + 5_000 + p.random.nextInt(90_000);
        }

        private Ev base(Person p, String type, String name, long t) {
            Ev e = new Ev();
            e.profile = p.index;
            e.type = type;
            e.name = name;
            e.timestamp = Instant.ofEpochMilli(t);
            String uuid = new UUID(p.random.nextLong(), p.random.nextLong()).toString();
            // analytics.js (and analytics-node) write ajs-next-<epoch ms at creation>-<uuid>; --message-ids=uuid sends the bare uuid
            e.messageId = randomMessageIds ? uuid : "ajs-next-" + t + "-" + uuid;
            e.anonymousId = p.anonymousId;
            e.userId = p.identified ? p.userId : null;
            return e;
        }

        private String context(Person p, Json page) {
            if (page == null && p.baseContext != null) {
                return p.baseContext;
            }
            Json c = new Json().open().put("ip", p.ip).put("locale", "ja-JP").put("timezone", "Asia/Tokyo").put("userAgent", p.agent)
                    .raw("library", "{\"name\":\"analytics.js\",\"version\":\"next-1.70.0\"}");
            if (page != null) {
                c.raw("page", page.toString());
                return c.close().toString();
            }
            p.baseContext = c.close().toString();
            return p.baseContext;
        }

        private long page(Person p, long t, String pageName) {
            String path = switch (pageName) {
                case "Home" -> "/";
                case "Product Detail" -> "/products/" + CATALOG.get(p.random.nextInt(CATALOG.size())).id();
                case "Search" -> "/search?q=" + NOUNS[p.random.nextInt(NOUNS.length)].toLowerCase(Locale.ROOT).replace(' ', '+');
                default -> "/" + pageName.toLowerCase(Locale.ROOT).replace(' ', '-');
            };
            String url = "https://shop.example.jp" + path;
            String title = pageName + " | Sakura Cosmetics";
            String referrer = p.random.nextInt(4) == 0 ? "https://www.google.co.jp/" : "https://shop.example.jp/";
            Ev e = base(p, "page", pageName, t);
            e.propertiesJson = new Json().open().put("path", path).put("url", url).put("title", title).put("referrer", referrer).close().toString();
            e.contextJson = context(p, new Json().open().put("path", path).put("url", url).put("title", title).put("referrer", referrer).close());
            emit(e);
            return step(p, t);
        }

        private long productViewed(Person p, long t, Product product) {
            Ev e = base(p, "track", "Product Viewed", t);
            e.propertiesJson = product.viewJson() + "}";
            e.contextJson = context(p, null);
            emit(e);
            return step(p, t);
        }

        private long cartEvent(Person p, long t, String name, Product product, long quantity) {
            Ev e = base(p, "track", name, t);
            e.propertiesJson = product.viewJson() + ",\"quantity\":" + quantity + ",\"cart_id\":\"" + prefix + "-c-" + p.index + "\"}";
            e.contextJson = context(p, null);
            emit(e);
            return step(p, t);
        }

        private long checkout(Person p, long t, String name, String orderId) {
            Ev e = base(p, "track", name, t);
            StringBuilder products = new StringBuilder("[");
            long subtotal = 0;
            for (long[] line : p.cart) {
                Product product = CATALOG.get((int) line[0]);
                if (products.length() > 1) {
                    products.append(',');
                }
                products.append(new Json().open().put("product_id", product.id()).put("sku", product.id()).put("name", product.name())
                        .put("category", product.category()).put("brand", product.brand()).put("price", product.price())
                        .put("quantity", line[1]).close());
                subtotal += product.price() * line[1];
            }
            products.append(']');
            long shipping = subtotal >= 5000 ? 0 : 600;
            long discount = p.random.nextInt(5) == 0 ? 500 : 0;
            long tax = subtotal / 10;
            long total = subtotal + shipping + tax - discount;
            Json props = new Json().open().put("order_id", orderId).put("checkout_id", orderId.replace("-o-", "-k-"))
                    .put("affiliation", "Online Store").put(name.equals("Order Completed") ? "total" : "value", total)
                    .put("subtotal", subtotal).put("revenue", subtotal - discount).put("shipping", shipping).put("tax", tax)
                    .put("discount", discount).put("coupon", discount > 0 ? "SPRING500" : null).put("currency", "JPY")
                    .raw("products", products.toString());
            e.propertiesJson = props.close().toString();
            e.contextJson = context(p, null);
            if (name.equals("Order Completed")) {
                e.orderTotal = total;
            }
            emit(e);
            return step(p, t);
        }

        private long identify(Person p, long t, boolean signup) {
            SplittableRandom r = p.random;
            p.identified = true;
            Ev e = base(p, "identify", null, t);
            Json traits = new Json().open();
            if (signup) {
                String email = (r.nextInt(4) == 0 ? "Bench." : "bench.") + prefix + "." + p.index + "@example.jp";
                traits.put("email", email).put("firstName", FIRST[r.nextInt(FIRST.length)]).put("lastName", LAST[r.nextInt(LAST.length)])
                        .put("gender", r.nextBoolean() ? "female" : "male")
                        .put("birthday", String.format("%04d-%02d-%02d", 1965 + r.nextInt(40), 1 + r.nextInt(12), 1 + r.nextInt(28)))
                        .put("createdAt", e.timestamp.toString());
                if (r.nextInt(10) < 7) {
                    traits.put("phone", String.format("090-%04d-%04d", (p.index / 10000) % 10000, p.index % 10000));
                }
            } else {
                traits.put("plan", r.nextInt(3) == 0 ? "gold" : "member").put("newsletter", r.nextBoolean() ? "yes" : "no");
            }
            e.traitsJson = traits.close().toString();
            e.propertiesJson = "{}";
            e.contextJson = context(p, null);
            emit(e);
            return step(p, t);
        }

        private void emit(Ev e) {
            Json j = new Json().open().put("type", e.type).put("messageId", e.messageId);
            if ("track".equals(e.type)) {
                j.put("event", e.name);
            } else if ("page".equals(e.type)) {
                j.put("name", e.name);
            }
            j.put("userId", e.userId).put("anonymousId", e.anonymousId).put("timestamp", e.timestamp.toString())
                    .raw("traits", e.traitsJson);
            if (!"identify".equals(e.type)) {
                j.raw("properties", e.propertiesJson);
            }
            j.raw("context", e.contextJson);
            e.segmentJson = j.close().toString();
            pending.add(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // measuring helpers
    // ------------------------------------------------------------------------------------------

    record Percentiles(long count, double p50, double p95, double p99, double max, double mean) {
        static Percentiles of(long[] nanos, int n) {
            if (n == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            long[] sorted = Arrays.copyOf(nanos, n);
            Arrays.sort(sorted);
            double sum = 0;
            for (long v : sorted) {
                sum += v;
            }
            return new Percentiles(n, at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted[n - 1] / 1e6, sum / n / 1e6);
        }

        private static double at(long[] sorted, double q) {
            int index = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        String format() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms (n=%d)", p50, p95, p99, max, mean, count);
        }
    }

    /** A growable array of latencies shared by worker threads through a lock. */
    static final class Samples {
        private long[] values = new long[1 << 14];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized Percentiles percentiles() {
            return Percentiles.of(values, size);
        }
    }

    /** CPU seconds used by Kizuna's JVM, PostgreSQL's processes and this JVM, from /proc (Linux). */
    static final class Cpu {
        final long kizunaPid;
        final double ticks = 100.0; // USER_HZ; getconf CLK_TCK is 100 on Linux

        Cpu(long kizunaPid) {
            this.kizunaPid = kizunaPid;
        }

        /**
         * {@code postgresByPid} keeps each server process's CPU so a delta counts only processes alive at
         * the end (new ones from zero): a backend that exits in between no longer makes it negative.
         */
        record Sample(double kizuna, double postgres, double bench, long nanos, double kizunaJit, double kizunaGc, Map<String, Double> postgresByPid) {
            Sample minus(Sample o) {
                double postgresDelta = 0;
                for (Map.Entry<String, Double> process : postgresByPid.entrySet()) {
                    postgresDelta += process.getValue() - o.postgresByPid.getOrDefault(process.getKey(), 0.0);
                }
                return new Sample(kizuna - o.kizuna, postgresDelta, bench - o.bench, nanos - o.nanos,
                        kizunaJit - o.kizunaJit, kizunaGc - o.kizunaGc, Map.of());
            }
        }

        /** Kizuna's CPU seconds in JIT compiler threads and in GC threads, from /proc/PID/task. */
        private double[] kizunaJitAndGc() {
            double[] result = { 0, 0 };
            if (kizunaPid <= 0) {
                return new double[] { Double.NaN, Double.NaN };
            }
            try (var tasks = Files.list(Path.of("/proc/" + kizunaPid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String comm = read(task.resolve("comm"));
                    String stat = read(task.resolve("stat"));
                    if (comm == null || stat == null) {
                        continue;
                    }
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        result[0] += cpuOf(stat);
                    } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
                        result[1] += cpuOf(stat);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                return new double[] { Double.NaN, Double.NaN };
            }
            return result;
        }

        Sample sample() {
            double postgres = 0;
            Map<String, Double> byPid = new HashMap<>();
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String stat = read(dir.resolve("stat"));
                    if (stat != null && stat.contains("(postgres)")) {
                        double used = cpuOf(stat);
                        postgres += used;
                        byPid.put(name, used);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                postgres = Double.NaN;
            }
            double kizuna = kizunaPid > 0 ? cpuOf(read(Path.of("/proc/" + kizunaPid + "/stat"))) : Double.NaN;
            double bench = cpuOf(read(Path.of("/proc/self/stat")));
            double[] jitAndGc = kizunaJitAndGc();
            return new Sample(kizuna, postgres, bench, System.nanoTime(), jitAndGc[0], jitAndGc[1], byPid);
        }

        private double cpuOf(String stat) {
            if (stat == null) {
                return Double.NaN;
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is state (field 3); utime is field 14, stime field 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / ticks;
        }

        private static String read(Path path) {
            try {
                return Files.readString(path);
            } catch (IOException | UncheckedIOException e) {
                return null;
            }
        }

        static String describe(Sample d, long events) {
            double seconds = d.nanos() / 1e9;
            return String.format(Locale.ROOT, "CPU s: kizuna %.1f, postgres %.1f (all server processes, other users included; those that exited meanwhile not counted), bench %.1f over %.1f s wall;"
                    + " per 1k events: kizuna %.0f ms, postgres %.0f ms, bench %.0f ms; of Kizuna's CPU s, JIT compiler threads %.1f, GC threads %.1f",
                    d.kizuna(), d.postgres(), d.bench(), seconds,
                    d.kizuna() * 1e6 / events, d.postgres() * 1e6 / events, d.bench() * 1e6 / events, d.kizunaJit(), d.kizunaGc());
        }
    }

    static UUID uuidV7(long millis, SplittableRandom random) {
        long msb = (millis << 16) | (0x7L << 12) | random.nextInt(1 << 12);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    static UUID profileUuid(UUID workspace, int index) {
        return UUID.nameUUIDFromBytes((workspace + ":" + index).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------
    // the program
    // ------------------------------------------------------------------------------------------

    final Config config;
    final String url;
    final String writeKey;
    final UUID workspaceId;
    final String warmupWriteKey;
    final String audienceWriteKey;
    final String audienceWarmupWriteKey;
    final String audienceWorkspaceId;
    final String jdbc;
    final int profiles;
    final int clients;
    final int batchSize;
    final double resendRate;
    final long seed;
    final long windowStart;
    final long windowEnd;
    final HttpClient http;
    final int analyzeEvery;
    final Cpu cpu;
    final Map<String, String> results = new LinkedHashMap<>();

    IngestBench(Config config) {
        this.config = config;
        this.url = config.str("url", "http://127.0.0.1:18090");
        this.writeKey = config.required("write-key");
        this.workspaceId = UUID.fromString(config.required("workspace-id"));
        this.warmupWriteKey = config.str("warmup-write-key", null);
        this.audienceWriteKey = config.str("audience-write-key", null);
        this.audienceWarmupWriteKey = config.str("audience-warmup-write-key", null);
        this.audienceWorkspaceId = config.str("audience-workspace-id", null);
        this.jdbc = config.str("jdbc", "jdbc:postgresql://127.0.0.1:5432/kizuna_bench?user=postgres");
        this.profiles = config.integer("profiles", 5000);
        this.clients = config.integer("clients", 8);
        this.batchSize = config.integer("batch-size", 250);
        this.resendRate = config.decimal("duplicate-rate", 0.10);
        this.seed = Long.parseLong(config.str("seed", "42"));
        int days = config.integer("days", 120);
        this.windowEnd = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
        this.windowStart = windowEnd - Duration.ofDays(days).toMillis();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        this.analyzeEvery = config.integer("analyze-every", 0);
        this.cpu = new Cpu(Long.parseLong(config.str("kizuna-pid", "0")));
    }

    Generator generator(String prefix, int people, long seed, double rate) {
        Generator generator = new Generator(prefix, people, seed, rate, windowStart, windowEnd, config.integer("resend-overlap-percent", 10),
                config.integer("resend-min-distance", 5_000), config.integer("resend-max-distance", 50_000));
        generator.randomMessageIds = "uuid".equals(config.str("message-ids", "analytics-js"));
        return generator;
    }

    public static void main(String[] args) throws Exception {
        IngestBench bench = new IngestBench(new Config(args));
        System.exit(bench.run());
    }

    static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    void result(String key, Object value) {
        results.put(key, String.valueOf(value));
    }

    int run() throws Exception {
        say("== Kizuna ingestion benchmark ==");
        say("profiles %d, clients %d, batch size %d, resent-message share %.0f%%, seed %d, event window %s .. %s",
                profiles, clients, batchSize, resendRate * 100, seed, Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd));
        say("Kizuna %s, database %s, %d CPU(s) visible", url, jdbc.replaceAll("password=[^&]*", "password=***"), Runtime.getRuntime().availableProcessors());
        String prefix = config.str("prefix", "b" + Long.toString(System.currentTimeMillis() % 1_000_000L, 36));

        try (Connection admin = DriverManager.getConnection(jdbc)) {
            admin.setAutoCommit(true);
            ensurePartitions(admin);
            try (Statement statement = admin.createStatement(); ResultSet rows = statement.executeQuery("SHOW autovacuum")) {
                rows.next();
                say("server autovacuum: %s; --analyze-every=%d%s", rows.getString(1), analyzeEvery,
                        analyzeEvery > 0 ? " s (the bench runs ANALYZE during the Kizuna and latency phases)" : " (no ANALYZE by the bench)");
            }

            // 1. the dataset, generated once without sending: its size and the generator's speed
            DatasetStats stats = dataset(prefix);
            stats.print();
            say("   messageIds: %s", "uuid".equals(config.str("message-ids", "analytics-js"))
                    ? "bare random UUIDs (--message-ids=uuid)" : "analytics.js's format, ajs-next-<epoch ms at creation>-<uuid> (--message-ids=uuid for bare UUIDs)");

            // 2. warm-up of both paths, then empty the events table
            int warmupProfiles = config.integer("warmup-profiles", Math.max(1500, profiles / 50));
            if (warmupProfiles > 0 && warmupWriteKey != null) {
                say("-- warm-up: %d profiles through Kizuna (separate workspace) and the baseline", warmupProfiles);
                Generator warmKizuna = generator(prefix + "w", warmupProfiles, seed + 1, resendRate);
                kizunaPhase(warmKizuna, warmupWriteKey, true, warmupProfiles);
                if (audienceWarmupWriteKey != null) {
                    // The audience engine's code is compiled here too, so that the first phase with
                    // audiences does not pay the JIT compiler's time while the one without does not.
                    say("-- warm-up of the audience engine: the same %d profiles into a workspace with the same rule tags and segments", warmupProfiles);
                    kizunaPhase(generator(prefix + "w", warmupProfiles, seed + 1, resendRate), audienceWarmupWriteKey, true, warmupProfiles);
                }
                Generator warmBase = generator(prefix + "w", warmupProfiles, seed + 1, 0);
                baselinePhase(warmBase, UUID.randomUUID(), true, warmupProfiles);
                int warmupRequests = config.integer("warmup-requests", 3000);
                if (warmupRequests > 0) {
                    latencyPhase(prefix + "w", warmupWriteKey, warmupProfiles, warmupRequests, 60, true);
                }
            }
            reset(admin, "before the baseline");

            // 3. baseline: raw multi-row INSERT of the same rows, same concurrency and batch size
            UUID baselineWorkspace = UUID.randomUUID();
            say("-- baseline: raw multi-row INSERT into events over JDBC (workspace %s), %d connections, %d rows per statement",
                    baselineWorkspace, clients, batchSize);
            Map<String, Long> baseBefore = dbStats(admin);
            PhaseResult baseline = baselinePhase(generator(prefix, profiles, seed, 0), baselineWorkspace, false, profiles);
            baseline.print("baseline");
            printDbStats("baseline", baseBefore, dbStats(admin), baseline.messages, baseline.requests);
            long baselineRows = count(admin, "SELECT count(*) FROM events WHERE workspace_id = '" + baselineWorkspace + "'");
            say("   rows in events for the baseline workspace: %d (expected %d)", baselineRows, stats.unique);
            if (!"true".equals(config.str("keep-baseline-rows", "false"))) {
                reset(admin, "before Kizuna");
            }

            // 4. Kizuna: the same stream, with resent messages, through POST /v1/batch
            say("-- Kizuna: POST /v1/batch, %d concurrent clients, up to %d messages per request, %d resent messages mixed in",
                    clients, batchSize, stats.resends);
            Map<String, Long> dbBefore = dbStats(admin);
            Map<String, long[]> tablesBefore = tableStats(admin);
            boolean statements = resetStatementStats(admin);
            PhaseResult kizuna;
            try (WaitSampler waits = new WaitSampler(jdbc, "PostgreSQL JDBC%"); Analyzer analyzer = new Analyzer(jdbc, analyzeEvery)) {
                kizuna = kizunaPhase(generator(prefix, profiles, seed, resendRate), writeKey, false, profiles);
                waits.close();
                kizuna.print("kizuna");
                waits.print("kizuna", config.integer("wait-top", 14));
            }
            printDbStats("kizuna", dbBefore, dbStats(admin), kizuna.messages, kizuna.requests);
            printTableStats("kizuna", tablesBefore, tableStats(admin), kizuna.messages);
            if (statements) {
                printStatementStats(admin, "kizuna", kizuna.messages, config.integer("statements-top", 12));
            }

            // 5. checks
            say("-- checks");
            long duplicateRows = count(admin, "SELECT count(*) FROM (SELECT message_id, count(*) FROM events WHERE workspace_id = '" + workspaceId
                    + "' GROUP BY message_id HAVING count(*) > 1) d");
            long storedRows = count(admin, "SELECT count(*) FROM events WHERE workspace_id = '" + workspaceId + "'");
            long profileRows = count(admin, "SELECT count(*) FROM profiles WHERE workspace_id = '" + workspaceId + "'");
            long orderSum = count(admin, "SELECT coalesce(sum(order_count), 0) FROM profiles WHERE workspace_id = '" + workspaceId + "'");
            long revenueSum = count(admin, "SELECT coalesce(round(sum(lifetime_revenue)), 0) FROM profiles WHERE workspace_id = '" + workspaceId + "'");
            long merges = count(admin, "SELECT count(*) FROM profile_merges WHERE workspace_id = '" + workspaceId + "'");
            say("   duplicate message_id rows in events (SELECT message_id, count(*) ... HAVING count(*) > 1): %d   [issue target: 0] %s",
                    duplicateRows, duplicateRows == 0 ? "MET" : "NOT MET");
            say("   rows stored %d, unique messages sent %d, lost %d; Kizuna acknowledged %d accepted + %d duplicates",
                    storedRows, stats.unique, stats.unique - storedRows, kizuna.accepted, kizuna.duplicates);
            say("   profiles %d (expected %d, one per customer); orders %d (expected %d); lifetime revenue %d (expected %d); merge records %d",
                    profileRows, profiles, orderSum, stats.orders, revenueSum, stats.revenue, merges);
            boolean consistent = storedRows == stats.unique && profileRows == profiles && orderSum == stats.orders && revenueSum == stats.revenue;
            say("   data consistency: %s", consistent ? "OK" : "MISMATCH (see above)");
            result("duplicate_rows", duplicateRows);
            result("stored_rows", storedRows);
            result("consistent", consistent);

            // 6. single-event latency
            dbBefore = dbStats(admin);
            tablesBefore = tableStats(admin);
            Percentiles latency;
            try (WaitSampler waits = new WaitSampler(jdbc, "PostgreSQL JDBC%"); Analyzer analyzer = new Analyzer(jdbc, analyzeEvery)) {
                latency = latencyPhase(prefix);
                waits.close();
                waits.print("latency", config.integer("wait-top", 14));
            }
            printDbStats("latency", dbBefore, dbStats(admin), latency.count(), latency.count());
            printTableStats("latency", tablesBefore, tableStats(admin), latency.count());

            // 6b. the real-time cost: the same stream into a workspace with rule tags and segments active
            PhaseResult withAudiences = null;
            List<PhaseResult[]> audiencePairs = new ArrayList<>();
            if (audienceWriteKey != null && audienceWorkspaceId != null) {
                withAudiences = audiencePhase(admin, prefix, stats, kizuna);
                audiencePairs.add(new PhaseResult[] {kizuna, withAudiences});
                // Further rounds swap the order of the two phases (without-with, then with-without,
                // ...), so a drift of this shared machine's speed during the run weighs on both
                // sides instead of always on the later phase.
                for (int round = 2; round <= config.integer("audience-rounds", 1); round++) {
                    if (round % 2 == 0) {
                        PhaseResult with = audiencePhase(admin, prefix, stats, null);
                        PhaseResult without = withoutAudiencesAgain(admin, prefix, round);
                        say("   round %d, with audiences / without: %.3f", round, with.storedPerSecond() / without.storedPerSecond());
                        audiencePairs.add(new PhaseResult[] {without, with});
                    } else {
                        PhaseResult without = withoutAudiencesAgain(admin, prefix, round);
                        audiencePairs.add(new PhaseResult[] {without, audiencePhase(admin, prefix, stats, without)});
                    }
                }
            }

            // 7. the baseline again, after Kizuna, on an emptied table: shows how much the machine's noise moved it
            PhaseResult baselineAfter = null;
            if (!"false".equals(config.str("baseline-after", "true"))) {
                reset(admin, "before the second baseline (Kizuna's events are gone from here on)");
                UUID afterWorkspace = UUID.randomUUID();
                say("-- baseline again, after Kizuna: same rows, workspace %s", afterWorkspace);
                baselineAfter = baselinePhase(generator(prefix, profiles, seed, 0), afterWorkspace, false, profiles);
                baselineAfter.print("baseline-after");
            }

            // summary
            double baselineRate = baselineAfter == null ? baseline.rowsPerSecond() : (baseline.rowsPerSecond() + baselineAfter.rowsPerSecond()) / 2;
            double ratio = kizuna.storedPerSecond() / baselineRate;
            say("");
            say("== results (as measured; 2 shared cores, expect noise) ==");
            say("baseline raw INSERT      : %,.0f events/s (%d rows in %.1f s)%s", baseline.rowsPerSecond(), baseline.stored, baseline.seconds,
                    baselineAfter == null ? "" : String.format(Locale.ROOT, "; again after Kizuna: %,.0f events/s; mean %,.0f events/s",
                            baselineAfter.rowsPerSecond(), baselineRate));
            say("Kizuna /v1/batch         : %,.0f events/s stored (%d in %.1f s); %,.0f messages/s incl. %d resends",
                    kizuna.storedPerSecond(), kizuna.stored, kizuna.seconds, kizuna.messages / kizuna.seconds, kizuna.resends);
            say("ratio Kizuna / baseline  : %.3f   [issue target >= 0.35: %s; aim 0.5]%s", ratio, ratio >= 0.35 ? "MET" : "NOT MET",
                    baselineAfter == null ? "" : String.format(Locale.ROOT, " (%.3f against the first baseline alone, %.3f against the second)",
                            kizuna.storedPerSecond() / baseline.rowsPerSecond(), kizuna.storedPerSecond() / baselineAfter.rowsPerSecond()));
            say("duplicate rows           : %d   [issue target 0: %s]", duplicateRows, duplicateRows == 0 ? "MET" : "NOT MET");
            say("/v1/track latency        : %s   [issue target p99 < 50 ms: %s]", latency.format(), latency.p99() < 50 ? "MET" : "NOT MET");
            say("Kizuna batch request     : %s", kizuna.latency.percentiles().format());
            if (withAudiences != null) {
                double withStored = 0;
                double withSeconds = 0;
                double withoutStored = 0;
                double withoutSeconds = 0;
                StringBuilder rounds = new StringBuilder();
                for (PhaseResult[] pair : audiencePairs) {
                    withoutStored += pair[0].stored;
                    withoutSeconds += pair[0].seconds;
                    withStored += pair[1].stored;
                    withSeconds += pair[1].seconds;
                    rounds.append(String.format(Locale.ROOT, "%s%.3f", rounds.length() == 0 ? "" : ", ", pair[1].storedPerSecond() / pair[0].storedPerSecond()));
                }
                double realTime = (withStored / withSeconds) / (withoutStored / withoutSeconds);
                say("with audiences active    : %,.0f events/s stored; %.3f of Kizuna without them%s   [issue 4 target >= 0.7: %s]",
                        withStored / withSeconds, realTime, audiencePairs.size() == 1 ? ""
                                : String.format(Locale.ROOT, " (all events over all time, %d rounds in alternating order: %s)", audiencePairs.size(), rounds),
                        realTime >= 0.7 ? "MET" : "NOT MET");
                result("audiences_events_per_s", String.format(Locale.ROOT, "%.0f", withStored / withSeconds));
                result("audiences_ratio", String.format(Locale.ROOT, "%.3f", realTime));
            }
            result("baseline_events_per_s", String.format(Locale.ROOT, "%.0f", baselineRate));
            result("kizuna_events_per_s", String.format(Locale.ROOT, "%.0f", kizuna.storedPerSecond()));
            result("ratio", String.format(Locale.ROOT, "%.3f", ratio));
            result("track_p50_ms", String.format(Locale.ROOT, "%.1f", latency.p50()));
            result("track_p95_ms", String.format(Locale.ROOT, "%.1f", latency.p95()));
            result("track_p99_ms", String.format(Locale.ROOT, "%.1f", latency.p99()));
            StringBuilder line = new StringBuilder("RESULT");
            results.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            say("%s", line);
            return kizuna.errors == 0 && duplicateRows == 0 ? 0 : 1;
        }
    }

    // ---- dataset --------------------------------------------------------------------------------

    static final class DatasetStats {
        long unique;
        long resends;
        long overlapResends;
        long bytes;
        long orders;
        long revenue;
        double seconds;
        final Map<String, Long> mix = new TreeMap<>();

        void print() {
            say("-- dataset: %,d unique messages + %,d resends = %,d messages, %.1f MB of Segment JSON, %,d orders worth %,d JPY",
                    unique, resends, unique + resends, bytes / 1e6, orders, revenue);
            StringBuilder sb = new StringBuilder();
            mix.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %,d; ", k, v)));
            say("   mix: %s", sb);
            say("   resends: %,d late (of messages sent 5k-50k messages before), %,d overlapping (of one of the last 500, possibly in flight)",
                    resends - overlapResends, overlapResends);
            say("   generator alone: %,.0f messages/s (%.1f s, one thread)", (unique + resends) / seconds, seconds);
        }
    }

    DatasetStats dataset(String prefix) {
        DatasetStats stats = new DatasetStats();
        long start = System.nanoTime();
        Generator generator = generator(prefix, profiles, seed, resendRate);
        while (generator.hasNext()) {
            Ev e = generator.next();
            stats.bytes += e.segmentJson.length();
            if (e.resend) {
                stats.resends++;
                continue;
            }
            stats.unique++;
            stats.mix.merge(e.type.equals("track") ? e.name : e.type, 1L, Long::sum);
            if (e.orderTotal > 0) {
                stats.orders++;
                stats.revenue += e.orderTotal;
            }
        }
        stats.seconds = (System.nanoTime() - start) / 1e9;
        stats.overlapResends = generator.overlapResends;
        return stats;
    }

    // ---- database helpers ---------------------------------------------------------------------

    /** Monthly partitions for the event window, named and bounded as Kizuna's EventPartitions makes them. */
    void ensurePartitions(Connection connection) throws SQLException {
        TreeSet<YearMonth> months = new TreeSet<>();
        YearMonth month = YearMonth.from(Instant.ofEpochMilli(windowStart).atOffset(ZoneOffset.UTC).minusDays(1));
        YearMonth last = YearMonth.from(Instant.now().atOffset(ZoneOffset.UTC)).plusMonths(3);
        while (!month.isAfter(last)) {
            months.add(month);
            month = month.plusMonths(1);
        }
        try (Statement statement = connection.createStatement()) {
            for (YearMonth m : months) {
                String name = String.format("events_%04d_%02d", m.getYear(), m.getMonthValue());
                statement.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF events FOR VALUES FROM ('" + m.atDay(1)
                        + " 00:00:00+00') TO ('" + m.plusMonths(1).atDay(1) + " 00:00:00+00')");
            }
        }
        say("partitions: %d monthly partitions of events from %s to %s", months.size(), months.first(), months.last());
    }

    /** Empties the events table (only bench data lives in this scratch database) and flushes dirty pages. */
    /**
     * The stream again, into a workspace whose rule tags and segments (bench/ingest/audiences.json)
     * are decided again for every changed profile in each ingest transaction. The tables Kizuna's
     * phase filled are emptied first, so both phases start from the same state.
     */
    PhaseResult audiencePhase(Connection admin, String prefix, DatasetStats stats, PhaseResult kizuna) throws Exception {
        try (Statement statement = admin.createStatement()) {
            statement.execute("""
                    TRUNCATE events, message_claims, identities, profile_merges, profile_tags, segment_members,
                             audience_changes, profile_wakeups, profiles""");
            statement.execute("CHECKPOINT");
        }
        String audiences = "'" + UUID.fromString(audienceWorkspaceId) + "'";
        say("-- Kizuna with audiences: the same stream into workspace %s, with %d rule tags and %d segments active (profiles, events and claims emptied first)",
                audienceWorkspaceId, count(admin, "SELECT count(*) FROM tags WHERE kind = 'RULE' AND workspace_id = " + audiences),
                count(admin, "SELECT count(*) FROM segments WHERE workspace_id = " + audiences));
        PhaseResult result;
        Map<String, Long> dbBefore = dbStats(admin);
        Map<String, long[]> tablesBefore = tableStats(admin);
        boolean statements = resetStatementStats(admin);
        try (WaitSampler waits = new WaitSampler(jdbc, "PostgreSQL JDBC%"); Analyzer analyzer = new Analyzer(jdbc, analyzeEvery)) {
            result = kizunaPhase(generator(prefix, profiles, seed, resendRate), audienceWriteKey, false, profiles);
            waits.close();
            result.print("audiences");
            waits.print("audiences", config.integer("wait-top", 14));
        }
        printDbStats("audiences", dbBefore, dbStats(admin), result.messages, result.requests);
        printTableStats("audiences", tablesBefore, tableStats(admin), result.messages);
        if (statements) {
            printStatementStats(admin, "audiences", result.messages, config.integer("statements-top", 20));
        }
        long stored = count(admin, "SELECT count(*) FROM events WHERE workspace_id = " + audiences);
        long orders = count(admin, "SELECT coalesce(sum(order_count), 0) FROM profiles WHERE workspace_id = " + audiences);
        say("   rows stored %d (expected %d); orders %d (expected %d); rule tag assignments %d; segment memberships %d; audience changes logged %d",
                stored, stats.unique, orders, stats.orders,
                count(admin, "SELECT count(*) FROM profile_tags WHERE workspace_id = " + audiences),
                count(admin, "SELECT count(*) FROM segment_members WHERE workspace_id = " + audiences),
                count(admin, "SELECT count(*) FROM audience_changes WHERE workspace_id = " + audiences));
        if (kizuna != null) {
            say("   with audiences / without: %.3f (%,.0f against %,.0f events/s)", result.storedPerSecond() / kizuna.storedPerSecond(),
                    result.storedPerSecond(), kizuna.storedPerSecond());
        }
        return result;
    }

    /** Kizuna's phase again, into the workspace without audiences, from the same emptied state as an audience phase. */
    PhaseResult withoutAudiencesAgain(Connection admin, String prefix, int round) throws Exception {
        try (Statement statement = admin.createStatement()) {
            statement.execute("""
                    TRUNCATE events, message_claims, identities, profile_merges, profile_tags, segment_members,
                             audience_changes, profile_wakeups, profiles""");
            statement.execute("CHECKPOINT");
        }
        say("-- round %d: Kizuna without audiences again, the same stream into workspace %s (profiles, events and claims emptied first)",
                round, workspaceId);
        PhaseResult result = kizunaPhase(generator(prefix, profiles, seed, resendRate), writeKey, false, profiles);
        result.print("without audiences, round " + round);
        return result;
    }

    void reset(Connection connection, String when) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Wake-ups left by the warm-up with audiences would otherwise be swept during the phases.
            statement.execute("TRUNCATE events, profile_wakeups");
            statement.execute("CHECKPOINT");
        }
        say("   (events and wake-ups truncated and CHECKPOINT taken %s)", when);
    }

    static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // ---- database-side observation ---------------------------------------------------------------

    /**
     * Samples pg_stat_activity of the bench database every 50 ms while a phase runs and counts, per
     * (state, wait event, statement), how often a Kizuna backend was seen so. "idle in transaction"
     * means a transaction is open while PostgreSQL waits for Kizuna's next statement (Java work,
     * event-loop queueing, or a round trip); "Lock:transactionid" or "Lock:advisory" are lock waits.
     */
    static final class WaitSampler implements AutoCloseable {
        final Map<String, Long> counts = new ConcurrentHashMap<>();
        final AtomicLong samples = new AtomicLong();
        final AtomicLong backendSamples = new AtomicLong();
        final Thread thread;
        volatile boolean running = true;

        WaitSampler(String jdbc, String exclude) {
            thread = new Thread(() -> {
                try (Connection connection = DriverManager.getConnection(jdbc);
                        PreparedStatement query = connection.prepareStatement("""
                                SELECT state, coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait,
                                       left(regexp_replace(query, '\\s+', ' ', 'g'), 72) AS statement
                                  FROM pg_stat_activity
                                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                                   AND state <> 'idle' AND application_name NOT LIKE ?""")) {
                    query.setString(1, exclude);
                    while (running) {
                        try (ResultSet rows = query.executeQuery()) {
                            while (rows.next()) {
                                String state = rows.getString(1);
                                String key = state.equals("active") ? rows.getString(2) + " | " + rows.getString(3)
                                        : state + " | after: " + rows.getString(3);
                                counts.merge(key, 1L, Long::sum);
                                backendSamples.incrementAndGet();
                            }
                        }
                        samples.incrementAndGet();
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    counts.merge("sampler failed: " + e, 1L, Long::sum);
                }
            }, "wait-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        void print(String label, int top) {
            long n = Math.max(1, samples.get());
            say("   %s database wait profile: %d samples, on average %.1f Kizuna backends busy (active or idle in transaction); top:",
                    label, samples.get(), backendSamples.get() / (double) n);
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                    .forEach(entry -> say("     %5.2f backends  %s", entry.getValue() / (double) n, entry.getKey()));
        }
    }

    /**
     * With --analyze-every=N (seconds), runs ANALYZE on the tables ingestion reads while a phase
     * runs, as autovacuum would on a server that has it on. Off by default: the run then measures
     * the server as configured (the bench prints whether autovacuum is on).
     */
    static final class Analyzer implements AutoCloseable {
        final Thread thread;
        volatile boolean running = true;
        final AtomicInteger runs = new AtomicInteger();

        Analyzer(String jdbc, int everySeconds) {
            thread = new Thread(() -> {
                if (everySeconds <= 0) {
                    return;
                }
                try (Connection connection = DriverManager.getConnection(jdbc); Statement statement = connection.createStatement()) {
                    long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(everySeconds);
                    while (running) {
                        if (System.nanoTime() >= next) {
                            statement.execute("ANALYZE identities, profiles, message_claims, events");
                            runs.incrementAndGet();
                            next = System.nanoTime() + TimeUnit.SECONDS.toNanos(everySeconds);
                        }
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    say("   analyzer failed: %s", e);
                }
            }, "analyzer");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(60_000);
        }
    }

    /** Per-table scan counters (pg_stat_user_tables, partitions folded into their parent), to diff around a phase. */
    static Map<String, long[]> tableStats(Connection connection) throws SQLException {
        Map<String, long[]> stats = new TreeMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
                SELECT regexp_replace(relname, '^events_.*$', 'events') AS name, sum(seq_scan), sum(seq_tup_read),
                       sum(coalesce(idx_scan, 0)), sum(coalesce(idx_tup_fetch, 0)), sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_hot_upd)
                  FROM pg_stat_user_tables GROUP BY 1""")) {
            while (rows.next()) {
                long[] values = new long[7];
                for (int i = 0; i < 7; i++) {
                    values[i] = rows.getLong(i + 2);
                }
                stats.put(rows.getString(1), values);
            }
        }
        return stats;
    }

    static void printTableStats(String label, Map<String, long[]> before, Map<String, long[]> after, long events) {
        say("   %s per-table reads and writes per event (seq scans, rows read by seq scans, index scans, rows fetched by index, inserted, updated, HOT):", label);
        after.forEach((table, values) -> {
            long[] old = before.getOrDefault(table, new long[7]);
            double[] d = new double[7];
            boolean any = false;
            for (int i = 0; i < 7; i++) {
                d[i] = (values[i] - old[i]) / (double) Math.max(1, events);
                any |= values[i] != old[i];
            }
            if (any) {
                say("     %-16s seq %.2f  seq rows %.1f  idx %.2f  idx rows %.1f  ins %.2f  upd %.2f  hot %.2f", table, d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
            }
        });
    }

    /** Resets pg_stat_statements when the server preloads it; false when it is not available. */
    static boolean resetStatementStats(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            statement.execute("SELECT pg_stat_statements_reset()");
            return true;
        } catch (SQLException e) {
            say("   (pg_stat_statements is not available, so no per-statement figures: %s)", e.getMessage());
            return false;
        }
    }

    /** The statements of this database that took the most server time since the reset, per 1,000 events. */
    static void printStatementStats(Connection connection, String label, long events, int top) throws SQLException {
        say("   %s statements by server time (per 1k events: ms executing, calls, blocks read outside shared_buffers, WAL kB, ms planning"
                + " when pg_stat_statements.track_planning is on):", label);
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
                SELECT total_exec_time, calls, shared_blks_read, wal_bytes, total_plan_time, regexp_replace(query, '\\s+', ' ', 'g') AS query
                  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                 WHERE d.datname = current_database() ORDER BY total_exec_time DESC LIMIT """ + " " + top)) {
            double per = 1000.0 / Math.max(1, events);
            while (rows.next()) {
                String query = rows.getString("query");
                say("     %7.1f ms %7.1f calls %7.1f blks %7.1f kB %6.1f ms plan  %s", rows.getDouble(1) * per, rows.getLong(2) * per,
                        rows.getLong(3) * per, rows.getDouble(4) * per / 1024, rows.getDouble(5) * per, query.length() > 90 ? query.substring(0, 90) : query);
            }
        }
    }

    /** pg_stat_database counters for this database, to diff around a phase. */
    static Map<String, Long> dbStats(Connection connection) throws SQLException, InterruptedException {
        Thread.sleep(1_200); // backends report their counters to the statistics system about once a second
        Map<String, Long> stats = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("""
                SELECT xact_commit, xact_rollback, deadlocks, tup_inserted, tup_updated, tup_deleted, tup_fetched, tup_returned,
                       blks_read, blks_hit, temp_bytes, w.wal_records, w.wal_fpi, w.wal_bytes::bigint AS wal_bytes,
                       b.checkpoints_timed + b.checkpoints_req AS checkpoints, b.buffers_backend
                  FROM pg_stat_database, pg_stat_wal w, pg_stat_bgwriter b WHERE datname = current_database()""")) {
            rows.next();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                stats.put(rows.getMetaData().getColumnName(i), rows.getLong(i));
            }
        }
        return stats;
    }

    static void printDbStats(String label, Map<String, Long> before, Map<String, Long> after, long events, long requests) {
        StringBuilder sb = new StringBuilder();
        after.forEach((k, v) -> sb.append(k).append('=').append(v - before.get(k)).append(' '));
        say("   %s pg_stat_database delta: %s", label, sb.toString().trim());
        long commits = after.get("xact_commit") - before.get("xact_commit");
        long deadlocks = after.get("deadlocks") - before.get("deadlocks");
        say("   %s per request: %.1f commits, %.2f rollbacks, %.2f deadlocks; per event: %.2f rows inserted, %.2f rows updated, %.1f rows fetched",
                label, commits / (double) requests, (after.get("xact_rollback") - before.get("xact_rollback")) / (double) requests,
                deadlocks / (double) requests,
                (after.get("tup_inserted") - before.get("tup_inserted")) / (double) events,
                (after.get("tup_updated") - before.get("tup_updated")) / (double) events,
                (after.get("tup_fetched") - before.get("tup_fetched")) / (double) events);
        say("   %s per event (whole server): %.1f WAL bytes, %.3f full-page images, %.2f blocks read outside shared_buffers; %d checkpoints",
                label, (after.get("wal_bytes") - before.get("wal_bytes")) / (double) events,
                (after.get("wal_fpi") - before.get("wal_fpi")) / (double) events,
                (after.get("blks_read") - before.get("blks_read")) / (double) events,
                after.get("checkpoints") - before.get("checkpoints"));
    }

    // ---- phases -------------------------------------------------------------------------------

    static final class PhaseResult {
        long messages;
        long resends;
        long stored;
        long accepted;
        long duplicates;
        long requests;
        long errors;
        long retries;
        long failedAttempts;
        double seconds;
        double prepareSeconds;
        boolean materialised;
        Samples latency = new Samples();
        Cpu.Sample cpu;
        final List<String> errorSamples = new ArrayList<>();

        double rowsPerSecond() {
            return stored / seconds;
        }

        double storedPerSecond() {
            return stored / seconds;
        }

        void print(String label) {
            say("   %s: %,d messages (%,d resends) in %,d requests, %.2f s -> %,.0f stored events/s, %,.0f messages/s",
                    label, messages, resends, requests, seconds, stored / seconds, messages / seconds);
            say("   %s request latency: %s", label, latency.percentiles().format());
            if (cpu != null) {
                say("   %s %s", label, Cpu.describe(cpu, Math.max(1, stored)));
            }
            say("   %s: batches %s before timing (%.1f s)", label, materialised ? "generated in memory" : "streamed by a producer thread", prepareSeconds);
            if (errors > 0 || retries > 0 || failedAttempts > 0) {
                say("   %s: %d requests failed for good, %d retries, %d failed attempts; first errors: %s", label, errors, retries, failedAttempts, errorSamples);
            }
        }
    }

    /** One request's worth of messages; for Kizuna, its body up to the batch array's end may be prepared ahead. */
    static final class Batch {
        List<Ev> events;
        byte[] bodyStart; // {"batch":[ ... ]   (the send adds ,"sentAt":"..."} )
        int size;
        int resends;
    }

    static final Batch END = new Batch();

    /** Groups a generator's messages into batches of at most batchSize messages and maxBytes of JSON. */
    static Iterator<Batch> batches(Generator generator, int batchSize, int maxBytes, boolean prepareBodies) {
        return new Iterator<>() {
            Ev carry;

            @Override
            public boolean hasNext() {
                return carry != null || generator.hasNext();
            }

            @Override
            public Batch next() {
                Batch batch = new Batch();
                batch.events = new ArrayList<>(batchSize);
                int bytes = 0;
                while (batch.events.size() < batchSize && (carry != null || generator.hasNext())) {
                    Ev e = carry != null ? carry : generator.next();
                    carry = null;
                    int length = e.segmentJson.length() + 1;
                    if (!batch.events.isEmpty() && bytes + length > maxBytes) {
                        carry = e;
                        break;
                    }
                    batch.events.add(e);
                    bytes += length;
                    if (e.resend) {
                        batch.resends++;
                    }
                }
                batch.size = batch.events.size();
                if (prepareBodies) {
                    batch.bodyStart = bodyStart(batch.events);
                    batch.events = null;
                }
                return batch;
            }
        };
    }

    static byte[] bodyStart(List<Ev> events) {
        StringBuilder body = new StringBuilder(events.size() * 900).append("{\"batch\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(events.get(i).segmentJson);
        }
        return body.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The batches for the workers. Materialised: all generated before the clock starts, so the
     * timed phase spends no CPU on generation (the default when the data fits in a third of the
     * heap). Streamed: a producer thread generates ahead of the workers (the full size).
     */
    static final class Feed {
        final BlockingQueue<Batch> queue;
        final Thread producer;
        volatile Throwable failure;

        Feed(Iterator<Batch> source, int workers, boolean materialise) {
            if (materialise) {
                List<Batch> all = new ArrayList<>();
                source.forEachRemaining(all::add);
                queue = new ArrayBlockingQueue<>(all.size() + workers);
                queue.addAll(all);
                for (int i = 0; i < workers; i++) {
                    queue.add(END);
                }
                producer = null;
                return;
            }
            queue = new ArrayBlockingQueue<>(Math.max(16, workers * 8));
            producer = new Thread(() -> {
                try {
                    while (source.hasNext()) {
                        queue.put(source.next());
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    for (int i = 0; i < workers; i++) {
                        try {
                            queue.put(END);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }, "feed");
            producer.setDaemon(true);
            producer.start();
        }

        void awaitFull() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (producer != null && queue.remainingCapacity() > 0 && producer.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    interface Worker {
        void run(Batch batch) throws Exception;
    }

    boolean materialise(int people) {
        String mode = config.str("materialize", "auto");
        if (!mode.equals("auto")) {
            return Boolean.parseBoolean(mode);
        }
        long estimate = (long) people * 100 * 1_000; // ~100 messages of ~1 KB in memory per profile
        return estimate < Runtime.getRuntime().maxMemory() / 3;
    }

    PhaseResult runPhase(Iterator<Batch> source, boolean materialise, java.util.function.Function<PhaseResult, Worker> workerFactory,
            String name) throws Exception {
        PhaseResult result = new PhaseResult();
        long prepareStart = System.nanoTime();
        Feed feed = new Feed(source, clients, materialise);
        feed.awaitFull();
        result.prepareSeconds = (System.nanoTime() - prepareStart) / 1e9;
        result.materialised = materialise;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(workerFactory.apply(result));
        }
        CountDownLatch done = new CountDownLatch(clients);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Cpu.Sample before = cpu.sample();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            Worker worker = workers.get(i);
            Thread thread = new Thread(() -> {
                try {
                    while (true) {
                        Batch batch = feed.queue.take();
                        if (batch == END) {
                            break;
                        }
                        worker.run(batch);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            }, name + "-" + i);
            thread.start();
        }
        long limit = Long.parseLong(config.str("phase-timeout-seconds", "14400"));
        if (!done.await(limit, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not finish within " + limit + " s (--phase-timeout-seconds)");
        }
        result.seconds = (System.nanoTime() - start) / 1e9;
        result.cpu = cpu.sample().minus(before);
        if (feed.failure != null) {
            throw new IllegalStateException("generator failed", feed.failure);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(name + " worker failed", failures.get(0));
        }
        return result;
    }

    PhaseResult baselinePhase(Generator generator, UUID workspace, boolean warmup, int people) throws Exception {
        List<Connection> connections = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            return runPhase(batches(generator, batchSize, Integer.MAX_VALUE, false), materialise(people), r -> {
                try {
                    Connection connection = DriverManager.getConnection(jdbc);
                    connection.setAutoCommit(true);
                    connections.add(connection);
                    Map<Integer, PreparedStatement> statements = new HashMap<>();
                    SplittableRandom random = new SplittableRandom();
                    return batch -> {
                        PreparedStatement insert = statements.computeIfAbsent(batch.size, n -> prepare(connection, n));
                        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                        long t0 = System.nanoTime();
                        int p = 1;
                        for (Ev e : batch.events) {
                            insert.setObject(p++, workspace);
                            insert.setObject(p++, uuidV7(System.currentTimeMillis(), random));
                            insert.setObject(p++, profileUuid(workspace, e.profile));
                            insert.setString(p++, e.messageId);
                            insert.setString(p++, e.type);
                            insert.setString(p++, e.name);
                            insert.setObject(p++, e.timestamp.atOffset(ZoneOffset.UTC));
                            insert.setObject(p++, now);
                            insert.setObject(p++, now);
                            insert.setString(p++, e.userId);
                            insert.setString(p++, e.anonymousId);
                            insert.setString(p++, "web");
                            insert.setString(p++, e.propertiesJson);
                            insert.setString(p++, e.traitsJson);
                            insert.setString(p++, e.contextJson);
                        }
                        insert.executeUpdate();
                        r.latency.add(System.nanoTime() - t0);
                        synchronized (r) {
                            r.messages += batch.size;
                            r.stored += batch.size;
                            r.requests++;
                        }
                    };
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, warmup ? "warm-baseline" : "baseline");
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    static PreparedStatement prepare(Connection connection, int rows) {
        StringBuilder sql = new StringBuilder("""
                INSERT INTO events (workspace_id, id, profile_id, message_id, type, name, occurred_at, received_at, sent_at,
                                    user_id, anonymous_id, channel, properties, traits, context) VALUES """);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?::jsonb,?::jsonb)");
        }
        try {
            return connection.prepareStatement(sql.toString());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
    static final Pattern DUPLICATES = Pattern.compile("\"duplicates\"\\s*:\\s*(\\d+)");

    PhaseResult kizunaPhase(Generator generator, String key, boolean warmup, int people) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        URI batchUri = URI.create(url + "/v1/batch");
        int maxAttempts = 4;
        // Segment's limit is 500 KB per batch; analytics-node fills batches up to 480 KB.
        return runPhase(batches(generator, batchSize, 480_000, true), materialise(people), r -> batch -> {
            // sentAt is the time of sending, as the SDKs set it; Kizuna corrects timestamps for clock skew with it
            byte[] end = (",\"sentAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
            long accepted = 0;
            long duplicates = 0;
            boolean ok = false;
            int retries = 0;
            String error = null;
            for (int attempt = 1; attempt <= maxAttempts && !ok; attempt++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(batchUri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json").header("Authorization", auth)
                        .header("User-Agent", "kizuna-ingest-bench");
                if (attempt > 1) {
                    request.header("X-Retry-Count", Integer.toString(attempt - 1));
                    retries++;
                    Thread.sleep(100L * attempt);
                }
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(request.POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofByteArray(batch.bodyStart), HttpRequest.BodyPublishers.ofByteArray(end))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    r.latency.add(System.nanoTime() - t0);
                    if (response.statusCode() == 200) {
                        Matcher a = ACCEPTED.matcher(response.body());
                        Matcher d = DUPLICATES.matcher(response.body());
                        accepted = a.find() ? Long.parseLong(a.group(1)) : 0;
                        duplicates = d.find() ? Long.parseLong(d.group(1)) : 0;
                        ok = true;
                        if (response.body().contains("\"errors\"")) {
                            error = "200 with item errors: " + abbreviate(response.body());
                        }
                    } else {
                        error = response.statusCode() + " " + abbreviate(response.body());
                        if (response.statusCode() < 500 && response.statusCode() != 429) {
                            break; // the SDKs do not retry a 4xx
                        }
                    }
                } catch (IOException e) {
                    error = e.toString();
                }
            }
            synchronized (r) {
                r.messages += batch.size;
                r.resends += batch.resends;
                r.requests++;
                r.retries += retries;
                r.accepted += accepted;
                r.stored += accepted;
                r.duplicates += duplicates;
                if (!ok) {
                    r.errors++;
                }
                if (error != null) {
                    r.failedAttempts++;
                    if (r.errorSamples.size() < 3) {
                        r.errorSamples.add(error);
                    }
                }
            }
        }, warmup ? "warm-kizuna" : "kizuna");
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** /v1/track, one event per request, concurrent clients; bounded by a request count and a duration. */
    Percentiles latencyPhase(String prefix) throws Exception {
        return latencyPhase(prefix, writeKey, profiles, config.integer("latency-requests", 20_000), config.integer("latency-seconds", 60), false);
    }

    Percentiles latencyPhase(String prefix, String key, int profiles, int maxRequests, int maxSeconds, boolean warmup) throws Exception {
        int latencyClients = config.integer("latency-clients", 8);
        say("-- %s: POST /v1/track, one event per request, %d concurrent clients, at most %d requests or %d s",
                warmup ? "warm-up of single-event requests (separate workspace, not reported)" : "latency", latencyClients, maxRequests, maxSeconds);
        String auth = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        URI trackUri = URI.create(url + "/v1/track");
        AtomicInteger issued = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        Samples samples = new Samples();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        CountDownLatch done = new CountDownLatch(latencyClients);
        Cpu.Sample before = cpu.sample();
        long start = System.nanoTime();
        for (int c = 0; c < latencyClients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed * 7 + client);
                try {
                    while (issued.getAndIncrement() < maxRequests && System.nanoTime() < deadline) {
                        int person = random.nextInt(profiles);
                        Product product = CATALOG.get(random.nextInt(CATALOG.size()));
                        String body = new Json().open().put("userId", prefix + "-user-" + person).put("event", "Product Viewed")
                                .put("messageId", "lat-" + new UUID(random.nextLong(), random.nextLong()))
                                .put("timestamp", Instant.now().toString()).raw("properties", product.viewJson() + "}")
                                .raw("context", "{\"ip\":\"203.0.113.9\",\"userAgent\":\"" + AGENTS[0] + "\",\"library\":{\"name\":\"analytics-node\",\"version\":\"3.1.0\"}}")
                                .close().toString();
                        HttpRequest request = HttpRequest.newBuilder(trackUri).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").header("Authorization", auth)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            long elapsed = System.nanoTime() - t0;
                            if (response.statusCode() == 200) {
                                samples.add(elapsed);
                            } else {
                                errors.incrementAndGet();
                                if (errorSamples.size() < 3) {
                                    errorSamples.add(response.statusCode() + " " + abbreviate(response.body()));
                                }
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            if (errorSamples.size() < 3) {
                                errorSamples.add(e.toString());
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "latency-" + c);
            thread.start();
        }
        if (!done.await(maxSeconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("latency phase did not finish");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu.Sample used = cpu.sample().minus(before);
        Percentiles p = samples.percentiles();
        say("   %d requests in %.1f s (%,.0f req/s), %d errors%s", p.count() + errors.get(), seconds, (p.count() + errors.get()) / seconds,
                errors.get(), errorSamples.isEmpty() ? "" : " " + errorSamples);
        say("   latency: %s", p.format());
        say("   %s", Cpu.describe(used, Math.max(1, p.count())));
        if (!warmup) {
            result("track_requests", p.count());
            result("track_errors", errors.get());
        }
        return p;
    }
}
