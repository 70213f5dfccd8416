package io.kizuna.profile;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.RequestScoped;

import io.smallrye.mutiny.Uni;

/**
 * One load per GraphQL request and key, shared by every resolver that asks for it. A nested field
 * with arguments ({@code events(first, after, name)}) cannot be a {@code @Source List} batch:
 * SmallRye puts every selection of the field into one batch and calls it with the first
 * selection's arguments, so aliases such as {@code a: events(first: 1) b: events(name: "X")} would
 * get the same answer. Instead each profile resolves on its own and asks here, keyed by the field's
 * arguments and the ids of the profiles listed with it; the first asker loads the whole page in one
 * statement and the others reuse it.
 */
@RequestScoped
public class SiblingBatches {

    private final Map<List<Object>, Uni<?>> loads = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> Uni<T> load(List<Object> key, Supplier<Uni<T>> loader) {
        return (Uni<T>) loads.computeIfAbsent(key, ignored -> loader.get().memoize().indefinitely());
    }
}
