package io.kizuna.tag;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.ConflictException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.json.JsonValues;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.kizuna.condition.AudiencesChanged;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionJson;
import io.kizuna.condition.ConditionService;
import io.kizuna.condition.ProfileChange;
import io.kizuna.profile.ProfileStore;
import io.kizuna.profile.StoredProfile;
import io.kizuna.profile.identity.Identity;
import io.kizuna.profile.identity.IdentityNormalizer;
import io.kizuna.segment.AudienceEngine;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Manual and rule tags: definitions, assignments in one or in bulk, history, and the two writes
 * the real-time engine makes for rule tags ({@link #ruleTags} and {@link #applyRuleChanges}).
 *
 * <p>Every statement filters on the workspace. Assignments are written set-based (arrays bound
 * once, {@code INSERT ... SELECT} and {@code DELETE ... RETURNING} in CTEs), never one statement per
 * profile. Each added or removed assignment is logged once in {@code audience_changes} with when
 * and why (MANUAL, RULE, IMPORT, MERGE): that log is the tags' history and the change feed that
 * journeys and webhooks read.
 */
@ApplicationScoped
public class TagService {

    private static final Logger LOG = Logger.getLogger(TagService.class);

    public static final int MAX_NAME = 100;
    public static final int MAX_DESCRIPTION = 2000;
    /** At most this many profile ids and identities in one bulk request. */
    public static final int MAX_BULK = 10_000;
    /** At most this many tags in one GraphQL addTags/removeTags call. */
    public static final int MAX_NAMES = 100;

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{M}\\p{N}_\\-.: ]+");
    private static final String NAME_RULE = "must be 1 to " + MAX_NAME
            + " letters, digits, spaces and _ - . : with no leading or trailing space";
    private static final String MANUAL = StoredTag.MANUAL;
    private static final String RULE = StoredTag.RULE;
    private static final String IMPORT = "IMPORT";
    private static final UUID ZERO = new UUID(0, 0);

    /** Serializes rule definition changes of one workspace, so two concurrent updates cannot close a cycle. */
    private static final String WORKSPACE_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('kizuna.tags:' || $1::uuid::text, 0))";

    private static final String PROFILE_COUNT = "(SELECT count(*) FROM profile_tags t WHERE t.workspace_id = g.workspace_id AND t.tag = g.name) AS profiles";

    private static final String ONE = "SELECT " + StoredTag.COLUMNS + ", " + PROFILE_COUNT + " FROM tags g WHERE g.workspace_id = $1 AND g.name = $2";

    /**
     * The profiles to change: the ids in {@code $3} and the current members of segment {@code $4}
     * (null: none). Reading {@code segment_members} directly is the one place this feature reads
     * another's table: bulk tagging "by segment" needs exactly the materialized membership, and in the
     * same transaction as the write.
     */
    private static final String TARGETS = """
            WITH targets AS (
                SELECT u.id AS profile_id FROM unnest($3::uuid[]) AS u(id)
                UNION
                SELECT m.profile_id FROM segment_members m WHERE m.workspace_id = $1 AND m.segment_id = $4::uuid)""";

    private static final String ADD = TARGETS + """
            ,
            added AS (
                INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at)
                SELECT $1::uuid, $2::text, profile_id, $5::text, $6::timestamptz FROM targets
                ON CONFLICT DO NOTHING
                RETURNING profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', $2::text, profile_id, 'ENTERED', $6::timestamptz, $5::text FROM added)
            SELECT (SELECT count(*) FROM targets) AS targets, (SELECT array_agg(profile_id) FROM added) AS changed""";

    private static final String REMOVE = TARGETS + """
            ,
            removed AS (
                DELETE FROM profile_tags t USING targets x
                 WHERE t.workspace_id = $1 AND t.tag = $2 AND t.profile_id = x.profile_id
                RETURNING t.profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', $2::text, profile_id, 'EXITED', $6::timestamptz, $5::text FROM removed)
            SELECT (SELECT count(*) FROM targets) AS targets, (SELECT array_agg(profile_id) FROM removed) AS changed""";

    /** Every assignment of tag $2 goes, logged as EXITED with source $3. */
    private static final String EVERYONE_LOSES = """
            WITH removed AS (
                DELETE FROM profile_tags t WHERE t.workspace_id = $1 AND t.tag = $2 RETURNING t.profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', $2::text, profile_id, 'EXITED', $4::timestamptz, $3::text FROM removed)
            SELECT count(*) FROM removed""";

    /** The engine's additions: (tag, profile) pairs of rule tags that still exist. */
    private static final String RULE_ADD = """
            WITH input AS (
                SELECT DISTINCT u.tag, u.profile_id
                  FROM unnest($2::text[], $3::uuid[]) AS u(tag, profile_id)
                  JOIN tags g ON g.workspace_id = $1 AND g.name = u.tag AND g.kind = 'RULE'),
            added AS (
                INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at)
                SELECT $1::uuid, tag, profile_id, 'RULE', $4::timestamptz FROM input
                ON CONFLICT DO NOTHING
                RETURNING tag, profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', tag, profile_id, 'ENTERED', $4::timestamptz, 'RULE' FROM added)
            SELECT count(*) FROM added""";

    /**
     * The engine's removals: only assignments the rule made (source RULE). Each row is found with
     * its own key probe and deleted by ctid: as "DELETE ... USING input", a plan cached while the
     * table was small hash-joined against a full scan of profile_tags on every ingest batch.
     */
    private static final String RULE_REMOVE = """
            WITH input AS (
                SELECT DISTINCT u.tag, u.profile_id FROM unnest($2::text[], $3::uuid[]) AS u(tag, profile_id)),
            removed AS (
                DELETE FROM profile_tags t
                 WHERE t.ctid = ANY (ARRAY(SELECT x.ctid FROM input i CROSS JOIN LATERAL (
                           SELECT ctid FROM profile_tags
                            WHERE workspace_id = $1 AND tag = i.tag AND profile_id = i.profile_id AND source = 'RULE' OFFSET 0) x))
                RETURNING t.tag, t.profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', tag, profile_id, 'EXITED', $4::timestamptz, 'RULE' FROM removed)
            SELECT count(*) FROM removed""";

    /** A tag's history is its rows in the audience log: additions are ENTERED, removals EXITED. */
    private static final String HISTORY_COLUMNS = """
            h.seq, h.tx::text AS tx, h.audience AS tag, h.profile_id, CASE h.change WHEN 'ENTERED' THEN 'ADDED' ELSE 'REMOVED' END AS action,
            h.source, h.at""";

    private final PgPool pool;
    private final ConditionService conditions;
    private final ProfileStore profiles;
    private final IdentityNormalizer normalizer;
    private final TagComputer computer;
    private final Event<AudiencesChanged> audiencesChanged;
    private final Clock clock;

    /** Decides rule tags and segments again for profiles whose manual tags changed. */
    private final AudienceEngine audiences;

    public TagService(PgPool pool, ConditionService conditions, ProfileStore profiles, IdentityNormalizer normalizer,
            TagComputer computer, Event<AudiencesChanged> audiencesChanged, AudienceEngine audiences, Clock clock) {
        this.audiences = audiences;
        this.pool = pool;
        this.conditions = conditions;
        this.profiles = profiles;
        this.normalizer = normalizer;
        this.computer = computer;
        this.audiencesChanged = audiencesChanged;
        this.clock = clock;
    }

    // --- definitions ----------------------------------------------------------

    public Uni<TagView> create(UUID workspaceId, TagRequest request) {
        TagRequest body = require(request);
        List<FieldViolation> violations = new ArrayList<>();
        String name = validName(body.name(), "name", violations);
        String kind = kind(body.kind(), body.conditions() != null, violations);
        String description = description(body.description(), violations);
        Condition condition = null;
        if (RULE.equals(kind)) {
            condition = ruleConditions(body.conditions(), true, violations);
        } else if (MANUAL.equals(kind) && body.conditions() != null) {
            violations.add(new FieldViolation("conditions", "a MANUAL tag has no conditions; use kind RULE for a tag kept true by conditions"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(violations));
        }
        Condition rule = condition;
        OffsetDateTime now = utc(clock.instant());
        JsonObject canonical = rule == null ? null : new JsonObject(JsonValues.object(ConditionJson.write(rule)));
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> rule == null ? Uni.createFrom().voidItem()
                        : TagGraph.load(connection, workspaceId).invoke(rules -> TagGraph.refuseCycles(name, rule, "conditions", rules)).replaceWithVoid())
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO tags AS g (workspace_id, name, description, kind, condition, created_at, updated_at, status, version)
                        VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 1)
                        ON CONFLICT DO NOTHING
                        RETURNING %s""".formatted(StoredTag.COLUMNS))
                        .execute(Tuple.from(Arrays.asList(workspaceId, name, description, kind, canonical, now, rule == null ? "READY" : "BUILDING"))))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new ConflictException("Tag '" + name + "' already exists in this workspace");
                    }
                    return StoredTag.from(rows.iterator().next());
                }))
                .invoke(stored -> {
                    if (stored.rule()) {
                        afterRuleChange(workspaceId, name, stored.version(), true);
                    }
                })
                .map(stored -> stored.view(0));
    }

    public Uni<Page<TagView>> list(UUID workspaceId, String after, Integer limit) {
        String afterName = decodeName(after, "after");
        int size = Cursors.limit(limit, "limit");
        return pool.preparedQuery("SELECT " + StoredTag.COLUMNS + ", " + PROFILE_COUNT
                + " FROM tags g WHERE g.workspace_id = $1 AND g.name > $2 ORDER BY g.name LIMIT $3")
                .execute(Tuple.of(workspaceId, afterName == null ? "" : afterName, size + 1))
                .map(rows -> {
                    List<TagView> views = all(rows, row -> StoredTag.from(row).view(row.getLong("profiles")));
                    boolean more = views.size() > size;
                    List<TagView> kept = more ? views.subList(0, size) : views;
                    return new Page<>(List.copyOf(kept), more ? cursor(kept.get(kept.size() - 1).name()) : null);
                });
    }

    public Uni<TagView> get(UUID workspaceId, String name) {
        return pool.preparedQuery(ONE).execute(Tuple.of(workspaceId, name))
                .map(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        throw notFound(name);
                    }
                    return StoredTag.from(row).view(row.getLong("profiles"));
                });
    }

    /**
     * Changes a tag's description and, for a rule tag, its conditions. New conditions are checked
     * (no segments, no cycle), bump the version and start a background computation.
     */
    public Uni<TagView> update(UUID workspaceId, String name, TagRequest request) {
        TagRequest body = require(request);
        List<FieldViolation> violations = new ArrayList<>();
        if (body.name() != null && !body.name().equals(name)) {
            violations.add(new FieldViolation("name", "cannot be changed; create a tag with the new name instead"));
        }
        String description = description(body.description(), violations);
        Condition condition = body.conditions() == null ? null : ruleConditions(body.conditions(), false, violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(violations));
        }
        OffsetDateTime now = utc(clock.instant());
        JsonObject canonical = condition == null ? null : new JsonObject(JsonValues.object(ConditionJson.write(condition)));
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> connection.preparedQuery("""
                        SELECT g.kind, g.version, coalesce(g.condition = $3::jsonb, false) AS same
                          FROM tags g WHERE g.workspace_id = $1 AND g.name = $2 FOR UPDATE""")
                        .execute(Tuple.of(workspaceId, name, canonical)))
                .chain(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        return Uni.createFrom().failure(notFound(name));
                    }
                    String kind = row.getString("kind");
                    List<FieldViolation> refused = new ArrayList<>();
                    if (body.kind() != null && !body.kind().equals(kind)) {
                        refused.add(new FieldViolation("kind", "cannot be changed (this tag is " + kind + "); create a new tag instead"));
                    }
                    if (canonical != null && !RULE.equals(kind)) {
                        refused.add(new FieldViolation("conditions", "a MANUAL tag has no conditions; create a RULE tag instead"));
                    }
                    if (!refused.isEmpty()) {
                        return Uni.createFrom().failure(new BadInputException(refused));
                    }
                    boolean changed = canonical != null && !row.getBoolean("same");
                    Uni<Void> checked = changed
                            ? TagGraph.load(connection, workspaceId).invoke(rules -> TagGraph.refuseCycles(name, condition, "conditions", rules)).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return checked.chain(() -> connection.preparedQuery("""
                            UPDATE tags SET description = CASE WHEN $3::boolean THEN $4 ELSE description END,
                                   condition = CASE WHEN $5::boolean THEN $6::jsonb ELSE condition END,
                                   version = version + CASE WHEN $5::boolean THEN 1 ELSE 0 END,
                                   status = CASE WHEN $5::boolean THEN 'BUILDING' ELSE status END,
                                   failure = CASE WHEN $5::boolean THEN NULL ELSE failure END,
                                   updated_at = $7
                             WHERE workspace_id = $1 AND name = $2
                            RETURNING version""")
                            .execute(Tuple.from(Arrays.asList(workspaceId, name, body.description() != null, description, changed, canonical, now))))
                            .map(updated -> changed ? first(updated).getInteger("version") : null);
                }))
                .invoke(version -> {
                    if (version != null) {
                        afterRuleChange(workspaceId, name, version, true);
                    }
                })
                .chain(() -> get(workspaceId, name));
    }

    /**
     * Deletes a tag: every profile loses it (history REMOVED; EXITED logged for a rule tag), then the
     * definition goes. History stays readable. A tag that a rule tag reads cannot be deleted.
     */
    public Uni<Void> delete(UUID workspaceId, String name) {
        OffsetDateTime now = utc(clock.instant());
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> connection.preparedQuery("SELECT g.kind FROM tags g WHERE g.workspace_id = $1 AND g.name = $2 FOR UPDATE")
                        .execute(Tuple.of(workspaceId, name)))
                .chain(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        return Uni.createFrom().failure(notFound(name));
                    }
                    boolean rule = RULE.equals(row.getString("kind"));
                    return TagGraph.load(connection, workspaceId).chain(rules -> {
                        List<String> readers = TagGraph.readers(name, rules);
                        if (!readers.isEmpty()) {
                            return Uni.createFrom().failure(new ConflictException("Tag '" + name + "' is read by rule tag(s) "
                                    + String.join(", ", readers.stream().map(reader -> "'" + reader + "'").toList())
                                    + "; change or delete those first"));
                        }
                        return connection.preparedQuery(EVERYONE_LOSES)
                                .execute(Tuple.of(workspaceId, name, rule ? RULE : MANUAL, now))
                                .chain(() -> connection.preparedQuery("DELETE FROM tags WHERE workspace_id = $1 AND name = $2")
                                        .execute(Tuple.of(workspaceId, name)))
                                .replaceWith(rule);
                    });
                }))
                .invoke(rule -> {
                    if (rule) {
                        afterRuleChange(workspaceId, name, 0, false);
                    }
                })
                .replaceWithVoid();
    }

    // --- the real-time engine's reads and writes --------------------------------

    /** Every rule tag of the workspace, in dependency order: a tag after the rule tags it reads. */
    public Uni<List<RuleTag>> ruleTags(SqlClient client, UUID workspaceId) {
        return TagGraph.load(client, workspaceId).map(rules -> TagGraph.dependencyOrder(rules).stream()
                .filter(definition -> definition.condition() != null)
                .map(definition -> new RuleTag(definition.name(), definition.condition()))
                .toList());
    }

    /**
     * Writes the engine's decisions inside the caller's transaction: one statement for the
     * additions and one for the removals, each with its tag history (source RULE) and audience
     * changes (kind TAG). Applying the same change twice changes nothing: an addition the profile
     * already has is skipped, and a removal deletes only an assignment the rule made.
     */
    public Uni<Void> applyRuleChanges(SqlClient client, UUID workspaceId, List<TagChange> changes, Instant at) {
        if (changes == null || changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> addTags = new ArrayList<>();
        List<UUID> addProfiles = new ArrayList<>();
        List<String> removeTags = new ArrayList<>();
        List<UUID> removeProfiles = new ArrayList<>();
        for (TagChange change : changes) {
            (change.added() ? addTags : removeTags).add(change.tag());
            (change.added() ? addProfiles : removeProfiles).add(change.profileId());
        }
        OffsetDateTime when = utc(at);
        // Additions and removals are different (tag, profile) pairs: both are sent at once and pipelined.
        List<Uni<Void>> writes = new ArrayList<>();
        if (!addTags.isEmpty()) {
            writes.add(client.preparedQuery(RULE_ADD).execute(Tuple.of(workspaceId, addTags.toArray(String[]::new),
                    addProfiles.toArray(UUID[]::new), when)).replaceWithVoid());
        }
        if (!removeTags.isEmpty()) {
            writes.add(client.preparedQuery(RULE_REMOVE).execute(Tuple.of(workspaceId, removeTags.toArray(String[]::new),
                    removeProfiles.toArray(UUID[]::new), when)).replaceWithVoid());
        }
        return Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    // --- manual assignments ------------------------------------------------------

    /** Tags profiles in bulk; a manual tag that does not exist yet is created. */
    public Uni<TagView.Assigned> assign(UUID workspaceId, String name, AssignRequest request) {
        Bulk bulk = bulk(request);
        String tag = requireName(name);
        OffsetDateTime now = utc(clock.instant());
        return targets(workspaceId, bulk).chain(targets -> pool.withTransaction(connection ->
                manualTag(connection, workspaceId, tag, true, now)
                        .chain(() -> segmentExists(connection, workspaceId, bulk.segmentId()))
                        .chain(() -> change(connection, workspaceId, tag, true, targets.profileIds(), bulk.segmentId(), bulk.source(), now)))
                .call(counts -> reevaluate(workspaceId, counts.changedIds()))
                .map(counts -> new TagView.Assigned(tag, counts.changed(), counts.targets() - counts.changed(), targets.unknown(),
                        targets.unknownProfileIds(), targets.unknownIdentities())));
    }

    /** Untags profiles in bulk. */
    public Uni<TagView.Unassigned> unassign(UUID workspaceId, String name, AssignRequest request) {
        Bulk bulk = bulk(request);
        OffsetDateTime now = utc(clock.instant());
        return targets(workspaceId, bulk).chain(targets -> pool.withTransaction(connection ->
                manualTag(connection, workspaceId, name, false, now)
                        .chain(() -> segmentExists(connection, workspaceId, bulk.segmentId()))
                        .chain(() -> change(connection, workspaceId, name, false, targets.profileIds(), bulk.segmentId(), bulk.source(), now)))
                .call(counts -> reevaluate(workspaceId, counts.changedIds()))
                .map(counts -> new TagView.Unassigned(name, counts.changed(), counts.targets() - counts.changed(), targets.unknown(),
                        targets.unknownProfileIds(), targets.unknownIdentities())));
    }

    /**
     * Rule tags and segments that read manual tags follow the change, a page of profiles per
     * transaction: every profile whose tags changed, the members of a segment tagged in bulk
     * included.
     */
    private Uni<Void> reevaluate(UUID workspaceId, List<UUID> profileIds) {
        return audiences.evaluateNow(workspaceId, profileIds, ProfileChange.EVERYTHING);
    }

    /** Adds manual tags to one profile (creating tags that do not exist); answers the profile's tags. */
    public Uni<TagView.ProfileTags> addTags(UUID workspaceId, UUID profileId, List<String> names, String source) {
        return changeTags(workspaceId, profileId, names, source, true);
    }

    /** Removes manual tags from one profile; answers the profile's tags. */
    public Uni<TagView.ProfileTags> removeTags(UUID workspaceId, UUID profileId, List<String> names, String source) {
        return changeTags(workspaceId, profileId, names, source, false);
    }

    private Uni<TagView.ProfileTags> changeTags(UUID workspaceId, UUID profileId, List<String> names, String source, boolean add) {
        List<String> tags = names(names, add);
        String why = source(source, "source");
        OffsetDateTime now = utc(clock.instant());
        return profiles.resolve(pool, workspaceId, profileId).chain(profile -> pool.withTransaction(connection ->
                Multi.createFrom().iterable(tags)
                        .onItem().transformToUniAndConcatenate(tag -> manualTag(connection, workspaceId, tag, add, now)
                                .chain(() -> change(connection, workspaceId, tag, add, List.of(profile.id()), null, why, now)))
                        .collect().last())
                .call(() -> audiences.evaluateNow(workspaceId, List.of(profile.id())))
                .chain(() -> currentTags(workspaceId, profile.id())));
    }

    // --- reads -----------------------------------------------------------------------

    /** The tags a profile has now, by name; a merged-away id answers for the profile it was merged into. */
    public Uni<TagView.ProfileTags> profileTags(UUID workspaceId, UUID profileId) {
        return profiles.resolve(pool, workspaceId, profileId).chain(profile -> currentTags(workspaceId, profile.id()));
    }

    /** The tags of each profile, in the order given, in one statement (GraphQL {@code profile.tags}). */
    public Uni<List<List<TagView.Assignment>>> tagsOf(UUID workspaceId, List<UUID> profileIds) {
        return pool.preparedQuery("""
                SELECT t.profile_id, t.tag, t.source, t.assigned_at FROM profile_tags t
                 WHERE t.workspace_id = $1 AND t.profile_id = ANY($2::uuid[])
                 ORDER BY t.profile_id, t.tag""")
                .execute(Tuple.of(workspaceId, profileIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<TagView.Assignment>> byProfile = new LinkedHashMap<>();
                    for (Row row : rows) {
                        byProfile.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>()).add(assignment(row));
                    }
                    return profileIds.stream().map(id -> byProfile.getOrDefault(id, List.of())).toList();
                });
    }

    /** A profile's tag history, newest first, including profiles merged into it. */
    public Uni<Page<TagView.HistoryEntry>> profileHistory(UUID workspaceId, UUID profileId, String after, Integer limit) {
        long before = decodeSeq(after, "after");
        int size = Cursors.limit(limit, "limit");
        return profiles.resolve(pool, workspaceId, profileId)
                .chain(profile -> profiles.lineage(pool, workspaceId, profile.id()))
                .chain(lineage -> pool.preparedQuery("SELECT " + HISTORY_COLUMNS + """
                         FROM audience_changes h
                        WHERE h.workspace_id = $1 AND h.profile_id = ANY($2::uuid[]) AND h.kind = 'TAG' AND h.seq < $3
                        ORDER BY h.seq DESC LIMIT $4""")
                        .execute(Tuple.of(workspaceId, lineage.toArray(UUID[]::new), before, size + 1)))
                .map(rows -> historyPage(rows, size, row -> new UUID(0, row.getLong("seq"))));
    }

    /**
     * A tag's history, newest first in the log's (transaction, seq) order, which its cursor index
     * serves; readable after the tag was deleted.
     */
    public Uni<Page<TagView.HistoryEntry>> tagHistory(UUID workspaceId, String name, String after, Integer limit) {
        UUID before = Cursors.decode(after, "after");
        long beforeTx = before == null ? Long.MAX_VALUE : before.getMostSignificantBits();
        long beforeSeq = before == null ? Long.MAX_VALUE : before.getLeastSignificantBits();
        int size = Cursors.limit(limit, "limit");
        return pool.preparedQuery("""
                SELECT EXISTS (SELECT 1 FROM tags WHERE workspace_id = $1 AND name = $2)
                    OR EXISTS (SELECT 1 FROM audience_changes WHERE workspace_id = $1 AND kind = 'TAG' AND audience = $2) AS known""")
                .execute(Tuple.of(workspaceId, name))
                .chain(rows -> {
                    if (!first(rows).getBoolean("known")) {
                        return Uni.createFrom().failure(notFound(name));
                    }
                    return pool.preparedQuery("SELECT " + HISTORY_COLUMNS + """
                             FROM audience_changes h
                            WHERE h.workspace_id = $1 AND h.kind = 'TAG' AND h.audience = $2 AND (h.tx, h.seq) < ($3::text::xid8, $4)
                            ORDER BY h.tx DESC, h.seq DESC LIMIT $5""")
                            .execute(Tuple.of(workspaceId, name, Long.toString(beforeTx), beforeSeq, size + 1));
                })
                .map(rows -> historyPage(rows, size, row -> new UUID(Long.parseLong(row.getString("tx")), row.getLong("seq"))));
    }

    /** The profiles that have the tag now, in id order. */
    public Uni<Page<TagView.Member>> members(UUID workspaceId, String name, String after, Integer limit) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        return pool.preparedQuery("SELECT 1 FROM tags WHERE workspace_id = $1 AND name = $2").execute(Tuple.of(workspaceId, name))
                .chain(rows -> {
                    if (first(rows) == null) {
                        return Uni.createFrom().failure(notFound(name));
                    }
                    return pool.preparedQuery("""
                            SELECT t.profile_id, t.source, t.assigned_at FROM profile_tags t
                             WHERE t.workspace_id = $1 AND t.tag = $2 AND t.profile_id > $3
                             ORDER BY t.profile_id LIMIT $4""")
                            .execute(Tuple.of(workspaceId, name, afterId == null ? ZERO : afterId, size + 1));
                })
                .map(rows -> Page.of(all(rows, row -> row), size, row -> row.getUUID("profile_id"),
                        row -> new TagView.Member(row.getUUID("profile_id"), row.getString("source"), instant(row, "assigned_at"))));
    }

    // --- cursors over names (GraphQL edges use them too) --------------------------------

    static String cursor(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("t:" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeName(String cursor, String field) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("t:")) {
                return text.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw new BadInputException(field, "is not a cursor returned by this API");
    }

    /** History cursors carry the last seq seen; pages go down from it. */
    private static long decodeSeq(String cursor, String field) {
        UUID decoded = Cursors.decode(cursor, field);
        return decoded == null ? Long.MAX_VALUE : decoded.getLeastSignificantBits();
    }

    // --- the parts ----------------------------------------------------------------------

    private record Bulk(List<String> profileIds, List<AssignRequest.IdentityRef> identities, UUID segmentId, String source) {
    }

    private record Targets(List<UUID> profileIds, List<String> unknownProfileIds, List<AssignRequest.IdentityRef> unknownIdentities) {
        int unknown() {
            return unknownProfileIds.size() + unknownIdentities.size();
        }
    }

    /** How many profiles were targeted, and those whose tags actually changed. */
    private record Counts(int targets, List<UUID> changedIds) {
        int changed() {
            return changedIds.size();
        }
    }

    private record Indexed(int index, UUID profileId) {
    }

    private static Bulk bulk(AssignRequest request) {
        if (request == null) {
            throw new BadInputException("body", "must be a JSON object with profileIds, identities or segmentId");
        }
        List<FieldViolation> violations = new ArrayList<>();
        List<String> ids = request.profileIds() == null ? List.of() : request.profileIds();
        List<AssignRequest.IdentityRef> identities = request.identities() == null ? List.of() : request.identities();
        UUID segmentId = null;
        if (request.segmentId() != null) {
            try {
                segmentId = UUID.fromString(request.segmentId());
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation("segmentId", "is not a segment id"));
            }
        }
        if (ids.isEmpty() && identities.isEmpty() && request.segmentId() == null) {
            violations.add(new FieldViolation("profileIds", "give profileIds, identities or segmentId"));
        }
        if (ids.size() + identities.size() > MAX_BULK) {
            violations.add(new FieldViolation(ids.size() > identities.size() ? "profileIds" : "identities",
                    "at most " + MAX_BULK + " profile ids and identities in one request; send several requests"));
        }
        for (int i = 0; i < identities.size(); i++) {
            AssignRequest.IdentityRef identity = identities.get(i);
            if (identity == null || identity.type() == null || identity.type().isBlank()) {
                violations.add(new FieldViolation("identities[" + i + "].type", "is required, for example email, phone or user_id"));
            } else if (identity.value() == null || identity.value().isBlank()) {
                violations.add(new FieldViolation("identities[" + i + "].value", "is required"));
            }
        }
        String source = null;
        try {
            source = source(request.source(), "source");
        } catch (BadInputException e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return new Bulk(ids, identities, segmentId, source);
    }

    private static String source(String source, String field) {
        if (source == null || source.equals(MANUAL)) {
            return MANUAL;
        }
        if (source.equals(IMPORT)) {
            return IMPORT;
        }
        throw new BadInputException(field, "must be MANUAL or IMPORT");
    }

    /**
     * Resolves ids and identities to current profiles through the profile feature: existing ids in
     * one statement, the rest (merged away or unknown) one by one, identities normalised as
     * ingestion stores them.
     */
    private Uni<Targets> targets(UUID workspaceId, Bulk bulk) {
        Map<String, UUID> parsed = new LinkedHashMap<>();
        List<String> unknownIds = new ArrayList<>();
        for (String raw : bulk.profileIds()) {
            UUID id = parseUuid(raw);
            if (id == null) {
                unknownIds.add(raw);
            } else {
                parsed.putIfAbsent(raw, id);
            }
        }
        // Identities are looked up eight at a time and put back in request order.
        int count = bulk.identities().size();
        return Multi.createFrom().range(0, count)
                .onItem().transformToUni(i -> profileOf(workspaceId, bulk.identities().get(i)).map(id -> new Indexed(i, id))).merge(8)
                .collect().asList()
                .map(found -> {
                    UUID[] byPosition = new UUID[count];
                    found.forEach(item -> byPosition[item.index()] = item.profileId());
                    return Arrays.asList(byPosition);
                })
                .chain(identityIds -> {
                    Set<UUID> candidates = new LinkedHashSet<>(parsed.values());
                    identityIds.stream().filter(java.util.Objects::nonNull).forEach(candidates::add);
                    return current(workspaceId, new ArrayList<>(candidates)).map(resolved -> {
                        Set<UUID> ids = new LinkedHashSet<>();
                        parsed.forEach((raw, id) -> {
                            UUID survivor = resolved.get(id);
                            if (survivor == null) {
                                unknownIds.add(raw);
                            } else {
                                ids.add(survivor);
                            }
                        });
                        List<AssignRequest.IdentityRef> unknownIdentities = new ArrayList<>();
                        for (int i = 0; i < identityIds.size(); i++) {
                            UUID survivor = identityIds.get(i) == null ? null : resolved.get(identityIds.get(i));
                            if (survivor == null) {
                                unknownIdentities.add(bulk.identities().get(i));
                            } else {
                                ids.add(survivor);
                            }
                        }
                        return new Targets(new ArrayList<>(ids), unknownIds, unknownIdentities);
                    });
                });
    }

    /** The profile id an identity belongs to, or null when it is unusable or unknown. */
    private Uni<UUID> profileOf(UUID workspaceId, AssignRequest.IdentityRef ref) {
        Identity identity = normalizer.tryNormalize(ref.type(), ref.value()).orElse(null);
        if (identity == null) {
            return Uni.createFrom().nullItem();
        }
        return profiles.profileIdFor(pool, workspaceId, identity.type(), identity.value());
    }

    /** Each id mapped to its current profile (itself, or the survivor of a merge); absent when unknown. */
    private Uni<Map<UUID, UUID>> current(UUID workspaceId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return profiles.byIds(pool, workspaceId, ids).chain(found -> {
            Map<UUID, UUID> resolved = new LinkedHashMap<>();
            List<UUID> missing = new ArrayList<>();
            for (UUID id : ids) {
                if (found.containsKey(id)) {
                    resolved.put(id, id);
                } else {
                    missing.add(id);
                }
            }
            if (missing.isEmpty()) {
                return Uni.createFrom().item(resolved);
            }
            return Multi.createFrom().iterable(missing)
                    .onItem().transformToUniAndConcatenate(id -> profiles.resolve(pool, workspaceId, id)
                            .map(StoredProfile::id)
                            .onFailure(NotFoundException.class).recoverWithNull()
                            .invoke(survivor -> {
                                if (survivor != null) {
                                    resolved.put(id, survivor);
                                }
                            }))
                    .collect().last()
                    .replaceWith(resolved);
        });
    }

    /**
     * The manual tag {@code name}, locked against deletion for the transaction; created as MANUAL
     * when {@code create} and it does not exist. A rule tag is refused: its rule decides who has it.
     */
    private Uni<Void> manualTag(SqlConnection connection, UUID workspaceId, String name, boolean create, OffsetDateTime now) {
        Uni<Void> created = create
                ? connection.preparedQuery("""
                        INSERT INTO tags (workspace_id, name, kind, created_at, updated_at, status, version)
                        VALUES ($1, $2, 'MANUAL', $3, $3, 'READY', 1) ON CONFLICT DO NOTHING""")
                        .execute(Tuple.of(workspaceId, name, now)).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return created.chain(() -> connection.preparedQuery("SELECT g.kind FROM tags g WHERE g.workspace_id = $1 AND g.name = $2 FOR SHARE")
                .execute(Tuple.of(workspaceId, name)))
                .map(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        throw notFound(name);
                    }
                    if (RULE.equals(row.getString("kind"))) {
                        throw new ConflictException("Tag '" + name + "' is a rule tag: its conditions decide which profiles have it, "
                                + "so it cannot be added or removed by hand; change its conditions instead");
                    }
                    return null;
                });
    }

    private static Uni<Void> segmentExists(SqlConnection connection, UUID workspaceId, UUID segmentId) {
        if (segmentId == null) {
            return Uni.createFrom().voidItem();
        }
        // A read of the segment feature's table, like segment_members in TARGETS: an unknown segment is a 404, not "no members".
        return connection.preparedQuery("SELECT 1 FROM segments WHERE workspace_id = $1 AND id = $2").execute(Tuple.of(workspaceId, segmentId))
                .map(rows -> {
                    if (first(rows) == null) {
                        throw new NotFoundException("No segment " + segmentId + " in this workspace");
                    }
                    return null;
                });
    }

    private static Uni<Counts> change(SqlConnection connection, UUID workspaceId, String tag, boolean add, List<UUID> profileIds,
            UUID segmentId, String source, OffsetDateTime now) {
        return connection.preparedQuery(add ? ADD : REMOVE)
                .execute(Tuple.from(Arrays.asList(workspaceId, tag, profileIds.toArray(UUID[]::new), segmentId, source, now)))
                .map(rows -> {
                    Row row = first(rows);
                    UUID[] changed = row.getArrayOfUUIDs("changed");
                    return new Counts((int) row.getLong("targets").longValue(), changed == null ? List.of() : Arrays.asList(changed));
                });
    }

    private Uni<TagView.ProfileTags> currentTags(UUID workspaceId, UUID profileId) {
        return pool.preparedQuery("""
                SELECT t.tag, t.source, t.assigned_at FROM profile_tags t
                 WHERE t.workspace_id = $1 AND t.profile_id = $2 ORDER BY t.tag""")
                .execute(Tuple.of(workspaceId, profileId))
                .map(rows -> new TagView.ProfileTags(profileId, all(rows, TagService::assignment)));
    }

    private void afterRuleChange(UUID workspaceId, String name, int version, boolean compute) {
        try {
            audiencesChanged.fire(new AudiencesChanged(workspaceId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "An observer of AudiencesChanged failed for workspace %s", workspaceId);
        }
        if (compute) {
            computer.start(workspaceId, name, version);
        }
    }

    // --- validation -------------------------------------------------------------------

    private static TagRequest require(TagRequest request) {
        if (request == null) {
            throw new BadInputException("body", "must be a JSON object with name, kind, description and conditions");
        }
        return request;
    }

    /** A valid tag name, or null with a violation naming {@code field}. */
    static String validName(String name, String field, List<FieldViolation> violations) {
        if (name == null || name.isEmpty()) {
            violations.add(new FieldViolation(field, "is required; " + NAME_RULE));
            return null;
        }
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches() || !name.strip().equals(name)) {
            violations.add(new FieldViolation(field, NAME_RULE));
            return null;
        }
        return name;
    }

    private static String requireName(String name) {
        List<FieldViolation> violations = new ArrayList<>();
        String valid = validName(name, "name", violations);
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return valid;
    }

    private static List<String> names(List<String> names, boolean add) {
        if (names == null || names.isEmpty()) {
            throw new BadInputException("names", "give at least one tag name");
        }
        if (names.size() > MAX_NAMES) {
            throw new BadInputException("names", "at most " + MAX_NAMES + " tags at once");
        }
        List<FieldViolation> violations = new ArrayList<>();
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = add ? validName(names.get(i), "names[" + i + "]", violations) : names.get(i);
            if (name != null) {
                distinct.add(name);
            }
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
        return new ArrayList<>(distinct);
    }

    private static String kind(String kind, boolean hasConditions, List<FieldViolation> violations) {
        if (kind == null) {
            return hasConditions ? RULE : MANUAL;
        }
        if (kind.equals(MANUAL) || kind.equals(RULE)) {
            return kind;
        }
        violations.add(new FieldViolation("kind", "must be MANUAL or RULE"));
        return null;
    }

    private static String description(String description, List<FieldViolation> violations) {
        if (description == null) {
            return null;
        }
        if (description.length() > MAX_DESCRIPTION) {
            violations.add(new FieldViolation("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        return description.isEmpty() ? null : description;
    }

    /** A rule's conditions: valid, and reading no segment. */
    private Condition ruleConditions(Object json, boolean required, List<FieldViolation> violations) {
        if (json == null) {
            if (required) {
                violations.add(new FieldViolation("conditions", "is required for a RULE tag: a condition such as "
                        + "{\"computed\": {\"field\": \"lifetime_revenue\", \"op\": \"gte\", \"value\": 100000}}"));
            }
            return null;
        }
        try {
            Condition condition = conditions.read(json, "conditions");
            TagGraph.refuseSegments(condition, "conditions", violations);
            return condition;
        } catch (BadInputException e) {
            violations.addAll(e.violations());
            return null;
        }
    }

    // --- rows -------------------------------------------------------------------------

    private static TagView.Assignment assignment(Row row) {
        return new TagView.Assignment(row.getString("tag"), row.getString("source"), instant(row, "assigned_at"));
    }

    private static Page<TagView.HistoryEntry> historyPage(RowSet<Row> rows, int size, java.util.function.Function<Row, UUID> cursor) {
        return Page.of(all(rows, row -> row), size, cursor,
                row -> new TagView.HistoryEntry(row.getString("tag"), row.getUUID("profile_id"), row.getString("action"),
                        row.getString("source"), instant(row, "at")));
    }

    static NotFoundException notFound(String name) {
        return new NotFoundException("No tag '" + name + "' in this workspace");
    }

    private static UUID parseUuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static Row first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? iterator.next() : null;
    }

    private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> items = new ArrayList<>(rows.size());
        rows.forEach(row -> items.add(mapper.apply(row)));
        return items;
    }
}
