package io.kizuna.workspace.auth;

import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;

import io.kizuna.common.error.ForbiddenException;
import io.kizuna.common.error.UnauthenticatedException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;

/**
 * The caller of the current HTTP request, REST or GraphQL alike. Resolved once per request, on
 * first use. Services receive the workspace id from here, never from client input.
 */
@RequestScoped
public class CallerContext {

    private final Authenticator authenticator;
    private final CurrentVertxRequest request;
    private Uni<Caller> resolved;

    public CallerContext(Authenticator authenticator, CurrentVertxRequest request) {
        this.authenticator = authenticator;
        this.request = request;
    }

    public Uni<Caller> caller() {
        if (resolved == null) {
            String header = request.getCurrent() == null ? null
                    : request.getCurrent().request().getHeader("Authorization");
            resolved = authenticator.authenticate(header).memoize().indefinitely();
        }
        return resolved;
    }

    /** The caller's workspace, provided the caller holds the scope. */
    public Uni<UUID> workspaceWith(Scope scope) {
        return require(scope).map(Caller::workspaceId);
    }

    public Uni<Caller> require(Scope scope) {
        return caller().map(caller -> {
            if (caller.anonymous()) {
                throw new UnauthenticatedException("Send a workspace API key as 'Authorization: Bearer <key>'");
            }
            if (caller.operator()) {
                throw new ForbiddenException("The operator token manages workspaces only; use a workspace key with the '"
                        + scope.wireName() + "' scope");
            }
            if (!caller.has(scope)) {
                throw new ForbiddenException("This API key lacks the '" + scope.wireName() + "' scope");
            }
            return caller;
        });
    }

    public Uni<Caller> requireOperator() {
        return caller().map(caller -> {
            if (caller.anonymous()) {
                throw new UnauthenticatedException("Send the operator token as 'Authorization: Bearer <KIZUNA_ADMIN_TOKEN>'");
            }
            if (!caller.operator()) {
                throw new ForbiddenException("Only the operator token may call the admin API");
            }
            return caller;
        });
    }
}
