package io.kizuna.workspace;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.kizuna.support.Api.Tenant;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class WorkspaceGraphQLTest {

    @Test
    void a_read_key_queries_its_workspace_without_errors() {
        Tenant shop = Tenant.create("graphql");
        Api.graphql(shop.readKey(), "{ workspace { id name timeZone status } }").post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.workspace.id", equalTo(shop.workspaceId()))
                .body("data.workspace.timeZone", equalTo("Asia/Tokyo"))
                .body("data.workspace.status", equalTo("ACTIVE"));
    }

    @Test
    void sibling_fields_resolved_in_parallel_do_not_share_a_session() {
        Tenant shop = Tenant.create("parallel");
        Api.graphql(shop.readKey(), "{ a: workspace { id } b: workspace { name } c: workspace { timeZone } d: workspace { id } }")
                .post("/graphql")
                .then().statusCode(200)
                .body("errors", nullValue())
                .body("data.a.id", equalTo(shop.workspaceId()))
                .body("data.d.id", equalTo(shop.workspaceId()));
    }

    @Test
    void an_unauthenticated_query_is_refused_with_a_code() {
        Api.graphql(null, "{ workspace { id } }").post("/graphql")
                .then().statusCode(200)
                .body("data.workspace", nullValue())
                .body("errors[0].extensions.code", equalTo("UNAUTHENTICATED"))
                .body("errors[0].path[0]", equalTo("workspace"));
        Api.graphql("kzn_" + "0".repeat(40), "{ workspace { id } }").post("/graphql")
                .then().body("errors[0].extensions.code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void a_key_without_read_scope_is_forbidden() {
        Tenant shop = Tenant.create("graphql scope");
        Api.graphql(shop.ingestKey(), "{ workspace { id } }").post("/graphql")
                .then().statusCode(200)
                .body("errors[0].extensions.code", equalTo("FORBIDDEN"))
                .body("errors[0].message", equalTo("This API key lacks the 'read' scope"));
    }
}
