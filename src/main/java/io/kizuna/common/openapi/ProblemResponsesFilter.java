package io.kizuna.common.openapi;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.kizuna.common.error.ErrorCode;

/**
 * Adds the problem+json error responses every Kizuna operation can return, so the contract lists
 * them without repeating the same annotations on every method.
 */
public class ProblemResponsesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            boolean hasPathParameter = path.getKey().contains("{");
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().getOperations().entrySet()) {
                Operation operation = entry.getValue();
                boolean secured = operation.getSecurity() == null || !operation.getSecurity().isEmpty();
                boolean takesInput = operation.getRequestBody() != null
                        || (operation.getParameters() != null && !operation.getParameters().isEmpty());
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                if (takesInput) {
                    add(responses, ErrorCode.BAD_USER_INPUT, "The input is invalid; every offending field is listed");
                }
                if (secured) {
                    add(responses, ErrorCode.UNAUTHENTICATED, "No credentials, or a key that is unknown, revoked or of a disabled workspace");
                    add(responses, ErrorCode.FORBIDDEN, "The credentials lack the scope this operation needs");
                }
                if (hasPathParameter) {
                    add(responses, ErrorCode.NOT_FOUND, "Nothing with this id in the caller's workspace");
                }
                add(responses, ErrorCode.INTERNAL, "An unexpected failure; the detail carries an incident id");
            }
        }
    }

    private static void add(APIResponses responses, ErrorCode code, String description) {
        String status = Integer.toString(code.status());
        if (responses.hasAPIResponse(status)) {
            return;
        }
        Content content = OASFactory.createContent().addMediaType("application/problem+json",
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")));
        APIResponse response = OASFactory.createAPIResponse().description(description).content(content);
        responses.addAPIResponse(status, response);
    }
}
