package io.kizuna.workspace;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Query;

import io.kizuna.common.error.GraphQLErrors;
import io.kizuna.workspace.auth.CallerContext;
import io.kizuna.workspace.auth.Scope;
import io.smallrye.mutiny.Uni;

@GraphQLApi
public class WorkspaceGraphQL {

    private final WorkspaceService workspaces;
    private final CallerContext caller;

    public WorkspaceGraphQL(WorkspaceService workspaces, CallerContext caller) {
        this.workspaces = workspaces;
        this.caller = caller;
    }

    @Query("workspace")
    @Description("The workspace of the calling API key (read scope)")
    public Uni<WorkspaceView> workspace() {
        return GraphQLErrors.guard(caller.workspaceWith(Scope.READ).chain(workspaces::get));
    }
}
