package io.kizuna.tag;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kizuna.condition.CompiledCondition;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionJson;
import io.kizuna.condition.ConditionService;
import io.kizuna.condition.EvaluationContext;
import io.kizuna.condition.SqlCompiler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Computes a rule tag over every profile of its workspace with the SQL engine, in the background:
 * one transaction adds the tag to the matching profiles that lack it and removes it from those that
 * no longer match, with a tag history row and an audience change for each, in set-based statements.
 * Then the rule tags that read this tag are computed again, in dependency order.
 *
 * <p>A computation started for one version of the conditions does nothing once the conditions
 * have changed again: the newer version's own computation takes over.
 */
@ApplicationScoped
public class TagComputer {

    private static final Logger LOG = Logger.getLogger(TagComputer.class);

    /** Event sub-queries over many profiles want more than the default 4 MB (see ConditionService). */
    private static final String SESSION_SETTINGS = "SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = '10min'";

    private static final String LOCK = """
            SELECT g.condition, g.version FROM tags g
             WHERE g.workspace_id = $1 AND g.name = $2 AND g.kind = 'RULE'
               FOR UPDATE""";

    /**
     * {@code %1$s}: the compiled condition over {@code profiles p} ($1 = workspace); {@code %2$s}: the
     * tag name placeholder; {@code %3$s}: the instant placeholder.
     */
    private static final String RECOMPUTE = """
            WITH matching AS MATERIALIZED (
                SELECT p.id FROM profiles p WHERE p.workspace_id = $1 AND (%1$s)),
            added AS (
                INSERT INTO profile_tags (workspace_id, tag, profile_id, source, assigned_at)
                SELECT $1::uuid, %2$s::text, m.id, 'RULE', %3$s::timestamptz FROM matching m
                ON CONFLICT DO NOTHING
                RETURNING profile_id),
            removed AS (
                DELETE FROM profile_tags t
                 WHERE t.workspace_id = $1 AND t.tag = %2$s::text AND t.source = 'RULE'
                   AND NOT EXISTS (SELECT 1 FROM matching m WHERE m.id = t.profile_id)
                RETURNING t.profile_id),
            logged AS (
                INSERT INTO audience_changes (workspace_id, kind, audience, profile_id, change, at, source)
                SELECT $1::uuid, 'TAG', %2$s::text, profile_id, 'ENTERED', %3$s::timestamptz, 'RULE' FROM added
                UNION ALL
                SELECT $1::uuid, 'TAG', %2$s::text, profile_id, 'EXITED', %3$s::timestamptz, 'RULE' FROM removed)
            SELECT (SELECT count(*) FROM added) AS added, (SELECT count(*) FROM removed) AS removed""";

    private final PgPool pool;
    private final ConditionService conditions;

    public TagComputer(PgPool pool, ConditionService conditions) {
        this.pool = pool;
        this.conditions = conditions;
    }

    /** Starts computing version {@code version} of a rule tag, then the rule tags that read it; returns at once. */
    public void start(UUID workspaceId, String name, int version) {
        compute(workspaceId, name, version).subscribe().with(
                ignored -> {
                },
                failure -> LOG.errorf(failure, "Computing rule tag '%s' of workspace %s failed", name, workspaceId));
    }

    /** Computes the tag (if its conditions are still at {@code version}), then every rule tag that reads it. */
    public Uni<Void> compute(UUID workspaceId, String name, int version) {
        return run(workspaceId, name, version).chain(computed -> {
            if (!computed) {
                return Uni.createFrom().voidItem();
            }
            return TagGraph.load(pool, workspaceId)
                    .map(rules -> TagGraph.dependents(name, rules))
                    .chain(dependents -> Multi.createFrom().iterable(dependents)
                            .onItem().transformToUniAndConcatenate(dependent -> run(workspaceId, dependent.name(), null))
                            .collect().last().replaceWithVoid());
        });
    }

    /** One rule tag in one transaction; false when there was nothing to do or it failed (then marked FAILED). */
    private Uni<Boolean> run(UUID workspaceId, String name, Integer expectedVersion) {
        return conditions.context(workspaceId)
                .chain(context -> pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(workspaceId, name))
                        .chain(rows -> {
                            var found = rows.iterator();
                            if (!found.hasNext()) {
                                return Uni.createFrom().item(false); // deleted, or no longer a rule
                            }
                            Row row = found.next();
                            if (expectedVersion != null && row.getInteger("version") != expectedVersion.intValue()) {
                                return Uni.createFrom().item(false); // changed again: that version's computation runs instead
                            }
                            Condition condition = ConditionJson.read(row.getValue("condition"), "conditions");
                            return connection.query(SESSION_SETTINGS).execute()
                                    .chain(() -> apply(connection, workspaceId, name, condition, context))
                                    .chain(() -> connection.preparedQuery("""
                                            UPDATE tags SET status = 'READY', computed_at = $3, failure = NULL
                                             WHERE workspace_id = $1 AND name = $2""")
                                            .execute(Tuple.of(workspaceId, name, context.now().atOffset(ZoneOffset.UTC))))
                                    .replaceWith(true);
                        })))
                .onFailure().recoverWithUni(failure -> markFailed(workspaceId, name, expectedVersion, failure).replaceWith(false));
    }

    private static Uni<Void> apply(io.vertx.mutiny.sqlclient.SqlConnection connection, UUID workspaceId, String name, Condition condition,
            EvaluationContext context) {
        CompiledCondition compiled = SqlCompiler.compile(condition, context);
        int next = compiled.nextParameter();
        String sql = RECOMPUTE.formatted(compiled.sql(), "$" + next, "$" + (next + 1));
        Instant at = context.now();
        return connection.preparedQuery(sql).execute(compiled.tuple(workspaceId, name, at.atOffset(ZoneOffset.UTC)))
                .invoke(rows -> {
                    Row counts = rows.iterator().next();
                    LOG.debugf("Rule tag '%s' of workspace %s computed: %d added, %d removed", name, workspaceId,
                            counts.getLong("added"), counts.getLong("removed"));
                })
                .replaceWithVoid();
    }

    private Uni<Void> markFailed(UUID workspaceId, String name, Integer expectedVersion, Throwable failure) {
        LOG.warnf(failure, "Computing rule tag '%s' of workspace %s failed", name, workspaceId);
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        String text = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
        return pool.preparedQuery("""
                UPDATE tags SET status = 'FAILED', failure = $3
                 WHERE workspace_id = $1 AND name = $2 AND kind = 'RULE' AND ($4::int IS NULL OR version = $4::int)""")
                .execute(Tuple.from(java.util.Arrays.asList(workspaceId, name, "The rule could not be computed: " + text, expectedVersion)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(error -> {
                    LOG.errorf(error, "Could not mark rule tag '%s' of workspace %s as FAILED", name, workspaceId);
                    return null;
                });
    }
}
