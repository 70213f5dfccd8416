package io.kizuna.common.error;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("NOT_FOUND")
public class NotFoundException extends ApiException {

    public NotFoundException(String message) {
        super(io.kizuna.common.error.ErrorCode.NOT_FOUND, message, null);
    }
}
