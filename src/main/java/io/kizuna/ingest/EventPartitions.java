package io.kizuna.ingest;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Monthly partitions of the event table. The current month and the next three are created ahead
 * on start and daily; a month an event needs that does not exist yet (an import of old history)
 * is created before the event is written. Anything outside the partitions lands in the default
 * partition, so an insert never fails for want of one.
 */
@ApplicationScoped
public class EventPartitions {

    private static final Logger LOG = Logger.getLogger(EventPartitions.class);
    static final int MONTHS_AHEAD = 3;

    private final PgPool pool;
    private final Clock clock;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

    public EventPartitions(PgPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        createAhead().subscribe().with(ignored -> { }, failure -> LOG.warn("Could not create event partitions ahead", failure));
    }

    @Scheduled(every = "24h", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> daily() {
        return createAhead();
    }

    public Uni<Void> createAhead() {
        YearMonth current = YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        Set<YearMonth> months = new TreeSet<>();
        for (int i = 0; i <= MONTHS_AHEAD; i++) {
            months.add(current.plusMonths(i));
        }
        return ensure(months);
    }

    public Uni<Void> ensure(Collection<YearMonth> months) {
        List<YearMonth> missing = months.stream().filter(month -> !known.contains(month)).distinct().sorted().toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(missing)
                .onItem().transformToUniAndConcatenate(this::create)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> create(YearMonth month) {
        String name = String.format("events_%04d_%02d", month.getYear(), month.getMonthValue());
        String sql = "CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF events FOR VALUES FROM ('"
                + month.atDay(1) + " 00:00:00+00') TO ('" + month.plusMonths(1).atDay(1) + " 00:00:00+00')";
        return pool.withConnection(connection -> connection.query("SELECT pg_advisory_lock(hashtext('kizuna.event_partitions'))").execute()
                .chain(() -> connection.query(sql).execute())
                .onFailure().recoverWithItem(failure -> {
                    // Rows for this month already sit in the default partition; they stay there.
                    LOG.warnf("Event partition %s not created: %s", name, failure.getMessage());
                    return null;
                })
                .chain(() -> connection.query("SELECT pg_advisory_unlock(hashtext('kizuna.event_partitions'))").execute()))
                .invoke(() -> known.add(month))
                .replaceWithVoid();
    }
}
