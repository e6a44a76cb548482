package dev.promptengine.analytics.filter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resolved filter: the half-open time range {@code [from, to)} and the optional dimension values
 * every endpoint accepts. {@code null} means "not filtered".
 */
public record QueryFilter(
        Instant from,
        Instant to,
        String prompt,
        Integer version,
        String environment,
        String provider,
        String model,
        String user,
        String session) {

    /** User and session are not rollup dimensions: such filters are answered from raw facts. */
    public boolean needsRawFacts() {
        return user != null || session != null;
    }

    /** Provider and model are not dimensions of usages (a rendered prompt has neither). */
    public boolean filtersExecutionOnlyDimensions() {
        return provider != null || model != null;
    }

    public QueryFilter withPrompt(String slug) {
        return new QueryFilter(from, to, slug, version, environment, provider, model, user, session);
    }

    public QueryFilter withVersion(Integer value) {
        return new QueryFilter(from, to, prompt, value, environment, provider, model, user, session);
    }

    /** The filter as recorded in the audit trail (only what was set, plus the resolved range). */
    public Map<String, Object> describe() {
        var out = new LinkedHashMap<String, Object>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        putIfSet(out, "prompt", prompt);
        putIfSet(out, "version", version);
        putIfSet(out, "environment", environment);
        putIfSet(out, "provider", provider);
        putIfSet(out, "model", model);
        putIfSet(out, "user", user);
        putIfSet(out, "session", session);
        return out;
    }

    private static void putIfSet(Map<String, Object> out, String name, Object value) {
        if (value != null) {
            out.put(name, value);
        }
    }
}
