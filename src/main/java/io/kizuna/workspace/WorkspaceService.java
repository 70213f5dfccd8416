package io.kizuna.workspace;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.kizuna.common.db.IsolatedSessions;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.id.Ids;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.kizuna.workspace.auth.Authenticator;
import io.smallrye.mutiny.Uni;

/** Creates, lists, changes and disables workspaces. */
@ApplicationScoped
public class WorkspaceService {

    private final IsolatedSessions sessions;
    private final Clock clock;
    private final Authenticator authenticator;
    private final WorkspaceZones zones;

    public WorkspaceService(IsolatedSessions sessions, Clock clock, Authenticator authenticator, WorkspaceZones zones) {
        this.sessions = sessions;
        this.clock = clock;
        this.authenticator = authenticator;
        this.zones = zones;
    }

    public Uni<WorkspaceView> create(CreateWorkspaceRequest request) {
        Instant now = clock.instant();
        Workspace workspace = new Workspace();
        workspace.id = Ids.newId(now);
        workspace.name = request.name().trim();
        workspace.timeZone = request.timeZone();
        workspace.status = WorkspaceStatus.ACTIVE;
        workspace.createdAt = now;
        workspace.updatedAt = now;
        return sessions.transact(session -> session.persist(workspace)).replaceWith(() -> WorkspaceView.of(workspace));
    }

    public Uni<WorkspaceView> get(UUID id) {
        return sessions.read(session -> find(session, id)).map(WorkspaceView::of);
    }

    public Uni<Page<WorkspaceView>> list(String after, Integer limit) {
        UUID afterId = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        UUID from = afterId == null ? new UUID(0, 0) : afterId;
        return sessions.read(session -> session
                .createSelectionQuery("from Workspace w where w.id > :after order by w.id", Workspace.class)
                .setParameter("after", from)
                .setMaxResults(size + 1)
                .getResultList())
                .map(rows -> Page.of(rows, size, workspace -> workspace.id, WorkspaceView::of));
    }

    public Uni<WorkspaceView> update(UUID id, UpdateWorkspaceRequest request) {
        return sessions.transact(session -> find(session, id).invoke(workspace -> {
            if (request.name() != null) {
                workspace.name = request.name().trim();
            }
            if (request.timeZone() != null) {
                workspace.timeZone = request.timeZone();
            }
            workspace.updatedAt = clock.instant();
        })).invoke(() -> zones.forget(id)).map(WorkspaceView::of);
    }

    public Uni<WorkspaceView> disable(UUID id) {
        return sessions.transact(session -> find(session, id).invoke(workspace -> {
            if (workspace.status != WorkspaceStatus.DISABLED) {
                Instant now = clock.instant();
                workspace.status = WorkspaceStatus.DISABLED;
                workspace.disabledAt = now;
                workspace.updatedAt = now;
            }
        })).invoke(authenticator::forgetKeys).map(WorkspaceView::of);
    }

    public Uni<WorkspaceView> enable(UUID id) {
        return sessions.transact(session -> find(session, id).invoke(workspace -> {
            if (workspace.status != WorkspaceStatus.ACTIVE) {
                workspace.status = WorkspaceStatus.ACTIVE;
                workspace.disabledAt = null;
                workspace.updatedAt = clock.instant();
            }
        })).map(WorkspaceView::of);
    }

    Uni<Workspace> find(Mutiny.Session session, UUID id) {
        return session.find(Workspace.class, id)
                .onItem().ifNull().failWith(() -> new NotFoundException("No workspace " + id));
    }

}
