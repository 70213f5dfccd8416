package io.kizuna.workspace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.NotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A workspace's time zone, which decides "today", birthdays and days of the week in conditions.
 * Read through the reactive client and remembered for a minute (a change made on this instance is
 * seen at once; other instances see it within the minute).
 */
@ApplicationScoped
public class WorkspaceZones {

    private static final Duration REMEMBERED = Duration.ofMinutes(1);

    private record Remembered(ZoneId zone, Instant until) {
    }

    private final PgPool pool;
    private final Clock clock;
    private final Map<UUID, Remembered> zones = new ConcurrentHashMap<>();

    public WorkspaceZones(PgPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<ZoneId> zone(UUID workspaceId) {
        Remembered remembered = zones.get(workspaceId);
        Instant now = clock.instant();
        if (remembered != null && now.isBefore(remembered.until())) {
            return Uni.createFrom().item(remembered.zone());
        }
        return pool.preparedQuery("SELECT time_zone FROM workspaces WHERE id = $1").execute(Tuple.of(workspaceId)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw new NotFoundException("Workspace " + workspaceId + " not found");
            }
            ZoneId zone = ZoneId.of(rows.iterator().next().getString("time_zone"));
            zones.put(workspaceId, new Remembered(zone, now.plus(REMEMBERED)));
            return zone;
        });
    }

    void forget(UUID workspaceId) {
        zones.remove(workspaceId);
    }
}
