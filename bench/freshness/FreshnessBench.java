import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Audience freshness under a steady load (issue 4 §6): how long after an event a segment's
 * change log shows the membership change it causes, and how long after the moment a
 * time-relative condition becomes true its flip shows up.
 *
 * <p>It sends single events ({@code POST /v1/track}) at a steady rate for a number of customers
 * (pages, product views, cart adds, orders) into a workspace that also has the shop's 20 rule tags
 * and 20 segments active, and follows two segments' change logs ({@code GET /v1/segments/{id}/changes})
 * the way a journey would, polling every 200 ms:
 * <ul>
 * <li>"Buyers" (order count at least 1): a customer's first order must make them ENTER. Freshness
 * is the time from sending that order to seeing the change in the log.</li>
 * <li>"Cart idle 1 minute" (an open cart not changed for a minute): time alone makes a customer
 * ENTER, one minute after their last cart event, when they did nothing to the cart since.
 * Freshness is the time from that moment to seeing the change.</li>
 * </ul>
 * Polling is part of what a consumer sees, so it is part of the figure. Prints p50, p95, p99 and
 * max of each, how many expected changes were seen, and the target (p95 under 5 s).
 */
public class FreshnessBench {

    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    static final Pattern CHANGE = Pattern.compile("\"profileId\"\\s*:\\s*\"([0-9a-f-]{36})\"\\s*,\\s*\"change\"\\s*:\\s*\"(ENTERED|EXITED)\"");
    static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*\"([^\"]*)\"");
    static final long IDLE_MILLIS = 60_000;
    /** A cart event this long after a flip was due leaves the flip time to happen first; closer ones may legitimately pre-empt it. */
    static final long SWEEP_SLACK_MILLIS = 15_000;

    final String url;
    final String writeAuth;
    final String adminAuth;
    final String readAuth;
    final int customers;
    final int rate;
    final int seconds;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    FreshnessBench(Map<String, String> args) {
        url = args.getOrDefault("url", "http://127.0.0.1:18092");
        writeAuth = "Basic " + Base64.getEncoder().encodeToString((args.get("write-key") + ":").getBytes(StandardCharsets.UTF_8));
        adminAuth = "Bearer " + args.get("admin-key");
        readAuth = "Bearer " + args.get("read-key");
        customers = Integer.parseInt(args.getOrDefault("customers", "5000"));
        rate = Integer.parseInt(args.getOrDefault("rate", "200"));
        seconds = Integer.parseInt(args.getOrDefault("seconds", "180"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String arg : argv) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        System.exit(new FreshnessBench(args).run());
    }

    static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    /** One simulated customer and what the bench expects of their memberships. */
    static final class Customer {
        String userId;
        String profileId;
        boolean cartOpen;
        long lastCartEventAt; // event time (ms) of the last cart change
        boolean ordered;
    }

    /** A membership change the bench expects to see, and when it became due. */
    record Expected(String segment, String profileId, long dueAt) {
    }

    int run() throws Exception {
        say("== Kizuna audience freshness ==");
        say("%d customers, %d events/s for %d s through POST /v1/track; change logs polled every 200 ms", customers, rate, seconds);
        String buyers = createSegment("Buyers", "{\"computed\": {\"field\": \"order_count\", \"op\": \"gte\", \"value\": 1}}");
        String idle = createSegment("Cart idle 1 minute", "{\"all\": [{\"computed\": {\"field\": \"cart_value\", \"op\": \"gt\", \"value\": 0}},"
                + " {\"computed\": {\"field\": \"cart_updated_at\", \"op\": \"more_than_ago\", \"value\": {\"amount\": 1, \"unit\": \"minutes\"}}}]}");

        List<Customer> people = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            Customer customer = new Customer();
            customer.userId = "fresh-" + i;
            people.add(customer);
        }
        say("-- identifying the customers (batches of 200) and looking up their profiles");
        for (int from = 0; from < people.size(); from += 200) {
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int i = from; i < Math.min(people.size(), from + 200); i++) {
                batch.append(i == from ? "" : ",").append("{\"type\":\"identify\",\"userId\":\"").append(people.get(i).userId)
                        .append("\",\"traits\":{\"email\":\"").append(people.get(i).userId).append("@example.jp\",\"gender\":\"")
                        .append(i % 2 == 0 ? "female" : "male").append("\"}}");
            }
            post("/v1/batch", writeAuth, batch.append("]}").toString());
        }
        for (Customer customer : people) {
            String body = get("/v1/profiles/lookup?type=user_id&value=" + customer.userId, readAuth);
            Matcher m = ID.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("no profile for " + customer.userId + ": " + body);
            }
            customer.profileId = m.group(1);
        }

        Map<String, List<Long>> seen = new ConcurrentHashMap<>(); // segment|profile|change -> when each was seen (ms)
        Poller buyersLog = new Poller(buyers, seen);
        Poller idleLog = new Poller(idle, seen);
        buyersLog.drain();
        idleLog.drain();
        ScheduledExecutorService polling = Executors.newScheduledThreadPool(2);
        polling.scheduleWithFixedDelay(buyersLog, 0, 200, TimeUnit.MILLISECONDS);
        polling.scheduleWithFixedDelay(idleLog, 100, 200, TimeUnit.MILLISECONDS);

        List<Expected> expected = Collections.synchronizedList(new ArrayList<>());
        SplittableRandom random = new SplittableRandom(7);
        Semaphore inFlight = new Semaphore(64);
        AtomicLong errors = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        say("-- steady load: %d events/s for %d s", rate, seconds);
        long start = System.currentTimeMillis();
        long end = start + seconds * 1000L;
        long intervalNanos = 1_000_000_000L / rate;
        long nextNanos = System.nanoTime();
        while (System.currentTimeMillis() < end) {
            long wait = nextNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            nextNanos += intervalNanos;
            Customer customer = people.get(random.nextInt(people.size()));
            long now = System.currentTimeMillis();
            String event;
            Expected expectation = null;
            synchronized (customer) {
                int roll = random.nextInt(100);
                if (roll < 20 && customer.cartOpen && now - customer.lastCartEventAt > IDLE_MILLIS + SWEEP_SLACK_MILLIS) {
                    // The cart sat idle for over a minute before this cart event: it must have flipped in meanwhile.
                    expected.add(new Expected(idle, customer.profileId, customer.lastCartEventAt + IDLE_MILLIS));
                }
                if (roll < 12 || (roll < 20 && !customer.cartOpen)) {
                    event = "Product Added";
                    customer.cartOpen = true;
                    customer.lastCartEventAt = now;
                } else if (roll < 20) {
                    event = "Order Completed";
                    if (!customer.ordered) {
                        expectation = new Expected(buyers, customer.profileId, now);
                    }
                    customer.ordered = true;
                    customer.cartOpen = false;
                    customer.lastCartEventAt = now;
                } else if (roll < 45) {
                    event = "Product Viewed";
                } else {
                    event = null;
                }
            }
            String body = event == null
                    ? "{\"userId\":\"" + customer.userId + "\",\"name\":\"Home\",\"timestamp\":\"" + Instant.ofEpochMilli(now) + "\"}"
                    : "{\"userId\":\"" + customer.userId + "\",\"event\":\"" + event + "\",\"timestamp\":\"" + Instant.ofEpochMilli(now)
                            + "\",\"properties\":{\"product_id\":\"p-" + random.nextInt(50) + "\",\"price\":4800,\"quantity\":1"
                            + (event.equals("Order Completed") ? ",\"order_id\":\"o-" + sent.get() + "\",\"total\":4800" : "") + "}}";
            if (expectation != null) {
                expected.add(expectation);
            }
            inFlight.acquire();
            sent.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + (event == null ? "/v1/page" : "/v1/track")))
                    .header("Authorization", writeAuth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                inFlight.release();
                if (failure != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                }
            });
        }
        inFlight.acquire(64);
        long loadEnd = System.currentTimeMillis();
        say("   sent %d events in %.1f s (%.0f/s), %d errors", sent.get(), (loadEnd - start) / 1000.0, sent.get() * 1000.0 / (loadEnd - start), errors.get());

        // Carts left alone for a minute (no cart event or order since) must flip into "Cart idle".
        for (Customer customer : people) {
            if (customer.cartOpen && customer.lastCartEventAt > 0) {
                expected.add(new Expected(idle, customer.profileId, customer.lastCartEventAt + IDLE_MILLIS));
            }
        }
        long drainUntil = Math.max(loadEnd, people.stream().mapToLong(c -> c.lastCartEventAt).max().orElse(loadEnd) + IDLE_MILLIS) + 15_000;
        say("-- waiting until %s for the last carts to go idle and the logs to catch up", Instant.ofEpochMilli(drainUntil));
        while (System.currentTimeMillis() < drainUntil) {
            Thread.sleep(500);
        }
        polling.shutdown();
        polling.awaitTermination(10, TimeUnit.SECONDS);

        List<Long> eventDriven = new ArrayList<>();
        List<Long> timeRelative = new ArrayList<>();
        int missing = 0;
        Map<String, Integer> used = new HashMap<>();
        List<Expected> inOrder = new ArrayList<>(expected);
        inOrder.sort((a, b) -> Long.compare(a.dueAt(), b.dueAt()));
        for (Expected e : inOrder) {
            // Each sighting of ENTERED answers one expected change of that profile, oldest first.
            String key = e.segment() + "|" + e.profileId() + "|ENTERED";
            List<Long> sightings = seen.getOrDefault(key, List.of());
            int index = used.getOrDefault(key, 0);
            while (index < sightings.size() && sightings.get(index) < e.dueAt() - 1000) {
                index++;
            }
            if (index >= sightings.size()) {
                missing++;
                continue;
            }
            used.put(key, index + 1);
            (e.segment().equals(buyers) ? eventDriven : timeRelative).add(Math.max(0, sightings.get(index) - e.dueAt()));
        }
        long expectedBuyers = expected.stream().filter(e -> e.segment().equals(buyers)).count();
        say("");
        say("== results (as measured; 2 shared cores) ==");
        say("event -> membership change (first order -> ENTERED Buyers): %s   (%d of %d seen)", format(eventDriven), eventDriven.size(), expectedBuyers);
        say("time-relative flip (cart idle 1 min -> ENTERED)           : %s   (%d of %d seen)", format(timeRelative), timeRelative.size(),
                expected.size() - expectedBuyers);
        List<Long> all = new ArrayList<>(eventDriven);
        all.addAll(timeRelative);
        long p95 = percentile(all, 0.95);
        say("all changes                                               : %s   [issue 4 target p95 < 5 s: %s]", format(all),
                p95 < 5000 && missing == 0 ? "MET" : "NOT MET");
        say("expected changes not seen: %d; request errors: %d", missing, errors.get());
        say("RESULT sent=%d errors=%d missing=%d event_p95_ms=%d flip_p95_ms=%d all_p95_ms=%d", sent.get(), errors.get(), missing,
                percentile(eventDriven, 0.95), percentile(timeRelative, 0.95), p95);
        return errors.get() == 0 && missing == 0 ? 0 : 1;
    }

    /** Follows one segment's change log from its current end, noting when each change was first seen. */
    final class Poller implements Runnable {
        final String segment;
        final Map<String, List<Long>> seen;
        String cursor = "0";

        Poller(String segment, Map<String, List<Long>> seen) {
            this.segment = segment;
            this.seen = seen;
        }

        void drain() throws Exception {
            while (poll(false) > 0) {
                // skip what was logged before the run
            }
        }

        @Override
        public void run() {
            try {
                while (poll(true) >= 500) {
                    // a full page: read on at once
                }
            } catch (Exception e) {
                say("   poll of %s failed: %s", segment, e);
            }
        }

        int poll(boolean record) throws Exception {
            String body = get("/v1/segments/" + segment + "/changes?limit=500&after=" + cursor, readAuth);
            long now = System.currentTimeMillis();
            Matcher m = CHANGE.matcher(body);
            int n = 0;
            while (m.find()) {
                n++;
                if (record) {
                    seen.computeIfAbsent(segment + "|" + m.group(1) + "|" + m.group(2), k -> Collections.synchronizedList(new ArrayList<>())).add(now);
                }
            }
            Matcher next = NEXT.matcher(body);
            if (next.find()) {
                cursor = next.group(1);
            }
            return n;
        }
    }

    String createSegment(String name, String conditions) throws Exception {
        String body = post("/v1/segments", adminAuth, "{\"name\": \"" + name + "\", \"conditions\": " + conditions + "}");
        Matcher m = ID.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("could not create segment " + name + ": " + body);
        }
        return m.group(1);
    }

    String post(String path, String auth, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    String get(String path, String auth) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", auth).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static String format(List<Long> values) {
        if (values.isEmpty()) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (n=%d)", percentile(values, 0.5), percentile(values, 0.95),
                percentile(values, 0.99), percentile(values, 1.0), values.size());
    }
}
