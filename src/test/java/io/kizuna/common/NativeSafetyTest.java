package io.kizuna.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;


import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The access filter reads each REST operation's annotations reflectively. In a native image that
 * works only for classes registered for reflection, so every resource class must be.
 */
class NativeSafetyTest {

    @Test
    void every_rest_resource_is_registered_for_reflection() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target/classes");
        List<String> unregistered = new ArrayList<>();
        int resources = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.contains("$")) {
                    continue;
                }
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    resources++;
                    if (!type.isAnnotationPresent(RegisterForReflection.class)) {
                        unregistered.add(name);
                    }
                }
            }
        }
        assertTrue(resources > 0, "no REST resources found under target/classes");
        assertTrue(unregistered.isEmpty(), "Add @RegisterForReflection to: " + unregistered);
    }
}
