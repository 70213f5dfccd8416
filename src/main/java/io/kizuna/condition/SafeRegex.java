package io.kizuna.condition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regular expressions of the {@code matches} operator. Both engines run them: PostgreSQL as an
 * ARE ({@code ~}) and the in-memory matcher with RE2J, both in linear time. Only the syntax the two
 * read the same way is accepted, and {@link #normalize} spells out the class escapes, because
 * PostgreSQL's {@code \w}, {@code \d} and {@code \s} follow the database locale (so {@code \w}
 * matches "é") while RE2J's are ASCII.
 */
public final class SafeRegex {

    static final int MAX_LENGTH = 200;
    /** PostgreSQL rejects larger repetition counts (RE2J allows up to 1000). */
    static final int MAX_REPEAT = 255;

    private static final String DIGITS = "0-9";
    private static final String WORD = "0-9A-Za-z_";
    private static final String SPACE = " \t\n\r\f\u000B";
    private static final String ALLOWED_ESCAPES = "the allowed escapes are \\d \\D \\w \\W \\s \\S and a backslash before punctuation";

    /** The matcher compiles on every profile change; segments and tags reuse a handful of patterns. */
    private static final int CACHE_LIMIT = 1000;
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private SafeRegex() {
    }

    /** Why the pattern is not accepted, as a message for the author of the condition, or null when it is fine. */
    public static String validate(String pattern) {
        if (pattern == null) {
            return "must be a regular expression";
        }
        if (pattern.length() > MAX_LENGTH) {
            return "a regular expression may have at most " + MAX_LENGTH + " characters; got " + pattern.length();
        }
        Rewrite rewrite = new Rewrite(pattern);
        rewrite.run();
        if (rewrite.problem != null) {
            return rewrite.problem;
        }
        try {
            Pattern.compile(pattern, Pattern.DOTALL);
            Pattern.compile(rewrite.out.toString(), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            return "is not a valid regular expression: " + e.getDescription() + " at `" + e.getPattern() + "`";
        }
        return null;
    }

    /**
     * The pattern with {@code \d \D \w \W \s \S} spelled out as ASCII bracket expressions, so that
     * PostgreSQL and RE2J give it the same meaning. Meant for patterns {@link #validate} accepts.
     */
    public static String normalize(String pattern) {
        Rewrite rewrite = new Rewrite(pattern);
        rewrite.run();
        return rewrite.out.toString();
    }

    /**
     * The RE2J pattern the in-memory matcher runs: the normalized pattern with DOTALL, since in
     * PostgreSQL '.' matches a newline too.
     *
     * @throws IllegalArgumentException when {@link #validate} rejects the pattern
     */
    public static Pattern compile(String pattern) {
        Pattern cached = COMPILED.get(pattern);
        if (cached != null) {
            return cached;
        }
        String problem = validate(pattern);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Pattern compiled = Pattern.compile(normalize(pattern), Pattern.DOTALL);
        if (COMPILED.size() >= CACHE_LIMIT) {
            COMPILED.clear();
        }
        COMPILED.put(pattern, compiled);
        return compiled;
    }

    /** One pass over the pattern that writes its normalized form and notes the first problem. */
    private static final class Rewrite {
        private final String pattern;
        private final StringBuilder out;
        private String problem;
        private boolean inBracket;
        /** Index of the first character inside the current bracket expression, after any '^'. */
        private int bracketBody;

        Rewrite(String pattern) {
            this.pattern = pattern;
            this.out = new StringBuilder(pattern.length() + 16);
        }

        void run() {
            int i = 0;
            while (i < pattern.length()) {
                char c = pattern.charAt(i);
                if (c == '\\') {
                    i = escape(i);
                } else if (inBracket) {
                    i = insideBracket(i, c);
                } else {
                    i = outsideBracket(i, c);
                }
            }
        }

        private int escape(int i) {
            if (i + 1 == pattern.length()) {
                problem("a regular expression cannot end with a lone backslash; write \\\\ for a backslash");
                out.append('\\');
                return i + 1;
            }
            char e = pattern.charAt(i + 1);
            if ("dDwWsS".indexOf(e) >= 0) {
                if (inBracket) {
                    if (Character.isUpperCase(e)) {
                        problem("\\" + e + " is not allowed inside [...]; use a negated bracket such as [^0-9] instead");
                    } else if (isRangeEndpoint(i)) {
                        problem("\\" + e + " cannot be a range endpoint inside [...]; write a literal hyphen as \\-");
                    }
                    out.append(members(Character.toLowerCase(e)));
                } else {
                    out.append(Character.isUpperCase(e) ? "[^" : "[").append(members(Character.toLowerCase(e))).append(']');
                }
            } else if (isAsciiPunctuation(e)) {
                out.append('\\').append(e);
            } else {
                problem("\\" + e + " is not supported; " + ALLOWED_ESCAPES);
                out.append('\\').append(e);
            }
            return i + 2;
        }

        private int insideBracket(int i, char c) {
            if (c == ']' && i > bracketBody) {
                inBracket = false;
            } else if (c == '[' && i + 1 < pattern.length() && ":.=".indexOf(pattern.charAt(i + 1)) >= 0) {
                problem("[" + pattern.charAt(i + 1) + " inside [...] (POSIX classes such as [:alpha:]) is not supported; "
                        + "list the characters, such as [a-zA-Z], or write \\[ for a literal bracket");
            }
            out.append(c);
            return i + 1;
        }

        private int outsideBracket(int i, char c) {
            out.append(c);
            switch (c) {
                case '[' -> {
                    inBracket = true;
                    int next = i + 1;
                    if (next < pattern.length() && pattern.charAt(next) == '^') {
                        out.append('^');
                        next++;
                    }
                    bracketBody = next;
                    return next;
                }
                case '(' -> {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '?') {
                        problem("(? constructs (non-capturing or named groups, lookaround, flags) are not supported; use plain ( ) groups");
                    }
                }
                case '^', '$' -> {
                    if (i + 1 < pattern.length() && "*+?{".indexOf(pattern.charAt(i + 1)) >= 0) {
                        problem("an anchor " + c + " cannot be repeated; remove the " + pattern.charAt(i + 1) + " after it");
                    }
                }
                case '{' -> checkRepetition(i);
                default -> {
                }
            }
            return i + 1;
        }

        /** Allows only {n}, {n,} and {n,m} with counts PostgreSQL accepts; a literal brace must be escaped. */
        private void checkRepetition(int open) {
            int i = open + 1;
            int first = i;
            while (i < pattern.length() && isDigit(pattern.charAt(i))) {
                i++;
            }
            String low = pattern.substring(first, i);
            String high = "";
            if (i < pattern.length() && pattern.charAt(i) == ',') {
                int second = ++i;
                while (i < pattern.length() && isDigit(pattern.charAt(i))) {
                    i++;
                }
                high = pattern.substring(second, i);
            }
            if (low.isEmpty() || i >= pattern.length() || pattern.charAt(i) != '}') {
                problem("{ starts a repetition such as {2}, {2,} or {2,5}; write \\{ for a literal brace");
            } else if (count(low) > MAX_REPEAT || (!high.isEmpty() && count(high) > MAX_REPEAT)) {
                problem("repetition counts may be at most " + MAX_REPEAT);
            }
        }

        /** Whether the class escape at {@code i} touches an unescaped '-' that would make it a range end. */
        private boolean isRangeEndpoint(int i) {
            boolean dashAfter = i + 3 < pattern.length() && pattern.charAt(i + 2) == '-' && pattern.charAt(i + 3) != ']';
            boolean dashBefore = i - 1 > bracketBody && pattern.charAt(i - 1) == '-' && pattern.charAt(i - 2) != '\\';
            return dashAfter || dashBefore;
        }

        private void problem(String message) {
            if (problem == null) {
                problem = message;
            }
        }
    }

    private static String members(char classEscape) {
        return switch (classEscape) {
            case 'd' -> DIGITS;
            case 'w' -> WORD;
            default -> SPACE;
        };
    }

    private static int count(String digits) {
        return digits.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiPunctuation(char c) {
        return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    }
}
