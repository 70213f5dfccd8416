package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeRegexTest {

    private static final String SPACE = " \t\n\r\f\u000B";

    @Test
    void class_escapes_outside_brackets_become_ascii_bracket_expressions() {
        assertEquals("[0-9]+", SafeRegex.normalize("\\d+"));
        assertEquals("[^0-9]", SafeRegex.normalize("\\D"));
        assertEquals("^[0-9A-Za-z_]+@", SafeRegex.normalize("^\\w+@"));
        assertEquals("[^0-9A-Za-z_]", SafeRegex.normalize("\\W"));
        assertEquals("a[" + SPACE + "]b", SafeRegex.normalize("a\\sb"));
        assertEquals("[^" + SPACE + "]", SafeRegex.normalize("\\S"));
    }

    @Test
    void class_escapes_inside_brackets_lose_their_own_brackets() {
        assertEquals("[0-9a-f]", SafeRegex.normalize("[\\da-f]"));
        assertEquals("[^0-9A-Za-z_.]", SafeRegex.normalize("[^\\w.]"));
        assertEquals("[" + SPACE + ",]", SafeRegex.normalize("[\\s,]"));
        assertEquals("[0-9A-Za-z_-]", SafeRegex.normalize("[\\w-]"));
    }

    @Test
    void escaped_punctuation_and_plain_text_are_left_alone() {
        assertEquals("^\\+81-[0-9]{2,4}\\.jp$", SafeRegex.normalize("^\\+81-\\d{2,4}\\.jp$"));
        assertEquals("[\\]\\\\d]", SafeRegex.normalize("[\\]\\\\d]"));
        assertEquals("[]d]", SafeRegex.normalize("[]d]"));
        assertEquals("café|kizuna", SafeRegex.normalize("café|kizuna"));
    }

    @Test
    void patterns_within_the_rules_are_accepted() {
        for (String pattern : new String[] { "^SKU-\\w+$", "[\\d-]{9,12}", "a{2,255}", "x{3,}", "\\{literal\\}", "[]a]", "[^]a]",
                "(gold|silver)+", "a*?b", "^$", "\\\\", "x".repeat(200) }) {
            assertNull(SafeRegex.validate(pattern), pattern);
        }
    }

    @Test
    void the_word_class_is_ascii_as_in_both_engines_after_normalizing() {
        assertFalse(SafeRegex.compile("^\\w$").matcher("é").find());
        assertTrue(SafeRegex.compile("^\\w$").matcher("_").find());
        assertFalse(SafeRegex.compile("\\d").matcher("\u0661").find());
        assertFalse(SafeRegex.compile("\\s").matcher("\u00A0").find());
        assertTrue(SafeRegex.compile("\\s").matcher("\u000B").find());
    }

    @Test
    void a_compiled_pattern_finds_a_match_anywhere_and_dot_matches_a_newline() {
        assertTrue(SafeRegex.compile("b.c").matcher("ab\ncd").find());
        assertTrue(SafeRegex.compile("[\\d]{3}").matcher("tel 012-345").find());
        assertFalse(SafeRegex.compile("^b").matcher("ab").find());
    }

    @Test
    void patterns_longer_than_200_characters_are_refused() {
        assertEquals("a regular expression may have at most 200 characters; got 201", SafeRegex.validate("x".repeat(201)));
    }

    @Test
    void question_mark_group_constructs_are_refused() {
        for (String pattern : new String[] { "(?i)abc", "(?:ab)+", "(?=a)", "(?!a)", "(?<=a)b", "(?P<name>a)" }) {
            assertRefused(pattern, "(? constructs");
        }
    }

    @Test
    void letter_and_digit_escapes_other_than_the_class_escapes_are_refused() {
        for (String pattern : new String[] { "\\bword\\b", "(a)\\1", "\\Qa.b\\E", "\\p{L}", "\\x41", "\\n", "\\A", "\\z", "\\é" }) {
            assertRefused(pattern, "is not supported; the allowed escapes are");
        }
    }

    @Test
    void negated_class_escapes_inside_brackets_are_refused() {
        assertRefused("[\\D]", "\\D is not allowed inside [...]");
        assertRefused("[a\\W]", "\\W is not allowed inside [...]");
        assertRefused("[^\\S]", "\\S is not allowed inside [...]");
    }

    @Test
    void a_class_escape_cannot_be_a_range_endpoint() {
        assertRefused("[\\w-z]", "cannot be a range endpoint");
        assertRefused("[a-\\d]", "cannot be a range endpoint");
        assertNull(SafeRegex.validate("[\\w\\-z]"));
        assertNull(SafeRegex.validate("[-\\d]"));
    }

    @Test
    void posix_classes_and_collating_elements_are_refused() {
        assertRefused("[[:alpha:]]", "POSIX classes");
        assertRefused("[[.a.]]", "POSIX classes");
        assertRefused("[[=a=]]", "POSIX classes");
        assertNull(SafeRegex.validate("[\\[:]"));
    }

    @Test
    void braces_must_form_a_repetition_postgresql_accepts() {
        assertRefused("a{256}", "repetition counts may be at most 255");
        assertRefused("a{1,300}", "repetition counts may be at most 255");
        assertRefused("{\"a\"", "write \\{ for a literal brace");
        assertRefused("a{,5}", "write \\{ for a literal brace");
    }

    @Test
    void repeated_anchors_are_refused() {
        assertRefused("^*a", "cannot be repeated");
        assertRefused("a$+", "cannot be repeated");
    }

    @Test
    void what_re2j_cannot_compile_is_refused_with_its_reason() {
        assertRefused("[a", "is not a valid regular expression: missing closing ]");
        assertRefused("*a", "is not a valid regular expression: missing argument to repetition operator");
        assertRefused("a**", "is not a valid regular expression");
        assertRefused("(ab", "is not a valid regular expression");
        assertRefused("ab\\", "lone backslash");
    }

    @Test
    void compile_refuses_a_refused_pattern() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> SafeRegex.compile("(?i)a"));

        assertTrue(failure.getMessage().startsWith("(? constructs"), failure.getMessage());
    }

    @Test
    void compile_returns_the_same_pattern_for_the_same_text() {
        assertNotNull(SafeRegex.compile("^vip-\\d+$"));
        assertEquals(SafeRegex.compile("^vip-\\d+$").pattern(), SafeRegex.compile("^vip-\\d+$").pattern());
        assertEquals("^vip-[0-9]+$", SafeRegex.compile("^vip-\\d+$").pattern());
    }

    private static void assertRefused(String pattern, String reason) {
        String problem = SafeRegex.validate(pattern);
        assertNotNull(problem, pattern + " should be refused");
        assertTrue(problem.contains(reason), pattern + ": " + problem);
    }
}
