package io.kizuna.ingest.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.kizuna.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

@QuarkusTest
class ImportTest {

    @Inject
    Db db;

    @Inject
    ImportRunner runner;

    private Tenant shop;
    private UUID workspace;

    @BeforeEach
    void a_shop_with_a_physical_store() {
        shop = Tenant.create("imports");
        workspace = UUID.fromString(shop.workspaceId());
    }

    private String createJob(Map<String, Object> request) {
        return Api.withKey(shop.adminKey()).body(request).post("/v1/imports")
                .then().statusCode(201).body("status", equalTo("AWAITING_DATA")).extract().path("id");
    }

    private void upload(String id, String contentType, String data) {
        given().header("Authorization", "Bearer " + shop.adminKey()).contentType(contentType).body(data.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/v1/imports/" + id + "/data").then().statusCode(200).body("status", equalTo("QUEUED"));
    }

    private void runToEnd(String id) {
        runner.runNext(UUID.fromString(id), Integer.MAX_VALUE).await().atMost(Duration.ofMinutes(2));
    }

    @Test
    void a_member_csv_from_the_store_system_imports_good_rows_and_reports_bad_ones() {
        String csv = """
                会員番号,電話番号,氏名,誕生日,ポイント,メール
                M-001,090-1111-2222,佐藤 花子,1990-04-01,1200,hanako@example.jp
                M-002,03-1234-5678,"鈴木, 一郎",1985-12-24,300,
                M-003,080-3333-4444,高橋 美咲,1992-07-07,lots,
                ,not-a-phone,名無し,,,
                M-005,070-5555-6666,伊藤 健
                M-006,"090-7777-8888",田中 優子,2000-01-15,0,YUKO@EXAMPLE.JP
                """;
        String id = createJob(Map.of("kind", "PROFILES", "format", "CSV", "columns", Map.of(
                "会員番号", "identity:member_no", "電話番号", "identity:phone", "氏名", "trait:name",
                "誕生日", "trait:birthday", "ポイント", "trait:points:number", "メール", "identity:email")));
        upload(id, "text/csv", csv);
        runToEnd(id);

        Api.withKey(shop.adminKey()).get("/v1/imports/" + id).then().statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("rowsTotal", equalTo(6)).body("rowsRead", equalTo(6))
                .body("rowsImported", equalTo(3)).body("rowsRejected", equalTo(3));
        Api.withKey(shop.adminKey()).get("/v1/imports/" + id + "/errors").then().statusCode(200)
                .body("row", equalTo(List.of(3, 4, 5)))
                .body("field", equalTo(List.of("ポイント", "userId", "row")));

        Row hanako = db.one("""
                SELECT p.traits FROM profiles p JOIN identities i ON i.workspace_id = p.workspace_id AND i.profile_id = p.id
                 WHERE p.workspace_id = $1 AND i.type = 'phone' AND i.value = '+819011112222'""", workspace);
        assertEquals("佐藤 花子", hanako.getJsonObject("traits").getString("name"));
        assertEquals(1200, hanako.getJsonObject("traits").getInteger("points"));
        assertEquals("鈴木, 一郎", db.one("""
                SELECT p.traits FROM profiles p JOIN identities i ON i.workspace_id = p.workspace_id AND i.profile_id = p.id
                 WHERE p.workspace_id = $1 AND i.type = 'member_no' AND i.value = 'M-002'""", workspace).getJsonObject("traits").getString("name"));
        assertEquals(1L, db.count("SELECT count(*) FROM identities WHERE workspace_id = $1 AND type = 'email' AND value = 'yuko@example.jp'", workspace));
        assertEquals(3L, db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace));
    }

    @Test
    void an_import_interrupted_mid_way_resumes_without_importing_a_row_twice() {
        StringBuilder csv = new StringBuilder("member_no,name,email\n");
        for (int i = 1; i <= 1200; i++) {
            csv.append("S-").append(i).append(",Member ").append(i).append(",member").append(i).append("@example.jp\n");
        }
        String id = createJob(Map.of("kind", "PROFILES", "format", "CSV",
                "columns", Map.of("member_no", "identity:member_no", "name", "trait:name", "email", "identity:email")));
        upload(id, "text/csv", csv.toString());

        // One chunk of 500 rows commits, then the instance dies before its checkpoint is written:
        runner.runNext(UUID.fromString(id), 1).await().atMost(Duration.ofMinutes(1));
        assertEquals(500L, db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace));
        db.rows("UPDATE import_jobs SET next_row = 0, rows_read = 0, rows_imported = 0, status = 'RUNNING', locked_until = now() - interval '1 minute' WHERE id = $1",
                UUID.fromString(id));

        // Another instance picks the job up when the lease has run out and finishes it.
        runToEnd(id);
        Api.withKey(shop.adminKey()).get("/v1/imports/" + id).then()
                .body("status", equalTo("COMPLETED")).body("rowsImported", equalTo(1200)).body("rowsRejected", equalTo(0));
        assertEquals(1200L, db.count("SELECT count(*) FROM profiles WHERE workspace_id = $1", workspace));
        assertEquals(1200L, db.count("SELECT count(*) FROM events WHERE workspace_id = $1", workspace));
        assertEquals(0L, db.count("SELECT count(*) FROM (SELECT message_id FROM events WHERE workspace_id = $1 GROUP BY 1 HAVING count(*) > 1) d", workspace));
    }

    @Test
    void events_import_from_ndjson_with_segment_messages() {
        String ndjson = """
                {"type": "track", "userId": "u-1", "event": "Order Completed", "timestamp": "2025-03-01T10:00:00Z", "properties": {"total": 5000}}
                {"type": "track", "userId": "u-1", "event": "Order Completed", "timestamp": "2025-05-01T10:00:00Z", "properties": {"total": 7000}}
                {"type": "identify", "userId": "u-1", "timestamp": "2025-05-02T10:00:00Z", "traits": {"pointRate": 0.100000000000000000001}}
                not json
                {"type": "track", "userId": "u-2"}
                """;
        String id = createJob(Map.of("kind", "EVENTS", "format", "NDJSON"));
        upload(id, "application/x-ndjson", ndjson);
        runToEnd(id);
        Api.withKey(shop.adminKey()).get("/v1/imports/" + id).then()
                .body("status", equalTo("COMPLETED")).body("rowsImported", equalTo(3)).body("rowsRejected", equalTo(2));
        Row profile = db.one("SELECT order_count, average_order_interval_days, traits->>'pointRate' AS point_rate FROM profiles WHERE workspace_id = $1", workspace);
        assertEquals("0.100000000000000000001", profile.getString("point_rate"), "an imported line keeps every digit");
        assertEquals(2, profile.getInteger("order_count"));
        assertEquals(61.0, profile.getDouble("average_order_interval_days"), 1e-9);
        assertTrue(db.count("SELECT count(*) FROM events WHERE workspace_id = $1 AND type = 'track' AND occurred_at < '2025-06-01'", workspace) == 2);
    }

    @Test
    void a_bad_mapping_or_a_second_upload_is_refused() {
        Api.withKey(shop.adminKey()).body(Map.of("kind", "PROFILES", "format", "CSV", "columns", Map.of("a", "colour:blue")))
                .post("/v1/imports").then().statusCode(400).body("field", equalTo("columns.a"));
        Api.withKey(shop.adminKey()).body(Map.of("format", "CSV")).post("/v1/imports").then().statusCode(400).body("field", equalTo("kind"));
        String id = createJob(Map.of("kind", "PROFILES", "format", "CSV"));
        upload(id, "text/csv", "email\na@example.jp\n");
        given().header("Authorization", "Bearer " + shop.adminKey()).contentType("text/csv").body("email\nb@example.jp\n")
                .put("/v1/imports/" + id + "/data").then().statusCode(409).body("code", equalTo("CONFLICT"));
        Api.withKey(shop.readKey()).get("/v1/imports/" + id).then().statusCode(403);
        Tenant other = Tenant.create("other");
        Api.withKey(other.adminKey()).get("/v1/imports/" + id).then().statusCode(404);
        Api.withKey(other.adminKey()).get("/v1/imports/" + id + "/errors").then().statusCode(404);
    }
}
