package io.kizuna.common.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The committed contract in openapi/ is what the code serves, and it is complete. */
@QuarkusTest
class OpenApiContractTest {

    private static final String REFRESH = "The committed OpenAPI contract differs from the code. Refresh it with "
            + "'./mvnw -B package -DskipTests' (the build writes openapi/openapi.json and openapi/openapi.yaml) and commit both files.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The test build writes the contract to target/openapi-generated (see application.properties). */
    @Test
    void the_committed_contract_is_what_the_code_generates() throws IOException {
        for (String file : List.of("openapi.json", "openapi.yaml")) {
            String generated = Files.readString(Path.of("target/openapi-generated", file));
            assertEquals(normalize(generated), normalize(read("openapi/" + file)), "openapi/" + file + ": " + REFRESH);
        }
    }

    @Test
    void the_served_contract_is_the_committed_one() throws IOException {
        String served = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        List<String> differences = new ArrayList<>();
        compare("", JSON.readTree(read("openapi/openapi.json")), JSON.readTree(served), differences);
        assertTrue(differences.isEmpty(), REFRESH + "\n" + String.join("\n", differences));
    }

    private static void compare(String where, JsonNode committed, JsonNode served, List<String> differences) {
        if (differences.size() >= 20) {
            return;
        }
        if (committed.isObject() && served.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            committed.fieldNames().forEachRemaining(names::add);
            served.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(where + "/" + name, committed.path(name), served.path(name), differences);
            }
        } else if (committed.isArray() && served.isArray() && committed.size() == served.size()) {
            for (int i = 0; i < committed.size(); i++) {
                compare(where + "/" + i, committed.get(i), served.get(i), differences);
            }
        } else if (!committed.equals(served)) {
            differences.add(where + ": committed " + committed + ", served " + served);
        }
    }

    @Test
    void every_operation_has_a_summary_and_its_error_responses() throws IOException {
        JsonNode contract = JSON.readTree(read("openapi/openapi.json"));
        List<String> gaps = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = contract.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields();
            while (operations.hasNext()) {
                Map.Entry<String, JsonNode> operation = operations.next();
                String name = operation.getKey().toUpperCase() + " " + path.getKey();
                JsonNode body = operation.getValue();
                if (body.path("summary").asText().isBlank()) {
                    gaps.add(name + " has no summary");
                }
                for (String status : List.of("401", "403", "500")) {
                    if (!body.path("responses").has(status)) {
                        gaps.add(name + " does not declare " + status);
                    }
                }
                if (path.getKey().contains("{") && !body.path("responses").has("404")) {
                    gaps.add(name + " does not declare 404");
                }
                if (body.path("security").isEmpty()) {
                    gaps.add(name + " declares no security requirement");
                }
            }
        }
        assertTrue(gaps.isEmpty(), String.join("\n", gaps));
    }

    @Test
    void bearer_and_basic_security_schemes_are_declared() throws IOException {
        JsonNode schemes = JSON.readTree(read("openapi/openapi.json")).path("components").path("securitySchemes");
        assertEquals("bearer", schemes.path("apiKey").path("scheme").asText());
        assertEquals("bearer", schemes.path("operatorToken").path("scheme").asText());
        assertEquals("basic", schemes.path("writeKey").path("scheme").asText());
        assertTrue(JSON.readTree(read("openapi/openapi.json")).path("components").path("schemas").has("Problem"));
    }

    private static String read(String file) throws IOException {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            fail(file + " is missing. " + REFRESH);
        }
        return Files.readString(path);
    }

    private static String normalize(String text) {
        return text.replace("\r\n", "\n").strip();
    }
}
