package io.kizuna.profile;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.BadInputException;
import io.kizuna.profile.computed.ComputedTraitsCalculator;
import io.kizuna.segment.AudienceEngine;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sets and removes traits by hand (back office, support tools). A JSON null removes a trait. Each
 * touched trait's time becomes now, so a late event carrying an older value does not bring back
 * what was changed or removed here. Rule tags and segments follow at once.
 */
@ApplicationScoped
public class ProfileTraitService {

    public static final int MAX_NAME_LENGTH = 100;

    private static final String UPDATE = """
            UPDATE profiles p
               SET traits = (p.traits || $3::jsonb) - $4::text[],
                   trait_times = p.trait_times || $5::jsonb,
                   updated_at = $6
             WHERE p.workspace_id = $1 AND p.id = $2
            RETURNING """ + " " + StoredProfile.COLUMNS;

    private final PgPool pool;
    private final ProfileStore store;
    private final AudienceEngine audiences;
    private final Clock clock;

    public ProfileTraitService(PgPool pool, ProfileStore store, AudienceEngine audiences, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.audiences = audiences;
        this.clock = clock;
    }

    public Uni<ProfileView> patch(UUID workspaceId, UUID id, Map<String, Object> traits) {
        validate(traits);
        Instant now = clock.instant();
        JsonObject set = new JsonObject();
        List<String> removed = new ArrayList<>();
        JsonObject times = new JsonObject();
        traits.forEach((name, value) -> {
            if (value == null) {
                removed.add(name);
            } else {
                set.put(name, value);
            }
            times.put(name, now.toString());
        });
        return store.resolve(pool, workspaceId, id)
                .chain(profile -> pool.preparedQuery(UPDATE)
                        .execute(Tuple.from(List.of(workspaceId, profile.id(), set, removed.toArray(String[]::new), times,
                                OffsetDateTime.ofInstant(now, ZoneOffset.UTC))))
                        .map(rows -> rows.iterator().hasNext() ? StoredProfile.from(rows.iterator().next()) : null))
                .onItem().ifNull().failWith(() -> ProfileStore.notFound(id))
                .call(updated -> audiences.evaluateNow(workspaceId, List.of(updated.id())))
                .map(updated -> ProfileView.of(updated, id, ComputedTraitsCalculator.compute(updated, now,
                        ComputedTraitsCalculator.DEFAULT_VIEWED_DAYS)));
    }

    private static void validate(Map<String, Object> traits) {
        if (traits == null) {
            throw new BadInputException("body", "must be a JSON object of traits to set; a null value removes a trait");
        }
        for (String name : traits.keySet()) {
            if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
                String shown = name.length() > 20 ? name.substring(0, 20) + "…" : name;
                throw new BadInputException("body", "trait name '" + shown + "' must be 1 to " + MAX_NAME_LENGTH
                        + " characters and not blank");
            }
        }
    }
}
