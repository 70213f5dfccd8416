package io.kizuna.profile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import io.kizuna.common.json.JsonValues;

/** One trait as GraphQL shows it: GraphQL has no JSON scalar, so the value comes as text and as JSON. */
@Type("Trait")
@Description("One trait of a profile")
public record Trait(
        @NonNull String name,
        @Description("The value as text: strings as they are, numbers and booleans printed, objects and arrays as JSON") String value,
        @Description("The value as JSON text") String json,
        @Description("When the trait was last set") Instant setAt) {

    static List<Trait> of(StoredProfile profile) {
        return profile.traits().entrySet().stream().map(entry -> of(entry, profile.traitTimes())).toList();
    }

    private static Trait of(Map.Entry<String, Object> entry, Map<String, Object> times) {
        Object value = entry.getValue();
        String text;
        if (value == null) {
            text = null;
        } else if (value instanceof Map || value instanceof List) {
            text = JsonValues.encode(value);
        } else {
            text = value.toString();
        }
        return new Trait(entry.getKey(), text, JsonValues.encode(value), JsonValues.instant(times.get(entry.getKey())));
    }
}
