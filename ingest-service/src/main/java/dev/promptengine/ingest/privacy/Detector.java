package dev.promptengine.ingest.privacy;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One redaction rule: a pattern, a cheap pre-check that skips the regex for text that cannot
 * match (most text has no {@code @} and few digits), and an optional validator for candidates
 * (Luhn, mod-97, digit count).
 */
record Detector(String name, Pattern pattern, Predicate<String> mightContain, Predicate<String> isMatch) {

    static Detector custom(String name, String regex) {
        return new Detector(name, Pattern.compile(regex), text -> true, match -> true);
    }

    String replacement() {
        return "[REDACTED:" + name + "]";
    }

    /** The text with every match replaced; adds how many were replaced to {@code counts}. */
    String redact(String text, RedactionCounts counts) {
        if (text.isEmpty() || !mightContain.test(text)) {
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
            out.append(text, last, matcher.start()).append(replacement());
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
