package io.kizuna.profile.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads and changes a workspace's identity merge rules. Ingestion reads them on every batch, so
 * they are cached briefly; a change made through this service applies at once on this instance
 * and within the cache lifetime on others.
 */
@ApplicationScoped
public class IdentityRulesService {

    private static final Duration CACHE_LIFETIME = Duration.ofSeconds(10);

    private final PgPool pool;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(IdentityRules rules, Instant loadedAt) {
    }

    public IdentityRulesService(PgPool pool, ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.json = json;
        this.clock = clock;
    }

    public Uni<IdentityRules> rules(UUID workspaceId) {
        Cached cached = cache.get(workspaceId);
        Instant now = Instant.now();
        if (cached != null && cached.loadedAt().plus(CACHE_LIFETIME).isAfter(now)) {
            return Uni.createFrom().item(cached.rules());
        }
        return pool.preparedQuery("SELECT rules FROM identity_rules WHERE workspace_id = $1")
                .execute(Tuple.of(workspaceId))
                .map(rows -> {
                    IdentityRules rules = rows.iterator().hasNext() ? parse(rows.iterator().next()) : IdentityRules.defaults();
                    cache.put(workspaceId, new Cached(rules, now));
                    return rules;
                });
    }

    public Uni<IdentityRules> replace(UUID workspaceId, IdentityRules requested) {
        IdentityRules rules = validate(requested);
        String document;
        try {
            document = json.writeValueAsString(rules);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return pool.preparedQuery("""
                INSERT INTO identity_rules (workspace_id, rules, updated_at) VALUES ($1, $2::jsonb, $3)
                ON CONFLICT (workspace_id) DO UPDATE SET rules = EXCLUDED.rules, updated_at = EXCLUDED.updated_at""")
                .execute(Tuple.of(workspaceId, document, clock.instant().atOffset(java.time.ZoneOffset.UTC)))
                .invoke(() -> cache.put(workspaceId, new Cached(rules, Instant.now())))
                .replaceWith(rules);
    }

    private IdentityRules parse(Row row) {
        JsonObject stored = row.getJsonObject("rules");
        try {
            return json.readValue(stored.encode(), IdentityRules.class);
        } catch (JsonProcessingException e) {
            return IdentityRules.defaults();
        }
    }

    static IdentityRules validate(IdentityRules rules) {
        List<FieldViolation> violations = new ArrayList<>();
        if (rules == null) {
            throw new BadInputException("body", "must be an object with mergeOn and maxPerProfile");
        }
        LinkedHashSet<String> mergeOn = new LinkedHashSet<>();
        List<String> requested = rules.mergeOn() == null ? List.of() : rules.mergeOn();
        for (int i = 0; i < requested.size(); i++) {
            String type = requested.get(i);
            if (type == null || !IdentityTypes.CUSTOM.matcher(type).matches()) {
                violations.add(new FieldViolation("mergeOn[" + i + "]", "must be an identity type such as email"));
            } else {
                mergeOn.add(type);
            }
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        if (rules.maxPerProfile() != null) {
            rules.maxPerProfile().forEach((type, limit) -> {
                if (!IdentityTypes.CUSTOM.matcher(type).matches()) {
                    violations.add(new FieldViolation("maxPerProfile." + type, "is not an identity type"));
                } else if (limit == null || limit < 1 || limit > 1000) {
                    violations.add(new FieldViolation("maxPerProfile." + type, "must be between 1 and 1000"));
                } else {
                    limits.put(type, limit);
                }
            });
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return new IdentityRules(List.copyOf(mergeOn), Map.copyOf(limits));
    }
}
