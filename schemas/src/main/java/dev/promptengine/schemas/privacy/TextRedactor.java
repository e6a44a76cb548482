package dev.promptengine.schemas.privacy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configured detectors (built-in ones by name, in the order given, then custom regex rules)
 * and the dropped keys, applied to text: every match is replaced by {@code [REDACTED:<rule>]} and
 * counted. Immutable and thread-safe.
 */
public final class TextRedactor {

    /** The rule name counted when a dropped key is removed from an object. */
    public static final String DROPPED_KEY = "dropped_key";

    /** The parameter keys dropped by default (ingest-service's {@code dropped-parameter-keys} when unset, the client). */
    public static final List<String> DEFAULT_DROPPED_KEYS = List.of(
            "password",
            "passwd",
            "secret",
            "api_key",
            "apikey",
            "access_token",
            "refresh_token",
            "token",
            "authorization",
            "credit_card",
            "card_number",
            "cvv",
            "ssn");

    private final List<Detector> detectors;
    private final Set<String> droppedKeys;

    /**
     * @param detectors built-in detector names ({@link #builtInDetectors()})
     * @param customRules rule name to regex, in the order they run (after the built-in ones)
     * @param droppedKeys keys removed from objects, matched case-insensitively
     * @throws IllegalArgumentException for an unknown detector name or an invalid regex
     */
    public TextRedactor(List<String> detectors, Map<String, String> customRules, Collection<String> droppedKeys) {
        var all = new ArrayList<Detector>();
        detectors.forEach(name -> all.add(BuiltInDetectors.named(name)));
        customRules.forEach((name, pattern) -> all.add(Detector.custom(name, pattern)));
        this.detectors = List.copyOf(all);
        this.droppedKeys =
                droppedKeys.stream().map(key -> key.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Every built-in detector, in the order they run. */
    public static List<String> builtInDetectors() {
        return BuiltInDetectors.names();
    }

    /** @throws IllegalArgumentException naming the known detectors when {@code name} is none of them */
    public static void requireBuiltIn(String name) {
        BuiltInDetectors.named(name);
    }

    /** The text with every match replaced, counted in {@code counts}; the same instance when nothing matched. */
    public String redact(String text, RedactionCounts counts) {
        String result = text;
        var facts = new TextFacts(text);
        for (Detector detector : detectors) {
            String redacted = detector.redact(result, facts, counts);
            if (redacted != result) {
                result = redacted;
                facts = new TextFacts(redacted);
            }
        }
        return result;
    }

    public boolean isDropped(String key) {
        return droppedKeys.contains(key.toLowerCase(Locale.ROOT));
    }
}
