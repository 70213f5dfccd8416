package io.kizuna.condition;

import java.util.List;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A condition compiled by {@link SqlCompiler}: a boolean SQL expression over {@code profiles p},
 * meant for {@code ... FROM profiles p WHERE p.workspace_id = $1 AND (<sql>)}. {@code $1} is the
 * workspace id and {@code params.get(0)} is {@code $2}.
 */
public record CompiledCondition(String sql, List<Object> params) {

    public CompiledCondition {
        params = List.copyOf(params);
    }

    /** The bind values in order: the workspace id, the condition's parameters, then {@code extra} (limits, cursors). */
    public Tuple tuple(UUID workspaceId, Object... extra) {
        Tuple tuple = Tuple.tuple();
        tuple.addValue(workspaceId);
        params.forEach(tuple::addValue);
        for (Object value : extra) {
            tuple.addValue(value);
        }
        return tuple;
    }

    /** The number of the first placeholder a caller may append after the condition's own ({@code $<n>}). */
    public int nextParameter() {
        return params.size() + 2;
    }
}
