package io.kizuna.tag;

import io.kizuna.condition.Condition;

/** A rule tag as the real-time engine evaluates it. */
public record RuleTag(String name, Condition condition) {
}
