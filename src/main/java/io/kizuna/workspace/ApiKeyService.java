package io.kizuna.workspace;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.db.IsolatedSessions;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.id.Ids;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.kizuna.workspace.auth.ApiKeyCodec;
import io.kizuna.workspace.auth.Authenticator;
import io.kizuna.workspace.auth.Scope;
import io.smallrye.mutiny.Uni;

/** Issues, lists and revokes a workspace's API keys. Every method is confined to one workspace. */
@ApplicationScoped
public class ApiKeyService {

    private final IsolatedSessions sessions;
    private final WorkspaceService workspaces;
    private final Clock clock;
    private final Authenticator authenticator;

    public ApiKeyService(IsolatedSessions sessions, WorkspaceService workspaces, Clock clock, Authenticator authenticator) {
        this.sessions = sessions;
        this.workspaces = workspaces;
        this.clock = clock;
        this.authenticator = authenticator;
    }

    public Uni<IssuedApiKey> issue(UUID workspaceId, CreateApiKeyRequest request) {
        Instant now = clock.instant();
        String secret = ApiKeyCodec.generate();
        ApiKey key = new ApiKey();
        key.id = Ids.newId(now);
        key.workspaceId = workspaceId;
        key.name = request.name().trim();
        key.prefix = ApiKeyCodec.displayPrefix(secret);
        key.keyHash = ApiKeyCodec.hash(secret);
        key.scopes = new LinkedHashSet<>(request.scopes()).stream().map(Scope::wireName).toArray(String[]::new);
        key.createdAt = now;
        return sessions.transact(session -> workspaces.find(session, workspaceId).chain(() -> session.persist(key)))
                .replaceWith(() -> new IssuedApiKey(ApiKeyView.of(key), secret));
    }

    public Uni<Page<ApiKeyView>> list(UUID workspaceId, String after, Integer limit) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        return sessions.read(session -> workspaces.find(session, workspaceId).chain(() -> session
                .createSelectionQuery("from ApiKey k where k.workspaceId = :workspace and k.id > :after order by k.id",
                        ApiKey.class)
                .setParameter("workspace", workspaceId)
                .setParameter("after", afterId == null ? new UUID(0, 0) : afterId)
                .setMaxResults(size + 1)
                .getResultList()))
                .map(rows -> Page.of(rows, size, key -> key.id, ApiKeyView::of));
    }

    /** Revokes a key of this workspace. Revoking twice is harmless; a key of another workspace is not found. */
    public Uni<ApiKeyView> revoke(UUID workspaceId, UUID keyId) {
        return sessions.transact(session -> session.find(ApiKey.class, keyId)
                .map(key -> key != null && key.workspaceId.equals(workspaceId) ? key : null)
                .onItem().ifNull().failWith(() -> new NotFoundException("No API key " + keyId + " in this workspace"))
                .invoke(key -> {
                    if (key.revokedAt == null) {
                        key.revokedAt = clock.instant();
                    }
                }))
                .invoke(authenticator::forgetKeys)
                .map(ApiKeyView::of);
    }
}
