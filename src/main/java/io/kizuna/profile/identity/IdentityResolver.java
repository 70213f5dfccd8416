package io.kizuna.profile.identity;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.id.Ids;
import io.kizuna.profile.traits.ProfileState;
import io.kizuna.profile.traits.ProfileStateStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Resolves the identities of a batch of messages to profiles, creating and merging profiles as
 * the workspace's rules allow. It runs inside the ingestion transaction:
 * <ol>
 * <li>one query for the current owners and suppressed (erased) identifiers;</li>
 * <li>advisory locks, in hash order, on the identifiers nobody owns yet, so two batches bringing
 * the same new identifier take turns and never both create a profile for it; then their owners
 * are read again;</li>
 * <li>row locks on the owning profiles; if one is gone, a concurrent merge removed it and the
 * whole batch is retried. When no claim merges profiles or attaches a new identity to one (the
 * steady state), the locks are left to the caller, who takes them after writing the events;</li>
 * <li>an in-memory pass over the messages in order, then batched writes of new identities, moved
 * identities and merge records.</li>
 * </ol>
 */
@ApplicationScoped
public class IdentityResolver {

    private final ProfileStateStore states;

    public IdentityResolver(ProfileStateStore states) {
        this.states = states;
    }

    public Uni<Resolution> resolve(SqlConnection connection, UUID workspaceId, List<IdentityClaim> claims, IdentityRules rules, Instant now) {
        Set<Identity> keys = new LinkedHashSet<>();
        for (IdentityClaim claim : claims) {
            keys.addAll(claim.identities());
            if (claim.aliasOf() != null) {
                keys.add(new Identity(IdentityTypes.USER_ID, claim.aliasOf()));
                keys.add(new Identity(IdentityTypes.ANONYMOUS_ID, claim.aliasOf()));
            }
        }
        Map<Identity, UUID> owners = new HashMap<>();
        Set<Identity> suppressed = new HashSet<>();
        return readOwnersAndSuppressions(connection, workspaceId, keys, owners, suppressed)
                .chain(() -> {
                    // Only identifiers nobody owns yet can race (two batches creating a profile for the
                    // same new visitor); owned ones are guarded by the owning profile's row lock below.
                    List<Identity> unowned = keys.stream().filter(key -> !owners.containsKey(key)).toList();
                    if (unowned.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return connection.preparedQuery("""
                            SELECT count(pg_advisory_xact_lock(h)) FROM (
                                SELECT DISTINCT hashtextextended($1::text || ':' || t || ':' || v, 0) AS h
                                  FROM unnest($2::text[], $3::text[]) AS k(t, v) ORDER BY 1) locks""")
                            .execute(Tuple.of(workspaceId.toString(), unowned.stream().map(Identity::type).toArray(String[]::new),
                                    unowned.stream().map(Identity::value).toArray(String[]::new)))
                            .chain(() -> readOwnersAndSuppressions(connection, workspaceId, unowned, owners, suppressed));
                })
                .chain(() -> {
                    List<UUID> existingIds = owners.values().stream().distinct().sorted().toList();
                    List<UUID> needingCounts = profilesNeedingCounts(claims, owners);
                    if (needingCounts.isEmpty()) {
                        // Every claim is all-new or wholly owned by one profile: nothing merges or attaches,
                        // so the owners' rows can be locked later, after the events are written.
                        Pass pass = new Pass(owners, suppressed, new HashMap<>(), rules, now);
                        List<UUID> profileIds = pass.run(claims);
                        return pass.write(connection, workspaceId, now)
                                .replaceWith(() -> Resolution.toLockLater(profileIds, pass.created, existingIds));
                    }
                    return states.lockAndLoad(connection, workspaceId, existingIds).chain(existing -> {
                        if (existing.size() != existingIds.size()) {
                            return Uni.createFrom().failure(new ConcurrentMergeException());
                        }
                        return countIdentities(connection, workspaceId, needingCounts, rules)
                                .chain(counts -> {
                                    Pass pass = new Pass(owners, suppressed, counts, rules, now);
                                    List<UUID> profileIds = pass.run(claims);
                                    return pass.write(connection, workspaceId, now)
                                            .replaceWith(() -> Resolution.locked(profileIds, pass.finalMerges(), pass.created, existing));
                                });
                    });
                });
    }

    /**
     * Current owners and erased (suppressed) identifiers in one round trip: one primary-key probe
     * per identifier in each table. A LATERAL subquery that cannot be flattened (LIMIT) keeps even
     * a generic plan from hash-joining against all of the workspace's identities, and its ORDER BY
     * in primary-key order makes the primary key the only index that answers it without a sort:
     * planned while the table was empty, the probe otherwise went through
     * (workspace, profile, type) and read every identity of the workspace (~14,000 blocks a batch).
     */
    private static Uni<Void> readOwnersAndSuppressions(SqlConnection connection, UUID workspaceId, java.util.Collection<Identity> keys,
            Map<Identity, UUID> owners, Set<Identity> suppressed) {
        return connection.preparedQuery("""
                SELECT k.t AS type, k.v AS value, i.profile_id,
                       EXISTS (SELECT 1 FROM suppressions s
                                WHERE s.workspace_id = $1 AND s.type = k.t
                                  AND s.value_hash = sha256(convert_to(k.t || ':' || k.v, 'UTF8'))) AS suppressed
                  FROM unnest($2::text[], $3::text[]) AS k(t, v)
                  LEFT JOIN LATERAL (SELECT profile_id FROM identities
                                      WHERE workspace_id = $1 AND type = k.t AND value = k.v
                                      ORDER BY workspace_id, type, value LIMIT 1) i ON true""")
                .execute(Tuple.of(workspaceId, keys.stream().map(Identity::type).toArray(String[]::new),
                        keys.stream().map(Identity::value).toArray(String[]::new)))
                .invoke(rows -> rows.forEach(row -> {
                    Identity identity = new Identity(row.getString("type"), row.getString("value"));
                    UUID owner = row.getUUID("profile_id");
                    if (owner != null) {
                        owners.put(identity, owner);
                    }
                    if (row.getBoolean("suppressed")) {
                        suppressed.add(identity);
                    }
                }))
                .replaceWithVoid();
    }

    /**
     * Identity counts matter only where a claim brings a new identity (limits on attaching) or
     * spans several profiles (limits on merging). A claim whose identities all belong to one
     * profile, the steady state, needs none.
     */
    private static List<UUID> profilesNeedingCounts(List<IdentityClaim> claims, Map<Identity, UUID> owners) {
        Set<UUID> needed = new java.util.TreeSet<>();
        for (IdentityClaim claim : claims) {
            Set<UUID> profiles = new HashSet<>();
            boolean hasNew = claim.aliasOf() != null;
            for (Identity identity : claim.identities()) {
                UUID owner = owners.get(identity);
                if (owner == null) {
                    hasNew = true;
                } else {
                    profiles.add(owner);
                }
            }
            if (claim.aliasOf() != null) {
                for (String type : List.of(IdentityTypes.USER_ID, IdentityTypes.ANONYMOUS_ID)) {
                    UUID owner = owners.get(new Identity(type, claim.aliasOf()));
                    if (owner != null) {
                        profiles.add(owner);
                    }
                }
            }
            if (hasNew || profiles.size() > 1) {
                needed.addAll(profiles);
            }
        }
        return List.copyOf(needed);
    }

    /**
     * Counts, per profile, the identities of the types the rules limit; unlimited types never need
     * counting. One probe of (workspace, profile, type) per profile: written as
     * {@code profile_id = ANY(..) AND type = ANY(..)}, a plan may walk the primary key by type
     * and read every identity of that type in the workspace.
     */
    private static Uni<Map<UUID, Map<String, Integer>>> countIdentities(SqlConnection connection, UUID workspaceId, List<UUID> profileIds,
            IdentityRules rules) {
        Map<UUID, Map<String, Integer>> counts = new HashMap<>();
        if (profileIds.isEmpty() || rules.maxPerProfile().isEmpty()) {
            return Uni.createFrom().item(counts);
        }
        return connection.preparedQuery("""
                SELECT k.id AS profile_id, i.type, count(*)::int AS n
                  FROM unnest($2::uuid[]) AS k(id)
                  JOIN LATERAL (SELECT type FROM identities
                                 WHERE workspace_id = $1 AND profile_id = k.id AND type = ANY($3) OFFSET 0) i ON true
                 GROUP BY 1, 2""")
                .execute(Tuple.of(workspaceId, profileIds.toArray(UUID[]::new), rules.maxPerProfile().keySet().toArray(String[]::new)))
                .map(rows -> {
                    for (Row row : rows) {
                        counts.computeIfAbsent(row.getUUID("profile_id"), id -> new HashMap<>()).put(row.getString("type"), row.getInteger("n"));
                    }
                    return counts;
                });
    }

    /** The in-memory pass: decisions first, then one batch of writes. */
    static final class Pass {
        private final Map<Identity, UUID> owners;
        private final Set<Identity> suppressed;
        private final Map<UUID, Map<String, Integer>> counts;
        private final IdentityRules rules;
        private final Instant now;
        final Set<UUID> created = new LinkedHashSet<>();
        private final Map<UUID, UUID> mergedInto = new LinkedHashMap<>();
        private final List<Identity> newIdentities = new ArrayList<>();
        private final List<MergeRecord> records = new ArrayList<>();

        record MergeRecord(UUID survivor, UUID merged, String outcome, String reason, List<Identity> identities) {
        }

        Pass(Map<Identity, UUID> owners, Set<Identity> suppressed, Map<UUID, Map<String, Integer>> counts, IdentityRules rules, Instant now) {
            this.owners = owners;
            this.suppressed = suppressed;
            this.counts = counts;
            this.rules = rules;
            this.now = now;
        }

        List<UUID> run(List<IdentityClaim> claims) {
            List<UUID> assigned = new ArrayList<>();
            for (IdentityClaim claim : claims) {
                assigned.add(resolveOne(claim));
            }
            List<UUID> result = new ArrayList<>();
            for (UUID id : assigned) {
                result.add(id == null ? null : find(id));
            }
            return result;
        }

        private UUID resolveOne(IdentityClaim claim) {
            List<Identity> identities = new ArrayList<>(claim.identities());
            if (claim.aliasOf() != null) {
                Identity asUser = new Identity(IdentityTypes.USER_ID, claim.aliasOf());
                Identity asAnonymous = new Identity(IdentityTypes.ANONYMOUS_ID, claim.aliasOf());
                identities.add(owners.containsKey(asUser) ? asUser : asAnonymous);
            }
            if (identities.stream().anyMatch(suppressed::contains)) {
                return null;
            }
            identities.sort(Comparator.comparingInt(identity -> IdentityTypes.rank(identity.type())));
            List<Identity> owned = identities.stream().filter(owners::containsKey).toList();
            LinkedHashSet<UUID> profiles = new LinkedHashSet<>();
            owned.forEach(identity -> profiles.add(find(owners.get(identity))));

            UUID profile;
            Identity anchor = identities.isEmpty() ? null : identities.get(0);
            String anchorRefusal = anchor == null || owners.containsKey(anchor) ? null : anchorRefusal(anchor, profiles);
            if (profiles.isEmpty() || anchorRefusal != null) {
                profile = Ids.newId(now);
                created.add(profile);
                counts.put(profile, new HashMap<>());
                for (UUID other : profiles) {
                    records.add(new MergeRecord(profile, other, "BLOCKED", anchorRefusal, owned));
                }
            } else if (profiles.size() == 1) {
                profile = profiles.iterator().next();
            } else {
                String refusal = mergeRefusal(owned, profiles);
                if (refusal == null) {
                    profile = profiles.stream().min(Comparator.naturalOrder()).orElseThrow();
                    for (UUID other : profiles) {
                        if (!other.equals(profile)) {
                            mergedInto.put(other, profile);
                            held(other).forEach((type, n) -> held(profile).merge(type, n, Integer::sum));
                            records.add(new MergeRecord(profile, other, "MERGED", "one message carried identities of both profiles", owned));
                        }
                    }
                } else {
                    profile = find(owners.get(owned.get(0)));
                    for (UUID other : profiles) {
                        if (!other.equals(profile)) {
                            records.add(new MergeRecord(profile, other, "BLOCKED", refusal, owned));
                        }
                    }
                }
            }
            for (Identity identity : identities) {
                if (owners.containsKey(identity)) {
                    continue;
                }
                Map<String, Integer> held = held(profile);
                if (held.getOrDefault(identity.type(), 0) < rules.limit(identity.type())) {
                    owners.put(identity, profile);
                    held.merge(identity.type(), 1, Integer::sum);
                    newIdentities.add(identity);
                }
            }
            return profile;
        }

        /**
         * The top-ranked identity names the person. When it is new and the profiles its message
         * points at already hold as many of its type as allowed (a second user id), it is someone
         * else: they get a profile of their own rather than being filed under another person.
         */
        private String anchorRefusal(Identity anchor, Set<UUID> profiles) {
            int held = 0;
            for (UUID profile : profiles) {
                held += held(profile).getOrDefault(anchor.type(), 0);
            }
            if (held >= rules.limit(anchor.type())) {
                return "a profile may hold " + rules.limit(anchor.type()) + " " + anchor.type() + " identities; "
                        + anchor.type() + " " + anchor.value() + " names someone else";
            }
            return null;
        }

        private String mergeRefusal(List<Identity> owned, Set<UUID> profiles) {
            for (Identity identity : owned) {
                if (!rules.mayMergeOn(identity.type())) {
                    return "identity type " + identity.type() + " may not merge profiles";
                }
            }
            Map<String, Integer> combined = new HashMap<>();
            for (UUID profile : profiles) {
                held(profile).forEach((type, n) -> combined.merge(type, n, Integer::sum));
            }
            for (Map.Entry<String, Integer> entry : combined.entrySet()) {
                if (entry.getValue() > rules.limit(entry.getKey())) {
                    return "the merged profile would hold " + entry.getValue() + " " + entry.getKey()
                            + " identities; the limit is " + rules.limit(entry.getKey());
                }
            }
            return null;
        }

        /** Identities of limited types a profile holds (counted up front for every profile whose claims need it). */
        private Map<String, Integer> held(UUID profile) {
            return counts.computeIfAbsent(profile, id -> new HashMap<>());
        }

        private UUID find(UUID id) {
            UUID current = id;
            while (mergedInto.containsKey(current)) {
                current = mergedInto.get(current);
            }
            return current;
        }

        Map<UUID, UUID> finalMerges() {
            Map<UUID, UUID> result = new LinkedHashMap<>();
            mergedInto.keySet().forEach(loser -> result.put(loser, find(loser)));
            return result;
        }

        Uni<Void> write(SqlConnection connection, UUID workspaceId, Instant at) {
            Uni<Void> work = Uni.createFrom().voidItem();
            Map<UUID, UUID> merges = finalMerges();
            if (!merges.isEmpty()) {
                UUID[] losers = merges.keySet().toArray(UUID[]::new);
                UUID[] survivors = merges.values().toArray(UUID[]::new);
                work = work.chain(() -> connection.preparedQuery("""
                        UPDATE identities i SET profile_id = m.survivor
                          FROM unnest($2::uuid[], $3::uuid[]) AS m(loser, survivor)
                         WHERE i.workspace_id = $1 AND i.profile_id = m.loser AND i.profile_id = ANY($2)""")
                        .execute(Tuple.of(workspaceId, losers, survivors)).replaceWithVoid());
            }
            if (!newIdentities.isEmpty()) {
                List<Tuple> rows = new ArrayList<>();
                for (Identity identity : newIdentities) {
                    rows.add(Tuple.of(workspaceId, identity.type(), identity.value(), find(owners.get(identity)), at.atOffset(ZoneOffset.UTC)));
                }
                work = work.chain(() -> connection.preparedQuery("""
                        INSERT INTO identities (workspace_id, type, value, profile_id, created_at) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (workspace_id, type, value) DO NOTHING""").executeBatch(rows).replaceWithVoid());
            }
            if (!records.isEmpty()) {
                List<Tuple> rows = new ArrayList<>();
                for (MergeRecord record : records) {
                    JsonArray identities = new JsonArray();
                    record.identities().forEach(identity -> identities.add(new JsonObject().put("type", identity.type()).put("value", identity.value())));
                    rows.add(Tuple.tuple(List.of(workspaceId, Ids.newId(at), record.survivor(), record.merged(), record.outcome(), record.reason(),
                            identities, at.atOffset(ZoneOffset.UTC))));
                }
                work = work.chain(() -> connection.preparedQuery("""
                        INSERT INTO profile_merges (workspace_id, id, survivor_id, merged_id, outcome, reason, identities, merged_at)
                        SELECT $1, $2, $3, $4, $5, $6, $7, $8
                         WHERE $5 = 'MERGED' OR NOT EXISTS (
                               SELECT 1 FROM profile_merges p WHERE p.workspace_id = $1 AND p.survivor_id = $3
                                  AND p.merged_id = $4 AND p.outcome = 'BLOCKED')""").executeBatch(rows).replaceWithVoid());
            }
            return work;
        }
    }
}
