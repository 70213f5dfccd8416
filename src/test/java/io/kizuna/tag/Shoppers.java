package io.kizuna.tag;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Tracking;
import io.restassured.path.json.JsonPath;

/** Scenario helpers for the tag tests: customers arrive through the tracking API, tags are awaited without long sleeps. */
final class Shoppers {

    private Shoppers() {
    }

    /** A customer identified by user id, with traits; answers the profile id. */
    static String arrives(Tenant shop, String userId, Map<String, Object> traits) {
        Tracking.send(shop.ingestKey(), "identify", Map.of("userId", userId, "traits", traits)).statusCode(200);
        return Api.withKey(shop.readKey()).queryParam("type", "user_id").queryParam("value", userId)
                .get("/v1/profiles/lookup").then().statusCode(200).extract().path("id");
    }

    /** Polls a rule tag until this version is READY (at most 200 polls of 50 ms); fails on FAILED. */
    static JsonPath ready(Tenant shop, String tag, int version) {
        for (int poll = 0; poll < 200; poll++) {
            JsonPath view = Api.withKey(shop.readKey()).get("/v1/tags/{name}", tag).then().statusCode(200).extract().jsonPath();
            if (view.getInt("version") == version && "READY".equals(view.getString("status"))) {
                return view;
            }
            if ("FAILED".equals(view.getString("status"))) {
                fail("rule tag '" + tag + "' failed: " + view.getString("failure"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail("rule tag '" + tag + "' version " + version + " was not READY after 200 polls");
        return null;
    }
}
