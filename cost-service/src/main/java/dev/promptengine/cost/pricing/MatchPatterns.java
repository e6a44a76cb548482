package dev.promptengine.cost.pricing;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Optional;

/**
 * Price match patterns are written by admins and applied to every execution's model name, so they
 * are compiled with RE2/J: matching takes time linear in the name's length whatever the pattern,
 * where a backtracking engine (java.util.regex) can take exponential time on a pattern such as
 * {@code (a+)+b}. RE2 has no lookarounds or backreferences; every pattern of the default catalog is
 * RE2. Patterns are checked when written (400 naming {@code match_pattern}) and again when the price
 * index is built from the pricing topic (a bad one is skipped with a logged reason).
 */
final class MatchPatterns {

    /** Longer than any real model-name pattern; bounds the compiled program's size. */
    static final int MAX_LENGTH = 500;

    private MatchPatterns() {}

    /** The compiled pattern, or empty when {@link #problem} has something to say. */
    static Optional<Pattern> compile(String pattern) {
        if (problem(pattern) != null) {
            return Optional.empty();
        }
        return Optional.of(Pattern.compile(pattern));
    }

    /** Why the pattern is refused, or null when it is usable. */
    static String problem(String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, was " + pattern.length();
        }
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            return "is not a valid RE2 regular expression (no lookarounds or backreferences): " + e.getDescription();
        }
    }
}
