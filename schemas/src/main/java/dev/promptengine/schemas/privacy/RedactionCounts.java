package dev.promptengine.schemas.privacy;

import java.util.Map;
import java.util.TreeMap;

/** Rule name to how often it fired for one event. Never holds the values themselves. */
public final class RedactionCounts {

    private final Map<String, Integer> counts = new TreeMap<>();

    public void add(String rule, int times) {
        counts.merge(rule, times, Integer::sum);
    }

    public Map<String, Integer> asMap() {
        return Map.copyOf(counts);
    }
}
