package io.kizuna.condition;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kizuna.common.json.JsonValues;
import io.kizuna.common.time.StoredMicros;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Loads the snapshots the matcher decides on, for many profiles at once: one statement for the
 * profiles with their tags, segments, consents and identity types, and one for the events the
 * conditions mention. Traits, consents and identity types are read only for the profiles whose
 * conditions look at them (a snapshot without them holds none). Works on a pool or inside the
 * caller's transaction.
 */
@ApplicationScoped
public class SnapshotLoader {

    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private static final String PROFILES = """
            SELECT p.id, CASE WHEN p.id = ANY($4) THEN p.traits::text END AS traits, p.first_seen_at, p.last_seen_at, p.first_order_at, p.last_order_at, p.order_count,
                   p.lifetime_revenue, p.refunded, p.average_order_value, p.average_order_interval_days, p.cart_value,
                   jsonb_array_length(p.cart) AS cart_items, p.cart_updated_at, p.rfm_recency, p.rfm_frequency, p.rfm_monetary,
                   p.created_at, p.channel_activity, p.last_events,
                   ARRAY(SELECT t.tag FROM profile_tags t WHERE t.workspace_id = p.workspace_id AND t.profile_id = p.id) AS tags,
                   ARRAY(SELECT s.segment_id FROM segment_members s WHERE s.workspace_id = p.workspace_id AND s.profile_id = p.id) AS segments,
                   CASE WHEN p.id = ANY($3) THEN ARRAY(SELECT DISTINCT i.type FROM identities i
                                                       WHERE i.workspace_id = p.workspace_id AND i.profile_id = p.id)
                        ELSE '{}'::text[] END AS identity_types,
                   CASE WHEN p.id = ANY($3) THEN (SELECT jsonb_agg(jsonb_build_array(c.channel, c.topic, c.granted)) FROM profile_consents c
                                                   WHERE c.workspace_id = p.workspace_id AND c.profile_id = p.id) END AS consents
              FROM profiles p
             WHERE p.workspace_id = $1 AND p.id = ANY($2)""";

    // One range of events_profile_name_time_idx per (profile, read) (see ConditionRequirements).
    // Both ends of the range come first, from one primary-key probe of the profile in a LATERAL of
    // its own, so partitions can be pruned against them at run time:
    // - the horizon: the read's start, or for an AFTER_LAST read the profile's last event of the
    //   other name (null when there is none: nothing is read);
    // - the ceiling: the profile's last event of the read's own name. Nothing lies beyond it, so
    //   the empty partitions ahead of now are not scanned, and a name the profile never sent is
    //   not looked up at all.
    // Both come from profiles.last_events, which the SQL engine trusts the same way. The LATERAL
    // subqueries (OFFSET 0 keeps them from being flattened) keep a plan from reading every event of
    // a name in the workspace instead. Only the properties the filters look at are sent back.
    // r.cap is always null (no limit), but a LIMIT whose size the planner cannot know makes it
    // favour index scans that can stop early; without one, cached plans read small partitions whole
    // (0.43 sequential scans per event in the 20k-profile ingest bench).
    private static final String EVENTS = """
            SELECT r.profile_id, r.name, e.id, e.occurred_at, e.properties
              FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::text[])
                   AS r(profile_id, name, since, after_last_of, cap, property_keys)
             CROSS JOIN LATERAL (
                   SELECT CASE WHEN r.after_last_of IS NULL THEN coalesce(r.since, '-infinity'::timestamptz)
                               ELSE """ + StoredMicros.sqlTimestamp("(pr.last_events ->> r.after_last_of)::bigint") + """
                           END AS horizon,
                          """ + StoredMicros.sqlTimestamp("(pr.last_events ->> r.name)::bigint") + """
                           AS ceiling,
                          r.property_keys::jsonb AS property_keys
                     FROM profiles pr WHERE pr.workspace_id = $1 AND pr.id = r.profile_id
                   OFFSET 0) h
             CROSS JOIN LATERAL (
                   SELECT ev.id, ev.occurred_at,
                          CASE WHEN jsonb_array_length(h.property_keys) = 0 THEN NULL
                               ELSE (SELECT jsonb_object_agg(k, ev.properties -> k) FROM jsonb_array_elements_text(h.property_keys) AS k
                                      WHERE ev.properties ? k)::text END AS properties
                     FROM events ev
                    WHERE ev.workspace_id = $1 AND ev.profile_id = r.profile_id AND ev.name = r.name
                      AND ev.occurred_at >= h.horizon AND ev.occurred_at <= h.ceiling
                    ORDER BY ev.occurred_at DESC
                    LIMIT r.cap OFFSET 0) e""";

    /** Snapshots of the profiles, each holding what the same requirements ask for. */
    public Uni<Map<UUID, ProfileSnapshot>> load(SqlClient client, UUID workspaceId, List<UUID> profileIds, ConditionRequirements requirements) {
        Map<UUID, ConditionRequirements> each = new LinkedHashMap<>();
        profileIds.forEach(id -> each.put(id, requirements));
        return load(client, workspaceId, each);
    }

    /**
     * Snapshots of the profiles, each holding what its own requirements ask for: the real-time
     * engine loads, per profile, only what the conditions it decides again read.
     */
    public Uni<Map<UUID, ProfileSnapshot>> load(SqlClient client, UUID workspaceId, Map<UUID, ConditionRequirements> requirements) {
        if (requirements.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        UUID[] ids = requirements.keySet().toArray(UUID[]::new);
        // The latest event of a name is not read from the event store: profiles.last_events keeps
        // its time (see latestEvents).
        // Profiles planned alike share one requirements object: split it once.
        Map<ConditionRequirements, Split> splits = new IdentityHashMap<>();
        List<UUID> readProfiles = new ArrayList<>();
        List<ConditionRequirements.EventRead> ranges = new ArrayList<>();
        List<UUID> contacts = new ArrayList<>();
        List<UUID> withTraits = new ArrayList<>();
        requirements.forEach((id, needs) -> {
            Split split = splits.computeIfAbsent(needs, Split::of);
            for (ConditionRequirements.EventRead read : split.ranges()) {
                readProfiles.add(id);
                ranges.add(read);
            }
            if (needs.contacts()) {
                contacts.add(id);
            }
            if (needs.traits()) {
                withTraits.add(id);
            }
        });
        // Both statements are sent at once and pipelined on the connection.
        Uni<Map<UUID, List<ProfileSnapshot.EventRecord>>> events = ranges.isEmpty() ? Uni.createFrom().item(Map.of())
                : client.preparedQuery(EVENTS).execute(readsTuple(workspaceId, readProfiles, ranges)).map(SnapshotLoader::eventsByProfile);
        Uni<RowSet<Row>> profiles = client.preparedQuery(PROFILES).execute(Tuple.of(workspaceId, ids, contacts.toArray(UUID[]::new),
                withTraits.toArray(UUID[]::new)));
        return Uni.combine().all().unis(events, profiles).asTuple().map(loaded -> {
            Map<UUID, List<ProfileSnapshot.EventRecord>> byProfile = loaded.getItem1();
            Map<UUID, ProfileSnapshot> snapshots = new LinkedHashMap<>();
            for (Row row : loaded.getItem2()) {
                UUID id = row.getUUID("id");
                List<ProfileSnapshot.EventRecord> profileEvents = latestEvents(byProfile.getOrDefault(id, List.of()),
                        splits.get(requirements.get(id)).latest(), JsonValues.object(row.getValue("last_events")));
                snapshots.put(id, snapshot(row, profileEvents));
            }
            return snapshots;
        });
    }

    /** A profile's reads: ranges from the event store, and the names whose latest occurrence comes from the profile row. */
    private record Split(List<ConditionRequirements.EventRead> ranges, Set<String> latest) {
        static Split of(ConditionRequirements requirements) {
            List<ConditionRequirements.EventRead> ranges = new ArrayList<>();
            Set<String> latest = new HashSet<>();
            for (ConditionRequirements.EventRead read : requirements.reads()) {
                if (read.bound() == ConditionRequirements.Bound.LATEST) {
                    latest.add(read.name());
                } else {
                    ranges.add(read);
                }
            }
            return new Split(ranges, latest);
        }
    }

    /**
     * Adds, for each name whose latest occurrence the conditions need, that occurrence as kept in
     * profiles.last_events (microseconds since 2000-01-01, exactly as the event store holds its
     * time), unless a range read already brought an event of that name at that time or later. An
     * event added this way carries no properties; it is older than every range read of its name, so
     * no condition with a window or a property filter looks at it.
     */
    static List<ProfileSnapshot.EventRecord> latestEvents(List<ProfileSnapshot.EventRecord> loaded, Set<String> latest, Map<String, Object> lastEvents) {
        if (latest.isEmpty()) {
            return loaded;
        }
        List<ProfileSnapshot.EventRecord> events = null;
        for (String name : latest) {
            if (!(lastEvents.get(name) instanceof Number micros)) {
                continue;
            }
            Instant at = StoredMicros.instant(micros.longValue());
            boolean alreadyLoaded = loaded.stream().anyMatch(event -> event.name().equals(name) && !event.occurredAt().isBefore(at));
            if (!alreadyLoaded) {
                if (events == null) {
                    events = new ArrayList<>(loaded);
                }
                events.add(new ProfileSnapshot.EventRecord(name, at, Map.of()));
            }
        }
        return events == null ? loaded : events;
    }

    /** The (profile, read) pairs as one array per column, for {@link #EVENTS}. */
    private static Tuple readsTuple(UUID workspaceId, List<UUID> profileIds, List<ConditionRequirements.EventRead> reads) {
        int n = reads.size();
        String[] names = new String[n];
        OffsetDateTime[] since = new OffsetDateTime[n];
        String[] afterLastOf = new String[n];
        String[] propertyKeys = new String[n];
        for (int i = 0; i < n; i++) {
            ConditionRequirements.EventRead read = reads.get(i);
            names[i] = read.name();
            since[i] = read.since() == null ? null : OffsetDateTime.ofInstant(read.since(), ZoneOffset.UTC);
            afterLastOf[i] = read.afterLastOf();
            propertyKeys[i] = JsonValues.encode(List.copyOf(read.propertyKeys()));
        }
        return Tuple.from(new Object[] {workspaceId, profileIds.toArray(UUID[]::new), names, since, afterLastOf, new Integer[n], propertyKeys});
    }

    /** Two reads of one name may both return an event (a range and the events after another name's last): it is kept once. */
    private static Map<UUID, List<ProfileSnapshot.EventRecord>> eventsByProfile(Iterable<Row> rows) {
        Map<UUID, List<ProfileSnapshot.EventRecord>> byProfile = new HashMap<>();
        Set<UUID> seen = new HashSet<>();
        for (Row row : rows) {
            if (!seen.add(row.getUUID("id"))) {
                continue;
            }
            String properties = row.getString("properties");
            byProfile.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>()).add(new ProfileSnapshot.EventRecord(
                    row.getString("name"), instant(row, "occurred_at"), properties == null ? Map.of() : exactJson(properties)));
        }
        return byProfile;
    }

    private static ProfileSnapshot snapshot(Row row, List<ProfileSnapshot.EventRecord> events) {
        Map<String, Instant> channelActivity = new HashMap<>();
        JsonValues.object(row.getValue("channel_activity")).forEach((channel, at) -> {
            Instant instant = JsonValues.instant(at);
            if (instant != null) {
                channelActivity.put(channel, instant);
            }
        });
        ProfileSnapshot.Computed computed = new ProfileSnapshot.Computed(
                instant(row, "first_seen_at"), instant(row, "last_seen_at"), instant(row, "first_order_at"), instant(row, "last_order_at"),
                row.getInteger("order_count"), row.getBigDecimal("lifetime_revenue"), row.getBigDecimal("refunded"),
                row.getBigDecimal("average_order_value"), row.getDouble("average_order_interval_days"), row.getBigDecimal("cart_value"),
                row.getInteger("cart_items"), instant(row, "cart_updated_at"), small(row, "rfm_recency"), small(row, "rfm_frequency"),
                small(row, "rfm_monetary"), instant(row, "created_at"), channelActivity);
        Map<String, Boolean> consents = new HashMap<>();
        for (Object consent : JsonValues.array(row.getValue("consents"))) {
            List<Object> parts = JsonValues.array(consent);
            consents.put(ProfileSnapshot.consentKey((String) parts.get(0), (String) parts.get(1)), (Boolean) parts.get(2));
        }
        String traits = row.getString("traits");
        return new ProfileSnapshot(row.getUUID("id"), traits == null ? Map.of() : exactJson(traits), computed,
                Set.of(row.getArrayOfStrings("tags")), Set.of(row.getArrayOfUUIDs("segments")), consents,
                Set.of(row.getArrayOfStrings("identity_types")), events);
    }

    /**
     * jsonb read as text and parsed with decimals kept exact: the client's own decoding turns
     * 29.990000000000000001 into the double 29.99, and the matcher would then disagree with SQL.
     */
    private static Map<String, Object> exactJson(String text) {
        try {
            return EXACT.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("jsonb from PostgreSQL that Jackson cannot read", e);
        }
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static Integer small(Row row, String column) {
        Short value = row.getShort(column);
        return value == null ? null : value.intValue();
    }
}
