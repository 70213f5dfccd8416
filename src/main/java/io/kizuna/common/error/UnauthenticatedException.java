package io.kizuna.common.error;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("UNAUTHENTICATED")
public class UnauthenticatedException extends ApiException {

    public UnauthenticatedException(String message) {
        super(io.kizuna.common.error.ErrorCode.UNAUTHENTICATED, message, null);
    }
}
