package io.kizuna.common.error;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("FORBIDDEN")
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message) {
        super(io.kizuna.common.error.ErrorCode.FORBIDDEN, message, null);
    }
}
