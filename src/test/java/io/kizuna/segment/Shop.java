package io.kizuna.segment;

import static io.kizuna.support.Api.withKey;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Tracking;
import io.restassured.path.json.JsonPath;

/** Scenario vocabulary for segment tests: a shop whose customers arrive through the tracking API, and its segments. */
final class Shop {

    /** A bounded wait for a background computation: at most 400 polls, 50 ms apart. */
    private static final int POLLS = 400;
    private static final long POLL_PAUSE_MILLIS = 50;

    final Tenant tenant;
    private final Instant now;

    Shop(String name, Instant now) {
        this.tenant = Tenant.create(name);
        this.now = now;
    }

    /** A customer identified by user id with the given traits; answers the profile id. */
    String customer(String userId, Map<String, Object> traits) {
        Tracking.send(tenant.ingestKey(), "identify", Map.of("userId", userId, "messageId", "identify-" + userId + "-" + traits.hashCode(),
                "timestamp", now.minusSeconds(3600).toString(), "traits", traits)).statusCode(200);
        return profileId(userId);
    }

    String profileId(String userId) {
        return withKey(tenant.readKey()).queryParam("type", "user_id").queryParam("value", userId)
                .get("/v1/profiles/lookup").then().statusCode(200).extract().path("id");
    }

    /** Creates a segment (answered BUILDING) and returns its id. */
    String segment(String name, Object conditions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("conditions", conditions);
        return withKey(tenant.adminKey()).body(body).post("/v1/segments").then().statusCode(201).extract().path("id");
    }

    /** Waits until the segment is READY at the given version; fails on FAILED or when the wait runs out. */
    JsonPath ready(String id, int version) {
        for (int poll = 0; poll < POLLS; poll++) {
            JsonPath segment = withKey(tenant.readKey()).get("/v1/segments/" + id).then().statusCode(200).extract().jsonPath();
            if ("FAILED".equals(segment.getString("status"))) {
                fail("segment " + id + " failed: " + segment.getString("failure"));
            }
            if ("READY".equals(segment.getString("status")) && segment.getInt("version") == version) {
                return segment;
            }
            pause();
        }
        return fail("segment " + id + " did not become READY at version " + version);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> cityIs(String city) {
        return Map.of("trait", Map.of("path", "city", "op", "equals", "value", city));
    }

    static Map<String, Object> genderIs(String gender) {
        return Map.of("trait", Map.of("path", "gender", "op", "equals", "value", gender));
    }

    static Map<String, Object> inSegment(String id) {
        return Map.of("segment", id);
    }
}
