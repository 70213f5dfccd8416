package io.kizuna.condition;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.GraphQLErrors;
import io.kizuna.common.json.JsonValues;
import io.kizuna.profile.ProfileNode;
import io.kizuna.profile.ProfileStore;
import io.kizuna.profile.StoredProfile;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.Scope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/** The condition language over GraphQL: a live preview of a condition, typed or as JSON text, without saving it. */
@GraphQLApi
public class ConditionGraphQL {

    @Type("ConditionPreview")
    @Description("How many profiles match a condition now, and the first of them by id")
    @RegisterForReflection
    public record ConditionPreviewNode(
            @Description("Matching profiles") long count,
            @NonNull @Description("The first matching profiles, ordered by id") List<@NonNull ProfileNode> members,
            @NonNull @Description("The instant the condition was evaluated at") Instant evaluatedAt,
            @NonNull @Description("The condition in canonical JSON form, as text") String conditions) {
    }

    private final ConditionService conditions;
    private final ProfileStore profiles;
    private final PgPool pool;
    private final CallerContext caller;

    public ConditionGraphQL(ConditionService conditions, ProfileStore profiles, PgPool pool, CallerContext caller) {
        this.conditions = conditions;
        this.profiles = profiles;
        this.pool = pool;
        this.caller = caller;
    }

    @Query("conditionPreview")
    @Description("Count and first members of a condition over the workspace's profiles now; give it typed (condition) or as JSON text (conditions)")
    public Uni<ConditionPreviewNode> conditionPreview(
            @Name("condition") ConditionInput condition,
            @Name("conditions") @Description("The condition in JSON form, as text") String conditionsJson,
            @Name("limit") @Description("Members to return, 1 to 100 (default 20)") Integer limit) {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaceId -> {
            Object json = ConditionInput.jsonOf(condition, conditionsJson);
            if (json == null) {
                throw new BadInputException("condition", "give the condition typed (condition) or as JSON text (conditions)");
            }
            Condition parsed = conditions.read(json, condition != null ? "condition" : "conditions");
            return conditions.preview(workspaceId, parsed, limit).chain(preview -> members(workspaceId, preview));
        }));
    }

    private Uni<ConditionPreviewNode> members(UUID workspaceId, ConditionPreview preview) {
        List<UUID> ids = preview.members().stream().map(ConditionPreview.Member::id).toList();
        Uni<Map<UUID, StoredProfile>> loaded = ids.isEmpty() ? Uni.createFrom().item(Map.of()) : profiles.byIds(pool, workspaceId, ids);
        return loaded.map(found -> new ConditionPreviewNode(preview.count(),
                ProfileNode.of(ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList()),
                preview.evaluatedAt(), JsonValues.encode(preview.conditions())));
    }
}
