package io.kizuna.profile;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProfileEventsTest {

    @Inject
    ProfileSeeder seed;

    Tenant shop;
    UUID hanako;

    @BeforeEach
    void hanako_browses_and_buys() {
        shop = Tenant.create("events");
        hanako = seed.profile(shop.workspaceId()).create();
        seed.event(shop.workspaceId(), hanako, "page", "Home", Instant.parse("2026-11-01T09:00:00Z"), Map.of("path", "/"));
        seed.track(shop.workspaceId(), hanako, "Product Viewed", Instant.parse("2026-11-01T09:05:00Z"));
        seed.track(shop.workspaceId(), hanako, "Product Added", Instant.parse("2026-11-01T09:10:00Z"));
        seed.track(shop.workspaceId(), hanako, "Product Viewed", Instant.parse("2026-11-02T09:05:00Z"));
        seed.track(shop.workspaceId(), hanako, "Order Completed", Instant.parse("2026-11-02T09:30:00Z"));
        // two events at the same instant: the cursor must tell them apart
        seed.track(shop.workspaceId(), hanako, "Product Viewed", Instant.parse("2026-11-03T12:00:00Z"));
        seed.track(shop.workspaceId(), hanako, "Product Viewed", Instant.parse("2026-11-03T12:00:00Z"));
        UUID someoneElse = seed.profile(shop.workspaceId()).create();
        seed.track(shop.workspaceId(), someoneElse, "Product Viewed", Instant.parse("2026-11-02T10:00:00Z"));
    }

    @Test
    void events_come_newest_first_page_by_page_without_gaps_or_repeats() {
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.withKey(shop.readKey()).queryParam("limit", 2);
            if (cursor != null) {
                request = request.queryParam("after", cursor);
            }
            var page = request.get("/v1/profiles/" + hanako + "/events").then().statusCode(200).extract();
            ids.addAll(page.path("items.id"));
            times.addAll(page.path("items.occurredAt"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(4, pages);
        assertEquals(7, ids.size());
        assertEquals(7, ids.stream().distinct().count());
        assertEquals(times.stream().sorted(java.util.Comparator.reverseOrder()).toList(), times, "newest first");
    }

    @Test
    void events_are_filtered_by_name_and_time_window() {
        Api.withKey(shop.readKey()).queryParam("name", "Product Viewed").get("/v1/profiles/" + hanako + "/events")
                .then().statusCode(200)
                .body("items", hasSize(4))
                .body("items.occurredAt", contains("2026-11-03T12:00:00Z", "2026-11-03T12:00:00Z", "2026-11-02T09:05:00Z",
                        "2026-11-01T09:05:00Z"))
                .body("nextCursor", nullValue());

        Api.withKey(shop.readKey()).queryParam("from", "2026-11-02T00:00:00Z").queryParam("to", "2026-11-03T00:00:00Z")
                .get("/v1/profiles/" + hanako + "/events")
                .then().statusCode(200).body("items.name", contains("Order Completed", "Product Viewed"));

        Api.withKey(shop.readKey()).queryParam("name", "Product Viewed").queryParam("from", "2026-11-02T18:05:00+09:00")
                .queryParam("limit", 1)
                .get("/v1/profiles/" + hanako + "/events")
                .then().statusCode(200).body("items", hasSize(1)).body("nextCursor", notNullValue());

        Api.withKey(shop.readKey()).queryParam("name", "Home").get("/v1/profiles/" + hanako + "/events")
                .then().statusCode(200)
                .body("items[0].type", equalTo("page"))
                .body("items[0].properties.path", equalTo("/"))
                .body("items[0].context.ip", equalTo("203.0.113.7"))
                .body("items[0].channel", equalTo("web"));
    }

    @Test
    void a_bad_filter_names_its_field() {
        String events = "/v1/profiles/" + hanako + "/events";
        Api.withKey(shop.readKey()).queryParam("from", "yesterday").get(events)
                .then().statusCode(400).body("field", equalTo("from"));
        Api.withKey(shop.readKey()).queryParam("to", "2026-13-01T00:00:00Z").get(events)
                .then().statusCode(400).body("field", equalTo("to"));
        Api.withKey(shop.readKey()).queryParam("from", "2026-11-03T00:00:00Z").queryParam("to", "2026-11-01T00:00:00Z").get(events)
                .then().statusCode(400).body("field", equalTo("to"));
        Api.withKey(shop.readKey()).queryParam("after", "bm9wZQ").get(events)
                .then().statusCode(400).body("field", equalTo("after"));
        Api.withKey(shop.readKey()).queryParam("limit", 501).get(events)
                .then().statusCode(400).body("field", equalTo("limit"));
        Api.withKey(shop.readKey()).get("/v1/profiles/" + UUID.randomUUID() + "/events")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }
}
