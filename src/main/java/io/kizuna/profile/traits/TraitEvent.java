package io.kizuna.profile.traits;

import java.time.Instant;

import io.vertx.core.json.JsonObject;

/** What the computed traits need to know of one event. */
public record TraitEvent(String type, String name, Instant occurredAt, String channel, JsonObject properties, JsonObject traits) {
}
