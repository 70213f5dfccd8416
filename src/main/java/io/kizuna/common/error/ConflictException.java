package io.kizuna.common.error;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("CONFLICT")
public class ConflictException extends ApiException {

    public ConflictException(String message) {
        super(io.kizuna.common.error.ErrorCode.CONFLICT, message, null);
    }
}
