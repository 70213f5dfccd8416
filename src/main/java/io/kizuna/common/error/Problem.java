package io.kizuna.common.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem document, the one error shape of the REST API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
        @Schema(description = "URI reference naming the problem type", example = "urn:kizuna:problem:bad-user-input") String type,
        @Schema(description = "Short summary of the problem type", example = "Invalid input") String title,
        @Schema(description = "HTTP status code", example = "400") int status,
        @Schema(description = "Explanation of this occurrence") String detail,
        @Schema(description = "The request path") String instance,
        @Schema(description = "Machine-readable code, the same as GraphQL's extensions.code", example = "BAD_USER_INPUT") String code,
        @Schema(description = "The first offending field, when there is one") String field,
        @Schema(description = "Every offending field") List<FieldViolation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail, String instance, List<FieldViolation> errors) {
        List<FieldViolation> violations = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
        String field = violations == null ? null : violations.get(0).field();
        return new Problem(code.typeUri(), code.title(), code.status(), detail, instance, code.name(), field, violations);
    }
}
