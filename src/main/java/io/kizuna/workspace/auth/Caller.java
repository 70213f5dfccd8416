package io.kizuna.workspace.auth;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: either the operator (no workspace) or a workspace key with its effective scopes.
 * An anonymous caller has neither.
 */
public record Caller(UUID workspaceId, UUID keyId, Set<Scope> scopes, boolean operator) {

    public static final Caller ANONYMOUS = new Caller(null, null, Set.of(), false);
    public static final Caller OPERATOR = new Caller(null, null, Set.of(), true);

    public static Caller key(UUID workspaceId, UUID keyId, Set<Scope> scopes) {
        return new Caller(workspaceId, keyId, Set.copyOf(scopes), false);
    }

    public boolean anonymous() {
        return !operator && workspaceId == null;
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
