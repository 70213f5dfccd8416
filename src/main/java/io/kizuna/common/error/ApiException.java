package io.kizuna.common.error;

import java.util.List;

/**
 * A failure the caller should see: mapped to problem+json over REST and to an error with
 * {@code extensions.code} over GraphQL. Its message is shown to the client, so it never
 * carries internals.
 */
public abstract class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldViolation> violations;

    protected ApiException(ErrorCode code, String message, List<FieldViolation> violations) {
        super(message, null, false, false);
        this.code = code;
        this.violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
