package io.kizuna.common.error;

import io.smallrye.graphql.api.ErrorCode;

@ErrorCode("INTERNAL")
public class InternalException extends ApiException {

    public InternalException(String message) {
        super(io.kizuna.common.error.ErrorCode.INTERNAL, message, null);
    }
}
