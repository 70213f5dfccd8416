package io.kizuna.segment;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.ConflictException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.id.Ids;
import io.kizuna.common.json.JsonValues;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.kizuna.common.time.IsoInstants;
import io.kizuna.condition.AudiencesChanged;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionJson;
import io.kizuna.condition.ConditionPreview;
import io.kizuna.condition.ConditionService;
import io.kizuna.profile.ProfileStore;
import io.kizuna.profile.StoredProfile;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Segments: definitions (validated, segment references checked for existence and cycles),
 * materialized membership read page by page or exported as a stream, size over time, the
 * membership change log, and the two entry points of the real-time engine. Full (re)computation
 * runs in the background through {@link SegmentComputer}. Every statement filters on the workspace.
 */
@ApplicationScoped
public class SegmentService {

    private static final Logger LOG = Logger.getLogger(SegmentService.class);

    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2000;
    static final int EXPORT_PAGE = 1000;
    static final int MAX_SIZE_POINTS = 1000;
    private static final UUID ZERO = new UUID(0, 0);

    /** Serializes definition changes of one workspace, so two concurrent updates cannot close a cycle. */
    static final String WORKSPACE_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('kizuna.segments:' || $1::uuid::text, 0))";

    private static final String DEFINITIONS = "SELECT s.id, s.name, s.condition FROM segments s WHERE s.workspace_id = $1 ORDER BY s.created_at, s.id";

    private static final String ENTER = """
            WITH input AS (
                SELECT DISTINCT t.segment_id, t.profile_id
                  FROM unnest($2::uuid[], $3::uuid[]) AS t(segment_id, profile_id)
                  JOIN segments s ON s.workspace_id = $1 AND s.id = t.segment_id),
            entered AS (
                INSERT INTO segment_members (workspace_id, segment_id, profile_id, entered_at)
                SELECT $1, segment_id, profile_id, $4::timestamptz FROM input
                ON CONFLICT DO NOTHING
                RETURNING segment_id, profile_id),
            changes AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at)
                SELECT $1, 'SEGMENT', segment_id::text, profile_id, 'ENTERED', $4::timestamptz FROM entered)
            SELECT count(*) FROM entered""";

    // Rows are found with one key probe each and changed by ctid: as "DELETE ... USING input" or
    // "UPDATE ... FROM exited", a plan cached while the tables were small hash-joined against a
    // full scan of them on every ingest batch.
    private static final String EXIT = """
            WITH input AS (
                SELECT DISTINCT t.segment_id, t.profile_id FROM unnest($2::uuid[], $3::uuid[]) AS t(segment_id, profile_id)),
            exited AS (
                DELETE FROM segment_members m
                 WHERE m.ctid = ANY (ARRAY(SELECT x.ctid FROM input i CROSS JOIN LATERAL (
                           SELECT ctid FROM segment_members
                            WHERE workspace_id = $1 AND segment_id = i.segment_id AND profile_id = i.profile_id OFFSET 0) x))
                RETURNING m.segment_id, m.profile_id),
            changes AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at)
                SELECT $1, 'SEGMENT', segment_id::text, profile_id, 'EXITED', $4::timestamptz FROM exited)
            SELECT count(*) FROM exited""";

    /** Every member of segment $2 leaves at $3, EXITED logged. */
    private static final String EVERYONE_EXITS = """
            WITH exited AS (
                DELETE FROM segment_members m WHERE m.workspace_id = $1 AND m.segment_id = $2 RETURNING m.profile_id),
            changes AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at)
                SELECT $1, 'SEGMENT', $2::uuid::text, profile_id, 'EXITED', $3::timestamptz FROM exited)
            SELECT count(*) FROM exited""";

    /** A segment's definition as the reference graph sees it; {@code condition} is null when the stored JSON no longer reads. */
    record Definition(UUID id, String name, Condition condition) {
    }

    /** One page of members for GraphQL: the profiles in id order and when each entered. */
    record MemberSlice(List<StoredProfile> profiles, Map<UUID, Instant> enteredAt, boolean more) {
    }

    /** A streamed export: its media type and its body, one chunk per page of members. */
    public record Export(String mediaType, String fileName, Multi<String> body) {
    }

    private final PgPool pool;
    private final ConditionService conditions;
    private final ProfileStore profiles;
    private final SegmentComputer computer;
    private final Event<AudiencesChanged> audiencesChanged;
    private final Clock clock;

    public SegmentService(PgPool pool, ConditionService conditions, ProfileStore profiles, SegmentComputer computer,
            Event<AudiencesChanged> audiencesChanged, Clock clock) {
        this.pool = pool;
        this.conditions = conditions;
        this.profiles = profiles;
        this.computer = computer;
        this.audiencesChanged = audiencesChanged;
        this.clock = clock;
    }

    // --- definitions ----------------------------------------------------------

    public Uni<SegmentView> create(UUID workspaceId, SegmentRequest request) {
        SegmentRequest body = require(request);
        List<FieldViolation> violations = new ArrayList<>();
        String name = name(body.name(), true, violations);
        String description = description(body.description(), violations);
        Condition condition = readConditions(body.conditions(), true, violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(violations));
        }
        Instant now = clock.instant();
        UUID id = Ids.newId(now);
        Object canonical = ConditionJson.write(condition);
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> definitions(connection, workspaceId))
                .invoke(graph -> checkReferences(graph, null, condition, "conditions"))
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO segments AS s (workspace_id, id, name, description, condition, created_at, updated_at, status, version)
                        VALUES ($1, $2, $3, $4, $5, $6, $6, 'BUILDING', 1)
                        RETURNING %s""".formatted(StoredSegment.COLUMNS))
                        .execute(Tuple.tuple(java.util.Arrays.asList(workspaceId, id, name, nullable(description), new JsonObject(JsonValues.object(canonical)), utc(now)))))
                .map(rows -> StoredSegment.from(rows.iterator().next())))
                .invoke(() -> afterChange(workspaceId, id, true))
                .map(stored -> stored.view(0));
    }

    public Uni<Page<SegmentView>> list(UUID workspaceId, String after, Integer limit) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        return pool.preparedQuery("SELECT " + StoredSegment.COLUMNS + " FROM segments s WHERE s.workspace_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3")
                .execute(Tuple.of(workspaceId, afterId == null ? ZERO : afterId, size + 1))
                .map(rows -> {
                    List<StoredSegment> found = new ArrayList<>();
                    rows.forEach(row -> found.add(StoredSegment.from(row)));
                    return found;
                })
                .chain(found -> counts(workspaceId, found.stream().limit(size).map(StoredSegment::id).toList())
                        .map(counts -> Page.of(found, size, StoredSegment::id, stored -> stored.view(counts.getOrDefault(stored.id(), 0L)))));
    }

    public Uni<SegmentView> get(UUID workspaceId, UUID id) {
        return stored(pool, workspaceId, id).chain(stored -> count(workspaceId, id).map(stored::view));
    }

    public Uni<SegmentView> update(UUID workspaceId, UUID id, SegmentRequest request) {
        SegmentRequest body = require(request);
        List<FieldViolation> violations = new ArrayList<>();
        String name = body.name() == null ? null : name(body.name(), true, violations);
        String description = description(body.description(), violations);
        Condition condition = readConditions(body.conditions(), false, violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(violations));
        }
        Instant now = clock.instant();
        JsonObject canonical = condition == null ? null : new JsonObject(JsonValues.object(ConditionJson.write(condition)));
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> connection.preparedQuery("SELECT s.condition = $3::jsonb AS same FROM segments s WHERE s.workspace_id = $1 AND s.id = $2 FOR UPDATE")
                        .execute(Tuple.of(workspaceId, id, canonical)))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(notFound(id));
                    }
                    boolean changed = canonical != null && !Boolean.TRUE.equals(rows.iterator().next().getBoolean("same"));
                    Uni<Void> checked = changed
                            ? definitions(connection, workspaceId).invoke(graph -> checkReferences(graph, id, condition, "conditions")).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return checked.chain(() -> connection.preparedQuery("""
                            UPDATE segments SET name = coalesce($3, name),
                                   description = CASE WHEN $4::boolean THEN nullif($5, '') ELSE description END,
                                   condition = CASE WHEN $6::boolean THEN $7::jsonb ELSE condition END,
                                   version = version + CASE WHEN $6::boolean THEN 1 ELSE 0 END,
                                   status = CASE WHEN $6::boolean THEN 'BUILDING' ELSE status END,
                                   failure = CASE WHEN $6::boolean THEN NULL ELSE failure END,
                                   updated_at = $8
                             WHERE workspace_id = $1 AND id = $2""")
                            .execute(Tuple.tuple(java.util.Arrays.asList(workspaceId, id, name, body.description() != null, description,
                                    changed, canonical, utc(now)))))
                            .replaceWith(changed);
                }))
                .invoke(changed -> afterChange(workspaceId, id, changed))
                .chain(() -> get(workspaceId, id));
    }

    /**
     * Deletes a segment: its members exit (history closed, EXITED logged for journeys), then its
     * members, sizes and definition go. Closed history stays, so a profile's past memberships
     * remain readable. A segment other segments refer to cannot be deleted.
     */
    public Uni<Void> delete(UUID workspaceId, UUID id) {
        Instant now = clock.instant();
        return pool.withTransaction(connection -> connection.preparedQuery(WORKSPACE_LOCK).execute(Tuple.of(workspaceId))
                .chain(() -> definitions(connection, workspaceId))
                .chain(graph -> {
                    if (graph.stream().noneMatch(definition -> definition.id().equals(id))) {
                        return Uni.createFrom().failure(notFound(id));
                    }
                    List<String> users = graph.stream()
                            .filter(definition -> definition.condition() != null && references(definition.condition(), "").containsKey(id))
                            .map(definition -> "'" + definition.name() + "' (" + definition.id() + ")")
                            .toList();
                    if (!users.isEmpty()) {
                        return Uni.createFrom().failure(new ConflictException(
                                "Segment " + id + " is used by " + String.join(", ", users) + "; change or delete those first"));
                    }
                    return connection.preparedQuery(EVERYONE_EXITS).execute(Tuple.of(workspaceId, id, utc(now)))
                            .chain(() -> connection.preparedQuery("DELETE FROM segment_sizes WHERE workspace_id = $1 AND segment_id = $2")
                                    .execute(Tuple.of(workspaceId, id)))
                            .chain(() -> connection.preparedQuery("DELETE FROM segments WHERE workspace_id = $1 AND id = $2")
                                    .execute(Tuple.of(workspaceId, id)))
                            .replaceWithVoid();
                }))
                .invoke(() -> afterChange(workspaceId, id, false));
    }

    /** Counts and lists the profiles matching a condition now, without saving it; segment references must exist. */
    public Uni<ConditionPreview> preview(UUID workspaceId, Object json, Integer limit) {
        Condition condition = conditions.read(json, "conditions");
        return definitions(pool, workspaceId)
                .invoke(graph -> checkReferences(graph, null, condition, "conditions"))
                .chain(() -> conditions.preview(workspaceId, condition, limit));
    }

    // --- membership -----------------------------------------------------------

    /** Members in profile id order, with their traits. */
    public Uni<Page<SegmentView.Member>> members(UUID workspaceId, UUID id, String after, Integer limit) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        return exists(workspaceId, id)
                .chain(() -> memberPage(workspaceId, id, afterId == null ? ZERO : afterId, size + 1))
                .map(rows -> Page.of(rows, size, SegmentView.Member::profileId, member -> member));
    }

    /** One page of members as profiles, for GraphQL connections. */
    Uni<MemberSlice> memberProfiles(UUID workspaceId, UUID id, String after, Integer first) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(first, "first");
        return exists(workspaceId, id)
                .chain(() -> memberRows(workspaceId, id, afterId == null ? ZERO : afterId, size + 1))
                .chain(entered -> {
                    boolean more = entered.size() > size;
                    List<UUID> ids = new ArrayList<>(entered.keySet()).subList(0, Math.min(size, entered.size()));
                    return profiles.byIds(pool, workspaceId, ids).map(found -> new MemberSlice(
                            ids.stream().filter(found::containsKey).map(found::get).toList(), entered, more));
                });
    }

    /**
     * Every member, streamed: CSV ({@code profile_id,entered_at,traits}, traits as JSON text) or
     * NDJSON (one {@code {"profileId", "enteredAt", "traits"}} object a line), read from the
     * database 1,000 members at a time.
     */
    public Uni<Export> export(UUID workspaceId, UUID id, String format) {
        String chosen = format == null || format.isBlank() ? "csv" : format.trim().toLowerCase(java.util.Locale.ROOT);
        if (!chosen.equals("csv") && !chosen.equals("ndjson")) {
            return Uni.createFrom().failure(new BadInputException("format", "must be csv or ndjson"));
        }
        boolean csv = chosen.equals("csv");
        return exists(workspaceId, id).map(ignored -> {
            Multi<String> pages = Multi.createBy().repeating()
                    .uni(() -> new UUID[] { ZERO }, cursor -> memberPage(workspaceId, id, cursor[0], EXPORT_PAGE).invoke(page -> {
                        if (!page.isEmpty()) {
                            cursor[0] = page.get(page.size() - 1).profileId();
                        }
                    }))
                    .whilst(page -> page.size() == EXPORT_PAGE)
                    .filter(page -> !page.isEmpty())
                    .map(page -> csv ? csvLines(page) : ndjsonLines(page));
            Multi<String> body = csv
                    ? Multi.createBy().concatenating().streams(Multi.createFrom().item("profile_id,entered_at,traits\n"), pages)
                    : pages;
            return new Export(csv ? "text/csv" : "application/x-ndjson", "segment-" + id + (csv ? ".csv" : ".ndjson"), body);
        });
    }

    /** Sizes recorded in [from, to] (ISO-8601 instants, both optional), oldest first; the latest 1,000 at most. */
    public Uni<List<SegmentView.Size>> sizes(UUID workspaceId, UUID id, String from, String to) {
        List<FieldViolation> violations = new ArrayList<>();
        Instant start = instant(from, "from", violations);
        Instant end = instant(to, "to", violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(new BadInputException(violations));
        }
        return exists(workspaceId, id).chain(() -> pool.preparedQuery("""
                SELECT at, size FROM segment_sizes
                 WHERE workspace_id = $1 AND segment_id = $2 AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at <= $4)
                 ORDER BY at DESC LIMIT $5""")
                .execute(Tuple.of(workspaceId, id, start == null ? null : utc(start), end == null ? null : utc(end), MAX_SIZE_POINTS))
                .map(rows -> {
                    List<SegmentView.Size> sizes = new ArrayList<>();
                    rows.forEach(row -> sizes.add(0, new SegmentView.Size(row.getOffsetDateTime("at").toInstant(), row.getLong("size"))));
                    return sizes;
                }));
    }

    /**
     * The segment's ENTERED/EXITED log after the cursor {@code after}, in log order. Only changes
     * of transactions older than every transaction still running are answered, so a change that
     * commits late is never behind a cursor already handed out (see V8__audience_changes_cursor.sql).
     */
    public Uni<SegmentView.Changes> changes(UUID workspaceId, UUID id, String after, Integer limit) {
        ChangeCursor from = ChangeCursor.parse(after);
        int size = Cursors.limit(limit, "limit");
        return exists(workspaceId, id).chain(() -> pool.preparedQuery("""
                SELECT seq, tx::text AS tx, profile_id, change, at FROM audience_changes
                 WHERE workspace_id = $1 AND kind = 'SEGMENT' AND audience = $2
                   AND (tx, seq) > ($3::text::xid8, $4::bigint)
                   AND tx < pg_snapshot_xmin(pg_current_snapshot())
                 ORDER BY tx, seq LIMIT $5""")
                .execute(Tuple.of(workspaceId, id.toString(), from.tx(), from.seq(), size))
                .map(rows -> {
                    List<SegmentView.Change> items = new ArrayList<>();
                    ChangeCursor last = from;
                    for (Row row : rows) {
                        items.add(new SegmentView.Change(row.getLong("seq"), row.getUUID("profile_id"),
                                row.getString("change"), row.getOffsetDateTime("at").toInstant()));
                        last = new ChangeCursor(row.getString("tx"), row.getLong("seq"));
                    }
                    return new SegmentView.Changes(items, last.text());
                }));
    }

    /** A position in the change log: transaction id, then seq. "0" (or nothing) is the beginning. */
    record ChangeCursor(String tx, long seq) {
        private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile("([0-9]{1,20})-([0-9]{1,19})");

        static ChangeCursor parse(String text) {
            if (text == null || text.isEmpty() || text.equals("0")) {
                return new ChangeCursor("0", 0);
            }
            java.util.regex.Matcher matcher = FORM.matcher(text);
            if (!matcher.matches()) {
                throw new BadInputException("after", "must be the 'next' of a previous answer, or 0 to start from the beginning");
            }
            return new ChangeCursor(matcher.group(1), Long.parseLong(matcher.group(2)));
        }

        String text() {
            return tx.equals("0") && seq == 0 ? "0" : tx + "-" + seq;
        }
    }

    /** A profile's current segments and every stay, newest first; a merged-away id answers for its survivor. */
    public Uni<SegmentView.ProfileSegments> profileSegments(UUID workspaceId, UUID profileId) {
        return profiles.resolve(pool, workspaceId, profileId).chain(profile -> pool.preparedQuery(SegmentStays.OF_PROFILE
                + " ORDER BY h.entered_at DESC, h.segment_id")
                .execute(Tuple.of(workspaceId, profile.id()))
                .chain(history -> pool.preparedQuery("""
                        SELECT m.segment_id, s.name, m.entered_at
                          FROM segment_members m JOIN segments s ON s.workspace_id = m.workspace_id AND s.id = m.segment_id
                         WHERE m.workspace_id = $1 AND m.profile_id = $2
                         ORDER BY m.entered_at DESC, m.segment_id""")
                        .execute(Tuple.of(workspaceId, profile.id()))
                        .map(current -> {
                            List<SegmentView.Stay> now = new ArrayList<>();
                            current.forEach(row -> now.add(new SegmentView.Stay(row.getUUID("segment_id"), row.getString("name"),
                                    row.getOffsetDateTime("entered_at").toInstant(), null)));
                            List<SegmentView.Stay> stays = new ArrayList<>();
                            history.forEach(row -> stays.add(new SegmentView.Stay(row.getUUID("segment_id"), row.getString("name"),
                                    row.getOffsetDateTime("entered_at").toInstant(), StoredSegment.instant(row.getOffsetDateTime("exited_at")))));
                            return new SegmentView.ProfileSegments(profile.id(), now, stays);
                        })));
    }

    // --- GraphQL helpers ------------------------------------------------------

    Uni<StoredSegment> stored(UUID workspaceId, UUID id) {
        return stored(pool, workspaceId, id);
    }

    Uni<Page<StoredSegment>> storedPage(UUID workspaceId, String after, Integer first) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(first, "first");
        return pool.preparedQuery("SELECT " + StoredSegment.COLUMNS + " FROM segments s WHERE s.workspace_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3")
                .execute(Tuple.of(workspaceId, afterId == null ? ZERO : afterId, size + 1))
                .map(rows -> {
                    List<StoredSegment> found = new ArrayList<>();
                    rows.forEach(row -> found.add(StoredSegment.from(row)));
                    return Page.of(found, size, StoredSegment::id, stored -> stored);
                });
    }

    /** Current member counts of the given segments (0 for none). */
    public Uni<Map<UUID, Long>> counts(UUID workspaceId, List<UUID> segmentIds) {
        if (segmentIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("""
                SELECT segment_id, count(*) AS members FROM segment_members
                 WHERE workspace_id = $1 AND segment_id = ANY($2::uuid[]) GROUP BY segment_id""")
                .execute(Tuple.of(workspaceId, segmentIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, Long> counts = new HashMap<>();
                    rows.forEach(row -> counts.put(row.getUUID("segment_id"), row.getLong("members")));
                    return counts;
                });
    }

    /** The segments each profile is in now, in the order given. */
    Uni<List<List<StoredSegment>>> segmentsOf(UUID workspaceId, List<UUID> profileIds) {
        return pool.preparedQuery("SELECT m.profile_id AS member, " + StoredSegment.COLUMNS + """

                  FROM segment_members m JOIN segments s ON s.workspace_id = m.workspace_id AND s.id = m.segment_id
                 WHERE m.workspace_id = $1 AND m.profile_id = ANY($2::uuid[])
                 ORDER BY s.id""")
                .execute(Tuple.of(workspaceId, profileIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<StoredSegment>> found = new HashMap<>();
                    rows.forEach(row -> found.computeIfAbsent(row.getUUID("member"), key -> new ArrayList<>()).add(StoredSegment.from(row)));
                    return profileIds.stream().map(profileId -> found.getOrDefault(profileId, List.of())).toList();
                });
    }

    // --- the real-time engine's entry points -----------------------------------

    /**
     * Every segment of the workspace, in dependency order: a segment comes after the segments it
     * refers to. A segment whose stored condition no longer reads is left out (and logged).
     */
    public Uni<List<SegmentRule>> segmentRules(SqlClient client, UUID workspaceId) {
        return definitions(client, workspaceId).map(graph -> dependencyOrder(graph).stream()
                .map(definition -> new SegmentRule(definition.id(), definition.condition()))
                .toList());
    }

    /**
     * Applies membership changes inside the caller's transaction, in two batched statements (enters,
     * exits): members inserted or deleted, history opened or closed, ENTERED/EXITED appended to the
     * audience change log. Changes already applied do nothing; for a profile named twice in one
     * segment the last change wins. Enters into segments that no longer exist are ignored.
     */
    public Uni<Void> applyMembershipChanges(SqlClient client, UUID workspaceId, List<MembershipChange> changes, Instant at) {
        if (changes == null || changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<List<UUID>, Boolean> last = new LinkedHashMap<>();
        for (MembershipChange change : changes) {
            last.put(List.of(change.segmentId(), change.profileId()), change.entered());
        }
        List<UUID> enterSegments = new ArrayList<>();
        List<UUID> enterProfiles = new ArrayList<>();
        List<UUID> exitSegments = new ArrayList<>();
        List<UUID> exitProfiles = new ArrayList<>();
        last.forEach((key, entered) -> {
            (entered ? enterSegments : exitSegments).add(key.get(0));
            (entered ? enterProfiles : exitProfiles).add(key.get(1));
        });
        OffsetDateTime when = utc(at);
        // One change per (segment, profile): exits and entries touch different rows, so both are
        // sent at once and pipelined.
        List<Uni<Void>> writes = new ArrayList<>();
        if (!exitSegments.isEmpty()) {
            writes.add(client.preparedQuery(EXIT).execute(Tuple.of(workspaceId, exitSegments.toArray(UUID[]::new), exitProfiles.toArray(UUID[]::new), when))
                    .replaceWithVoid());
        }
        if (!enterSegments.isEmpty()) {
            writes.add(client.preparedQuery(ENTER).execute(Tuple.of(workspaceId, enterSegments.toArray(UUID[]::new), enterProfiles.toArray(UUID[]::new), when))
                    .replaceWithVoid());
        }
        return Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    // --- shared ---------------------------------------------------------------

    /** Every segment of the workspace with its parsed condition, in creation order. */
    static Uni<List<Definition>> definitions(SqlClient client, UUID workspaceId) {
        return client.preparedQuery(DEFINITIONS).execute(Tuple.of(workspaceId)).map(rows -> {
            List<Definition> graph = new ArrayList<>();
            for (Row row : rows) {
                UUID id = row.getUUID("id");
                Condition condition;
                try {
                    condition = ConditionJson.read(row.getValue("condition"), "conditions");
                } catch (BadInputException e) {
                    LOG.warnf("Segment %s of workspace %s has a stored condition that no longer reads: %s", id, workspaceId, e.getMessage());
                    condition = null;
                }
                graph.add(new Definition(id, row.getString("name"), condition));
            }
            return graph;
        });
    }

    /** The definitions with a readable condition, each after those it refers to (creation order otherwise). */
    static List<Definition> dependencyOrder(List<Definition> graph) {
        Map<UUID, Definition> byId = new LinkedHashMap<>();
        graph.stream().filter(definition -> definition.condition() != null).forEach(definition -> byId.put(definition.id(), definition));
        List<Definition> ordered = new ArrayList<>();
        Set<UUID> placed = new HashSet<>();
        Set<UUID> visiting = new HashSet<>();
        for (Definition definition : byId.values()) {
            place(definition, byId, placed, visiting, ordered);
        }
        return ordered;
    }

    private static void place(Definition definition, Map<UUID, Definition> byId, Set<UUID> placed, Set<UUID> visiting, List<Definition> ordered) {
        if (placed.contains(definition.id()) || !visiting.add(definition.id())) {
            return;
        }
        for (UUID reference : references(definition.condition(), "").keySet()) {
            Definition used = byId.get(reference);
            if (used != null) {
                place(used, byId, placed, visiting, ordered);
            }
        }
        visiting.remove(definition.id());
        placed.add(definition.id());
        ordered.add(definition);
    }

    /** The segments a condition refers to, each with the paths of its {@code {"segment": id}} nodes under {@code root}. */
    static Map<UUID, List<String>> references(Condition condition, String root) {
        Map<UUID, List<String>> found = new LinkedHashMap<>();
        collect(condition, root, found);
        return found;
    }

    private static void collect(Condition condition, String at, Map<UUID, List<String>> found) {
        if (condition instanceof Condition.All all) {
            String here = key(at, "all");
            for (int i = 0; i < all.conditions().size(); i++) {
                collect(all.conditions().get(i), here + "[" + i + "]", found);
            }
        } else if (condition instanceof Condition.Any any) {
            String here = key(at, "any");
            for (int i = 0; i < any.conditions().size(); i++) {
                collect(any.conditions().get(i), here + "[" + i + "]", found);
            }
        } else if (condition instanceof Condition.Not not) {
            collect(not.condition(), key(at, "not"), found);
        } else if (condition instanceof Condition.InSegment segment) {
            found.computeIfAbsent(segment.segmentId(), id -> new ArrayList<>()).add(key(at, "segment"));
        }
    }

    private static String key(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }

    /**
     * Every referenced segment must exist in the workspace, and (for an existing segment being
     * changed) none may lead back to it. Violations name the {@code segment} node's path.
     */
    static void checkReferences(List<Definition> graph, UUID self, Condition condition, String root) {
        Map<UUID, Definition> byId = new HashMap<>();
        graph.forEach(definition -> byId.put(definition.id(), definition));
        List<FieldViolation> violations = new ArrayList<>();
        for (Map.Entry<UUID, List<String>> reference : references(condition, root).entrySet()) {
            UUID target = reference.getKey();
            String path = reference.getValue().get(0);
            if (self != null && target.equals(self)) {
                violations.add(new FieldViolation(path, "a segment cannot contain itself: " + label(byId.get(self), self) + " → " + label(byId.get(self), self)));
                continue;
            }
            if (!byId.containsKey(target)) {
                reference.getValue().forEach(at -> violations.add(new FieldViolation(at, "no segment with id " + target + " in this workspace")));
                continue;
            }
            if (self != null) {
                List<UUID> chain = pathTo(target, self, byId, new HashSet<>());
                if (chain != null) {
                    StringBuilder text = new StringBuilder(label(byId.get(self), self));
                    for (UUID step : chain) {
                        text.append(" → ").append(label(byId.get(step), step));
                    }
                    violations.add(new FieldViolation(path, "would make a cycle of segments: " + text));
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
    }

    /** The chain of segment ids from {@code from} to {@code target} along references (both ends included), or null. */
    private static List<UUID> pathTo(UUID from, UUID target, Map<UUID, Definition> byId, Set<UUID> seen) {
        if (from.equals(target)) {
            return new ArrayList<>(List.of(target));
        }
        if (!seen.add(from)) {
            return null;
        }
        Definition definition = byId.get(from);
        if (definition == null || definition.condition() == null) {
            return null;
        }
        for (UUID next : references(definition.condition(), "").keySet()) {
            List<UUID> rest = pathTo(next, target, byId, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }

    private static String label(Definition definition, UUID id) {
        return definition == null ? id.toString() : "'" + definition.name() + "' (" + id + ")";
    }

    private void afterChange(UUID workspaceId, UUID id, boolean recompute) {
        try {
            audiencesChanged.fire(new AudiencesChanged(workspaceId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "An observer of AudiencesChanged failed for workspace %s", workspaceId);
        }
        if (recompute) {
            computer.start(workspaceId, id);
        }
    }

    private Uni<Void> exists(UUID workspaceId, UUID id) {
        return pool.preparedQuery("SELECT 1 FROM segments WHERE workspace_id = $1 AND id = $2").execute(Tuple.of(workspaceId, id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw notFound(id);
                    }
                    return null;
                });
    }

    private static Uni<StoredSegment> stored(SqlClient client, UUID workspaceId, UUID id) {
        return client.preparedQuery("SELECT " + StoredSegment.COLUMNS + " FROM segments s WHERE s.workspace_id = $1 AND s.id = $2")
                .execute(Tuple.of(workspaceId, id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw notFound(id);
                    }
                    return StoredSegment.from(rows.iterator().next());
                });
    }

    private Uni<Long> count(UUID workspaceId, UUID id) {
        return pool.preparedQuery("SELECT count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2")
                .execute(Tuple.of(workspaceId, id)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Member ids after {@code after} in id order with their entry time. */
    private Uni<LinkedHashMap<UUID, Instant>> memberRows(UUID workspaceId, UUID id, UUID after, int limit) {
        return pool.preparedQuery("""
                SELECT profile_id, entered_at FROM segment_members
                 WHERE workspace_id = $1 AND segment_id = $2 AND profile_id > $3
                 ORDER BY profile_id LIMIT $4""")
                .execute(Tuple.of(workspaceId, id, after, limit))
                .map(rows -> {
                    LinkedHashMap<UUID, Instant> entered = new LinkedHashMap<>();
                    rows.forEach(row -> entered.put(row.getUUID("profile_id"), row.getOffsetDateTime("entered_at").toInstant()));
                    return entered;
                });
    }

    /** Up to {@code limit} members after {@code after}, with the traits of their profiles (read through the profile store). */
    private Uni<List<SegmentView.Member>> memberPage(UUID workspaceId, UUID id, UUID after, int limit) {
        return memberRows(workspaceId, id, after, limit).chain(entered -> {
            if (entered.isEmpty()) {
                return Uni.createFrom().item(List.<SegmentView.Member>of());
            }
            return profiles.byIds(pool, workspaceId, new ArrayList<>(entered.keySet())).map(found -> {
                List<SegmentView.Member> members = new ArrayList<>(entered.size());
                entered.forEach((profileId, at) -> {
                    StoredProfile profile = found.get(profileId);
                    members.add(new SegmentView.Member(profileId, at, profile == null ? Map.of() : profile.traits()));
                });
                return members;
            });
        });
    }

    private static String csvLines(List<SegmentView.Member> page) {
        StringBuilder text = new StringBuilder(page.size() * 96);
        for (SegmentView.Member member : page) {
            text.append(member.profileId()).append(',').append(member.enteredAt()).append(',')
                    .append(csvCell(JsonValues.encode(member.traits()))).append('\n');
        }
        return text.toString();
    }

    private static String csvCell(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static String ndjsonLines(List<SegmentView.Member> page) {
        StringBuilder text = new StringBuilder(page.size() * 96);
        for (SegmentView.Member member : page) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("profileId", member.profileId().toString());
            line.put("enteredAt", member.enteredAt().toString());
            line.put("traits", member.traits());
            text.append(JsonValues.encode(line)).append('\n');
        }
        return text.toString();
    }

    private static SegmentRequest require(SegmentRequest request) {
        if (request == null) {
            throw new BadInputException("body", "must be a JSON object with 'name' and 'conditions'");
        }
        return request;
    }

    private static String name(String value, boolean required, List<FieldViolation> violations) {
        String name = value == null ? null : value.strip();
        if (name == null || name.isEmpty()) {
            if (required) {
                violations.add(new FieldViolation("name", "is required, 1 to " + MAX_NAME + " characters"));
            }
            return null;
        }
        if (name.length() > MAX_NAME) {
            violations.add(new FieldViolation("name", "must be at most " + MAX_NAME + " characters"));
        }
        return name;
    }

    private static String description(String value, List<FieldViolation> violations) {
        if (value != null && value.length() > MAX_DESCRIPTION) {
            violations.add(new FieldViolation("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        return value;
    }

    private Condition readConditions(Object json, boolean required, List<FieldViolation> violations) {
        if (json == null && !required) {
            return null;
        }
        try {
            return conditions.read(json, "conditions");
        } catch (BadInputException e) {
            violations.addAll(e.violations());
            return null;
        }
    }

    private static Instant instant(String text, String field, List<FieldViolation> violations) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant parsed = IsoInstants.parse(text.strip());
        if (parsed == null) {
            violations.add(new FieldViolation(field, "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z"));
        }
        return parsed;
    }

    private static Object nullable(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static NotFoundException notFound(Object id) {
        return new NotFoundException("No segment " + id + " in this workspace");
    }

}
