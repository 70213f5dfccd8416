package io.kizuna.tag;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;

/** Rule tags left BUILDING by an instance that stopped mid-computation are computed again at start. */
@ApplicationScoped
public class TagRecovery {

    private static final Logger LOG = Logger.getLogger(TagRecovery.class);

    private final PgPool pool;
    private final TagComputer computer;

    public TagRecovery(PgPool pool, TagComputer computer) {
        this.pool = pool;
        this.computer = computer;
    }

    void onStart(@Observes StartupEvent event) {
        pool.query("SELECT workspace_id, name, version FROM tags WHERE kind = 'RULE' AND status = 'BUILDING'").execute().subscribe().with(rows -> {
            for (Row row : rows) {
                LOG.infof("Resuming the computation of rule tag '%s' of workspace %s", row.getString("name"), row.getUUID("workspace_id"));
                computer.start(row.getUUID("workspace_id"), row.getString("name"), row.getInteger("version"));
            }
        }, failure -> LOG.warn("Could not look for rule tags left BUILDING", failure));
    }
}
