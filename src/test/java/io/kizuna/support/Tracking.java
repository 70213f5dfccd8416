package io.kizuna.support;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Sends Segment calls the way an SDK does. */
public final class Tracking {

    private Tracking() {
    }

    public static ValidatableResponse send(String writeKey, String call, Map<String, ?> body) {
        return given().contentType(ContentType.JSON).auth().preemptive().basic(writeKey, "")
                .body(body).post("/v1/" + call).then();
    }

    public static ValidatableResponse send(String writeKey, String call, String body) {
        return given().contentType(ContentType.JSON).auth().preemptive().basic(writeKey, "")
                .body(body).post("/v1/" + call).then();
    }
}
