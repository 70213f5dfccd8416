package io.kizuna.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest {

    @Test
    void liveness_and_readiness_answer_up_when_the_database_answers() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Reactive PostgreSQL connections health check"));
    }

    @Test
    void metrics_are_exposed_in_prometheus_format() {
        given().get("/q/health/live").then().statusCode(200);
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE http_server_requests_seconds"));
    }

    @Test
    void swagger_ui_and_graphql_ui_are_served() {
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().get("/q/graphql-ui/").then().statusCode(200);
        given().get("/graphql/schema.graphql").then().statusCode(200).body(containsString("workspace"));
    }
}
