package io.kizuna.common.error;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Keeps GraphQL error codes to Kizuna's vocabulary: a failure that is not an {@link ApiException}
 * becomes {@code INTERNAL}, with the cause logged and hidden from the client.
 */
public final class GraphQLErrors {

    private static final Logger LOG = Logger.getLogger(GraphQLErrors.class);

    private GraphQLErrors() {
    }

    public static <T> Uni<T> guard(Uni<T> work) {
        return work.onFailure(failure -> !(failure instanceof ApiException)).transform(GraphQLErrors::internal);
    }

    private static Throwable internal(Throwable failure) {
        String incident = java.util.UUID.randomUUID().toString();
        LOG.errorf(failure, "Unexpected GraphQL failure (incident %s)", incident);
        return new InternalException("Something went wrong on our side; quote incident " + incident);
    }
}
