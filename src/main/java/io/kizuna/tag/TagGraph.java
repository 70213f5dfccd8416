package io.kizuna.tag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.condition.Condition;
import io.kizuna.condition.ConditionJson;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reference graph of a workspace's rule tags: which tags a rule reads ({@code {"tag": ...}}),
 * the order in which rules must be evaluated (a tag after the tags it reads), and the cycles and
 * segment references a rule may not have.
 */
final class TagGraph {

    private static final Logger LOG = Logger.getLogger(TagGraph.class);

    private static final String RULES = "SELECT g.name, g.condition FROM tags g WHERE g.workspace_id = $1 AND g.kind = 'RULE' ORDER BY g.name";

    /** A rule tag as the graph sees it; {@code condition} is null when the stored JSON no longer reads. */
    record Definition(String name, Condition condition) {
    }

    private TagGraph() {
    }

    /** Every rule tag of the workspace, by name. */
    static Uni<Map<String, Definition>> load(SqlClient client, UUID workspaceId) {
        return client.preparedQuery(RULES).execute(Tuple.of(workspaceId)).map(rows -> {
            Map<String, Definition> rules = new LinkedHashMap<>();
            for (Row row : rows) {
                String name = row.getString("name");
                rules.put(name, new Definition(name, readStored(name, row.getValue("condition"))));
            }
            return rules;
        });
    }

    private static Condition readStored(String name, Object json) {
        try {
            return ConditionJson.read(json, "conditions");
        } catch (RuntimeException e) {
            LOG.warnf("The stored conditions of rule tag '%s' no longer read: %s", name, e.getMessage());
            return null;
        }
    }

    /** The tags a condition reads, each with the path of its first mention. */
    static Map<String, String> tagReferences(Condition condition, String path) {
        Map<String, String> found = new LinkedHashMap<>();
        walk(condition, path, found, null);
        return found;
    }

    /** Refuses segment references: a rule tag is evaluated before segments, which may read tags. */
    static void refuseSegments(Condition condition, String path, List<FieldViolation> violations) {
        List<String> segments = new ArrayList<>();
        walk(condition, path, new LinkedHashMap<>(), segments);
        for (String at : segments) {
            violations.add(new FieldViolation(at, "a rule tag cannot refer to a segment; segments may refer to tags instead"));
        }
    }

    private static void walk(Condition condition, String at, Map<String, String> tags, List<String> segments) {
        if (condition instanceof Condition.All all) {
            for (int i = 0; i < all.conditions().size(); i++) {
                walk(all.conditions().get(i), at + ".all[" + i + "]", tags, segments);
            }
        } else if (condition instanceof Condition.Any any) {
            for (int i = 0; i < any.conditions().size(); i++) {
                walk(any.conditions().get(i), at + ".any[" + i + "]", tags, segments);
            }
        } else if (condition instanceof Condition.Not not) {
            walk(not.condition(), at + ".not", tags, segments);
        } else if (condition instanceof Condition.HasTag tag) {
            tags.putIfAbsent(tag.tag(), at + ".tag");
        } else if (condition instanceof Condition.InSegment && segments != null) {
            segments.add(at + ".segment");
        }
    }

    /**
     * Refuses a rule for tag {@code self} that would close a cycle with the other rules: the
     * violation names the path of the offending reference and the chain of tags, e.g.
     * {@code a → b → a}.
     */
    static void refuseCycles(String self, Condition condition, String path, Map<String, Definition> rules) {
        List<FieldViolation> violations = new ArrayList<>();
        for (Map.Entry<String, String> reference : tagReferences(condition, path).entrySet()) {
            List<String> chain = pathTo(reference.getKey(), self, self, rules, new HashSet<>());
            if (chain != null) {
                chain.add(0, self);
                violations.add(new FieldViolation(reference.getValue(),
                        "would make a cycle of rule tags: " + String.join(" → ", chain)));
            }
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
    }

    /** The chain of tag names from {@code from} to {@code target} along rule references (both ends included), or null. */
    private static List<String> pathTo(String from, String target, String self, Map<String, Definition> rules, Set<String> seen) {
        if (from.equals(target)) {
            return new ArrayList<>(List.of(target));
        }
        if (!seen.add(from) || from.equals(self)) {
            return null;
        }
        Definition definition = rules.get(from);
        if (definition == null || definition.condition() == null) {
            return null;
        }
        for (String next : tagReferences(definition.condition(), "").keySet()) {
            List<String> rest = pathTo(next, target, self, rules, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }

    /** The rule tags in evaluation order: each after the rule tags it reads (name order among equals). */
    static List<Definition> dependencyOrder(Map<String, Definition> rules) {
        Set<String> placed = new LinkedHashSet<>();
        Set<String> visiting = new HashSet<>();
        for (String name : rules.keySet()) {
            place(name, rules, placed, visiting);
        }
        return placed.stream().map(rules::get).toList();
    }

    private static void place(String name, Map<String, Definition> rules, Set<String> placed, Set<String> visiting) {
        Definition definition = rules.get(name);
        if (definition == null || placed.contains(name) || !visiting.add(name)) {
            return; // not a rule tag, already placed, or a cycle (refused on write; tolerated here)
        }
        if (definition.condition() != null) {
            for (String next : tagReferences(definition.condition(), "").keySet()) {
                place(next, rules, placed, visiting);
            }
        }
        visiting.remove(name);
        placed.add(name);
    }

    /** The rule tags that read {@code name}, directly or through other rules, in evaluation order. */
    static List<Definition> dependents(String name, Map<String, Definition> rules) {
        Set<String> affected = new HashSet<>(Set.of(name));
        List<Definition> found = new ArrayList<>();
        for (Definition definition : dependencyOrder(rules)) {
            if (definition.condition() == null || affected.contains(definition.name())) {
                continue;
            }
            for (String read : tagReferences(definition.condition(), "").keySet()) {
                if (affected.contains(read)) {
                    affected.add(definition.name());
                    found.add(definition);
                    break;
                }
            }
        }
        return found;
    }

    /** The rule tags that read {@code name} directly. */
    static List<String> readers(String name, Map<String, Definition> rules) {
        return rules.values().stream()
                .filter(definition -> !definition.name().equals(name) && definition.condition() != null
                        && tagReferences(definition.condition(), "").containsKey(name))
                .map(Definition::name)
                .toList();
    }
}
