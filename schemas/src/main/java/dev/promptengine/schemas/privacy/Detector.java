package dev.promptengine.schemas.privacy;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One redaction rule: a pattern, a cheap pre-check that skips the regex for text that cannot
 * match (most text has no {@code @} and few digits), and an optional validator for candidates
 * (Luhn, mod-97, digit count).
 */
record Detector(String name, Pattern pattern, PreCheck mightContain, Predicate<String> isMatch, String replacement) {

    /** False only when the text cannot hold a match; {@code facts} describe the same text. */
    @FunctionalInterface
    interface PreCheck {
        boolean test(String text, TextFacts facts);
    }

    Detector(String name, Pattern pattern, PreCheck mightContain, Predicate<String> isMatch) {
        this(name, pattern, mightContain, isMatch, "[REDACTED:" + name + "]");
    }

    static Detector custom(String name, String regex) {
        return new Detector(name, Pattern.compile(regex), (text, facts) -> true, match -> true);
    }

    /**
     * The text with every match replaced; adds how many were replaced to {@code counts}. Answers
     * the same instance when nothing matched.
     */
    String redact(String text, TextFacts facts, RedactionCounts counts) {
        if (text.isEmpty() || !mightContain.test(text, facts)) {
            return text;
        }
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        int found = 0;
        while (matcher.find()) {
            if (!isMatch.test(matcher.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, matcher.start()).append(replacement);
            last = matcher.end();
            found++;
        }
        if (found == 0) {
            return text;
        }
        out.append(text, last, text.length());
        counts.add(name, found);
        return out.toString();
    }
}
