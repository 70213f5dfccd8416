package io.kizuna.common.logging;

import java.util.logging.Handler;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;

/**
 * Switches console logging to one JSON object per line when {@code kizuna.log.json} is true (the
 * default outside dev and test). The quarkus-logging-json extension has no deployment artifact
 * for the pinned Quarkus version, and LogManager's own JSON formatter cannot see JSON-P from the
 * boot class loader, so Kizuna formats the lines itself. Lines logged before start stay plain.
 */
@ApplicationScoped
public class JsonConsoleLogging {

    private final boolean json;

    public JsonConsoleLogging(@ConfigProperty(name = "kizuna.log.json", defaultValue = "true") boolean json) {
        this.json = json;
    }

    void apply(@Observes @Priority(1) StartupEvent event) {
        if (!json) {
            return;
        }
        for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
            useJson(handler);
        }
    }

    private static void useJson(Handler handler) {
        if (handler instanceof ConsoleHandler console) {
            console.setFormatter(new JsonLineFormatter());
        }
        if (handler instanceof ExtHandler parent) {
            for (Handler child : parent.getHandlers()) {
                useJson(child);
            }
        }
    }
}
