package io.kizuna.workspace.auth;

import java.lang.reflect.Method;

import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.kizuna.common.error.ForbiddenException;
import io.smallrye.mutiny.Uni;

/**
 * Enforces the access annotation of every REST operation before it runs. An operation without
 * one is denied, so forgetting to protect an endpoint fails closed.
 */
public class AccessFilter {

    private final CallerContext callerContext;

    public AccessFilter(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    @ServerRequestFilter
    public Uni<Void> enforce(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method == null || type == null) {
            return Uni.createFrom().voidItem();
        }
        if (method.isAnnotationPresent(PublicEndpoint.class)
                || (type.isAnnotationPresent(PublicEndpoint.class) && !method.isAnnotationPresent(RequiresScope.class))) {
            return Uni.createFrom().voidItem();
        }
        RequiresScope scope = method.getAnnotation(RequiresScope.class);
        if (scope == null) {
            scope = type.getAnnotation(RequiresScope.class);
        }
        if (scope != null) {
            return callerContext.require(scope.value()).replaceWithVoid();
        }
        if (method.isAnnotationPresent(OperatorOnly.class) || type.isAnnotationPresent(OperatorOnly.class)) {
            return callerContext.requireOperator().replaceWithVoid();
        }
        return Uni.createFrom().failure(new ForbiddenException("This operation declares no access rule and is denied"));
    }
}
