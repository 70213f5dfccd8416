package io.kizuna.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EventPartitionsTest {

    @Inject
    Db db;

    @Test
    void the_coming_months_have_partitions_and_old_history_gets_its_own_on_arrival() {
        YearMonth now = YearMonth.from(LocalDate.now(ZoneOffset.UTC));
        for (int ahead = 0; ahead <= EventPartitions.MONTHS_AHEAD; ahead++) {
            YearMonth month = now.plusMonths(ahead);
            String name = String.format("events_%04d_%02d", month.getYear(), month.getMonthValue());
            assertEquals(1L, db.count("SELECT count(*) FROM pg_class WHERE relname = $1", name), name + " exists ahead of time");
        }

        Tenant shop = Tenant.create("history");
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "event", "Order Completed", "messageId", "old-order",
                "timestamp", "2019-03-15T10:00:00Z", "properties", Map.of("total", 100))).statusCode(200);
        String partition = db.one("SELECT tableoid::regclass::text AS p FROM events WHERE workspace_id = $1 AND message_id = 'old-order'",
                UUID.fromString(shop.workspaceId())).getString("p");
        assertEquals("events_2019_03", partition);
    }
}
