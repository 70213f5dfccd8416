package io.kizuna.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.kizuna.support.Tracking;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MessageClaimKeysTest {

    private static final UUID WORKSPACE = UUID.fromString("0b6f1f5e-3c1d-4a57-9a53-6e0c2f4d8e11");
    /** 2026-11-24T09:15:42.123Z */
    private static final long CREATED = 1_795_511_742_123L;

    @Inject
    Db db;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop_with_a_write_key() {
        shop = Tenant.create("claims");
        workspace = UUID.fromString(shop.workspaceId());
    }

    @Test
    void segment_library_and_uuidv7_message_ids_are_keyed_by_the_minute_they_were_created() {
        UUID browser = MessageClaimKeys.of(WORKSPACE, "ajs-next-" + CREATED + "-743be593-7789-4b74-8078-cbcc8894c586");
        UUID server = MessageClaimKeys.of(WORKSPACE, "node-next-" + (CREATED + 10_000) + "-0d1c2b3a-7789-4b74-8078-cbcc8894c586");
        UUID v7 = MessageClaimKeys.of(WORKSPACE, String.format("%08x-%04x-7abc-8def-0123456789ab", CREATED >>> 16, CREATED & 0xFFFF));

        long minute = CREATED / 60_000;
        assertEquals(minute, browser.getMostSignificantBits() >>> 32);
        assertEquals(minute, server.getMostSignificantBits() >>> 32);
        assertEquals(minute, v7.getMostSignificantBits() >>> 32);
        assertNotEquals(browser, server);
        assertEquals(CREATED, MessageClaimKeys.creationMillis("ajs-next-" + CREATED + "-743be593"));
    }

    @Test
    void message_ids_without_a_believable_time_keep_the_plain_md5_key() {
        for (String messageId : List.of("5f0c7a52-9b1e-4c55-8a0e-2b7d3c1e9f00", "order-1234567890123456-paid", "m-1",
                "evt-9999999999999-x", "x-0000000000001")) {
            assertEquals(-1, MessageClaimKeys.creationMillis(messageId), messageId);
            assertEquals(db.one("SELECT md5($1::uuid::text || ':' || $2)::uuid AS k", WORKSPACE.toString(), messageId).getUUID("k"),
                    MessageClaimKeys.of(WORKSPACE, messageId), messageId);
        }
    }

    @Test
    void the_sql_function_computes_the_same_key_as_ingestion() {
        for (String messageId : List.of("ajs-next-" + CREATED + "-743be593-7789-4b74-8078-cbcc8894c586",
                "node-next-" + CREATED + "-a", CREATED + "", "A-" + CREATED, "018f3c1e-4a2b-7c3d-8e4f-5a6b7c8d9e0f",
                "018F3C1E-4A2B-7C3D-8E4F-5A6B7C8D9E0F", "5f0c7a52-9b1e-4c55-8a0e-2b7d3c1e9f00", "m-1", "会員-" + CREATED, "1-2-3",
                "ajs-next-" + CREATED + "0-x", "ffffffff-ffff-7fff-8fff-ffffffffffff")) {
            assertEquals(db.one("SELECT message_claim_key($1::uuid, $2) AS k", WORKSPACE.toString(), messageId).getUUID("k"),
                    MessageClaimKeys.of(WORKSPACE, messageId), messageId);
        }
    }

    @Test
    void analytics_js_retries_of_one_message_are_stored_once_and_a_neighbour_of_the_same_minute_is_not_mistaken_for_it() {
        String first = "ajs-next-" + CREATED + "-743be593-7789-4b74-8078-cbcc8894c586";
        String neighbour = "ajs-next-" + (CREATED + 1) + "-743be593-7789-4b74-8078-cbcc8894c586";
        String timestamp = Instant.ofEpochMilli(CREATED).toString();
        for (int attempt = 0; attempt < 3; attempt++) {
            Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "messageId", first, "event", "Product Viewed",
                    "timestamp", timestamp)).statusCode(200);
        }
        Tracking.send(shop.ingestKey(), "track", Map.of("userId", "u-1", "messageId", neighbour, "event", "Product Viewed",
                "timestamp", timestamp)).statusCode(200);

        assertEquals(1L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND message_id = $2", workspace, first));
        assertEquals(1L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND message_id = $2", workspace, neighbour));
    }
}
