package io.kizuna.segment;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;

/** Segments left BUILDING by an instance that stopped mid-computation are computed again at start. */
@ApplicationScoped
public class SegmentRecovery {

    private static final Logger LOG = Logger.getLogger(SegmentRecovery.class);

    private final PgPool pool;
    private final SegmentComputer computer;

    public SegmentRecovery(PgPool pool, SegmentComputer computer) {
        this.pool = pool;
        this.computer = computer;
    }

    void onStart(@Observes StartupEvent event) {
        pool.query("SELECT workspace_id, id FROM segments WHERE status = 'BUILDING'").execute().subscribe().with(rows -> {
            for (Row row : rows) {
                UUID workspaceId = row.getUUID("workspace_id");
                UUID segmentId = row.getUUID("id");
                LOG.infof("Resuming the computation of segment %s of workspace %s", segmentId, workspaceId);
                computer.start(workspaceId, segmentId);
            }
        }, failure -> LOG.warn("Could not look for segments left BUILDING", failure));
    }
}
