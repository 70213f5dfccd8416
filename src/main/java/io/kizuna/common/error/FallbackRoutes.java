package io.kizuna.common.error;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/** Answers requests that no REST, GraphQL or management route claimed with a problem document instead of an HTML page. */
@ApplicationScoped
public class FallbackRoutes {

    void register(@Observes Router router) {
        router.route().last().handler(context -> {
            if (context.response().ended()) {
                return;
            }
            ErrorCode code = ErrorCode.NOT_FOUND;
            String path = context.request().path();
            Problem problem = Problem.of(code, "No resource at " + path, path, null);
            context.response()
                    .setStatusCode(code.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Json.encode(problem));
        });
    }
}
