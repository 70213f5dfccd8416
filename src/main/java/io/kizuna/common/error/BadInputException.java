package io.kizuna.common.error;

import java.util.List;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("BAD_USER_INPUT")
public class BadInputException extends ApiException {

    public BadInputException(String field, String message) {
        this(List.of(new FieldViolation(field, message)));
    }

    public BadInputException(List<FieldViolation> violations) {
        super(io.kizuna.common.error.ErrorCode.BAD_USER_INPUT, summarize(violations), violations);
    }

    private static String summarize(List<FieldViolation> violations) {
        StringBuilder text = new StringBuilder();
        for (FieldViolation violation : violations) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(violation.field()).append(": ").append(violation.message());
        }
        return text.toString();
    }
}
