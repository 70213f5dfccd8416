package io.kizuna.common.error;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kizuna.support.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProblemDetailsTest {

    @Test
    void a_validation_error_lists_every_bad_field() {
        Api.asOperator().body(Map.of("name", " ", "timeZone", "Mars/Olympus"))
                .post("/v1/admin/workspaces")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:kizuna:problem:bad-user-input"))
                .body("title", equalTo("Invalid input"))
                .body("status", equalTo(400))
                .body("code", equalTo("BAD_USER_INPUT"))
                .body("detail", equalTo("The request has 2 invalid field(s)"))
                .body("instance", equalTo("/v1/admin/workspaces"))
                .body("errors", hasSize(2))
                .body("errors.field", equalTo(List.of("name", "timeZone")))
                .body("errors.find { it.field == 'timeZone' }.message", containsString("IANA"));
    }

    @Test
    void a_field_inside_a_list_is_named_with_its_index() {
        String workspace = Api.createWorkspace("list field");
        Api.asOperator().body(Map.of("name", "k", "scopes", List.of("read", "superuser")))
                .post("/v1/admin/workspaces/" + workspace + "/keys")
                .then().statusCode(400)
                .body("code", equalTo("BAD_USER_INPUT"))
                .body("field", equalTo("scopes[1]"));
        Api.asOperator().body(Map.of("name", "k", "scopes", List.of()))
                .post("/v1/admin/workspaces/" + workspace + "/keys")
                .then().statusCode(400)
                .body("field", equalTo("scopes"));
    }

    @Test
    void malformed_json_and_a_missing_body_are_bad_input() {
        Api.asOperator().body("{\"name\": ").post("/v1/admin/workspaces")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("body"));
        Api.asOperator().body("{\"name\": [1], \"timeZone\": \"Asia/Tokyo\"}").post("/v1/admin/workspaces")
                .then().statusCode(400).body("field", equalTo("name"));
        Api.asOperator().post("/v1/admin/workspaces").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void an_unknown_route_is_a_problem_document() {
        given().get("/v1/no-such-thing")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"))
                .body("instance", equalTo("/v1/no-such-thing"));
        given().get("/definitely/not/here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void a_wrong_method_or_media_type_is_a_problem_document() {
        Api.asOperator().put("/v1/admin/workspaces")
                .then().statusCode(405).contentType("application/problem+json").body("code", equalTo("METHOD_NOT_ALLOWED"));
        given().header("Authorization", "Bearer " + Api.OPERATOR_TOKEN).contentType("text/plain").body("hi")
                .post("/v1/admin/workspaces")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void no_stack_trace_reaches_the_client() {
        given().get("/v1/no-such-thing").then().body(not(containsString("at io."))).body("errors", nullValue());
        Api.asOperator().body("{\"name\": ").post("/v1/admin/workspaces").then().body(not(containsString("Exception")));
    }
}
