package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An immutable snapshot of the catalog that answers which price applies to a provider, model and
 * event time. Rules, in order; the first rule with a row effective at the event time wins:
 *
 * <ol>
 *   <li>{@code exact}: same provider and model (case-insensitive);
 *   <li>{@code alias}: a configured model alias (Azure deployment names, chosen by the customer),
 *       then exact or pattern on its target;
 *   <li>{@code pattern}: a row of the same provider whose match pattern matches the whole model
 *       name (dated snapshots, {@code openai/} prefixes, Bedrock region prefixes); the row with the
 *       longest model name wins when several match;
 *   <li>{@code prefix}: the model name without routing prefixes ({@code openai/}, {@code models/},
 *       Bedrock's {@code us.}/{@code eu.}/... region prefix), then exact or pattern again.
 * </ol>
 *
 * Candidates per provider and model are computed once and cached; only the time check runs per
 * execution.
 */
final class PriceIndex {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PriceIndex.class);
    private static final Pattern ROUTING_PREFIX = Pattern.compile("^(?:[^/]+/)+");
    private static final Pattern BEDROCK_REGION = Pattern.compile("^(?:us|eu|apac|jp|au|ca|global|us-gov)\\.");
    private static final int MAX_CACHED_NAMES = 50_000;

    private record Candidate(String rule, Price price) {}

    /** Admin-supplied: RE2 (linear time in the model name's length, so no pattern can hang pricing). */
    private record PatternRow(Price price, com.google.re2j.Pattern pattern) {}

    private final Map<String, List<Price>> exact = new HashMap<>();
    private final Map<String, List<PatternRow>> patternsByProvider = new HashMap<>();
    private final Map<String, PricingProperties.ModelAlias> aliases = new HashMap<>();
    private final Map<String, String> providerAliases = new HashMap<>();
    private final Map<String, List<Candidate>> candidatesByName = new ConcurrentHashMap<>();
    private final int size;

    PriceIndex(Collection<Price> prices, PricingProperties properties) {
        properties.providerAliases().forEach((alias, provider) -> providerAliases.put(lower(alias), lower(provider)));
        for (var alias : properties.aliases()) {
            aliases.put(key(provider(alias.provider()), alias.model()), alias);
        }
        for (var price : prices) {
            exact.computeIfAbsent(key(lower(price.provider()), price.model()), k -> new ArrayList<>())
                    .add(price);
            if (price.matchPattern() != null && !price.matchPattern().isBlank()) {
                var pattern = MatchPatterns.compile(price.matchPattern());
                if (pattern.isEmpty()) {
                    // written before patterns were checked, or by another producer: the row still prices
                    // its exact model; the pattern is skipped with its reason, pricing goes on
                    log.warn(
                            "Price {} ({}/{}): match_pattern skipped: {}",
                            price.id(),
                            price.provider(),
                            price.model(),
                            MatchPatterns.problem(price.matchPattern()));
                    continue;
                }
                patternsByProvider
                        .computeIfAbsent(lower(price.provider()), k -> new ArrayList<>())
                        .add(new PatternRow(price, pattern.get()));
            }
        }
        patternsByProvider
                .values()
                .forEach(rows -> rows.sort(Comparator.comparing(
                                (PatternRow row) -> row.price().model().length())
                        .reversed()
                        .thenComparing(row -> row.price().model())));
        this.size = prices.size();
    }

    static PriceIndex empty(PricingProperties properties) {
        return new PriceIndex(List.of(), properties);
    }

    int size() {
        return size;
    }

    Optional<Resolution> resolve(String provider, String model, Instant at) {
        String name = key(provider(provider), model.trim());
        if (candidatesByName.size() > MAX_CACHED_NAMES) {
            candidatesByName.clear(); // unknown model names are unbounded; keep memory bounded
        }
        var candidates = candidatesByName.computeIfAbsent(name, n -> candidates(provider(provider), model.trim()));
        for (var candidate : candidates) {
            if (candidate.price().effectiveAt(at)) {
                return Optional.of(new Resolution(candidate.price(), candidate.rule()));
            }
        }
        return Optional.empty();
    }

    private List<Candidate> candidates(String provider, String model) {
        var candidates = new ArrayList<Candidate>();
        exact(provider, model, "", candidates);
        var alias = aliases.get(key(provider, model));
        if (alias != null) {
            String rule = "alias:" + alias.provider() + "/" + alias.model() + "->";
            exact(provider(alias.targetProvider()), alias.targetModel(), rule, candidates);
            patterns(provider(alias.targetProvider()), alias.targetModel(), rule, candidates);
        }
        patterns(provider, model, "", candidates);
        String stripped = BEDROCK_REGION
                .matcher(ROUTING_PREFIX.matcher(model).replaceFirst(""))
                .replaceFirst("");
        if (!stripped.equals(model) && !stripped.isEmpty()) {
            String rule = "prefix:" + stripped + "->";
            exact(provider, stripped, rule, candidates);
            patterns(provider, stripped, rule, candidates);
        }
        return List.copyOf(candidates);
    }

    private void exact(String provider, String model, String rulePrefix, List<Candidate> candidates) {
        for (var price : exact.getOrDefault(key(provider, model), List.of())) {
            candidates.add(new Candidate(rulePrefix + "exact", price));
        }
    }

    private void patterns(String provider, String model, String rulePrefix, List<Candidate> candidates) {
        for (var row : patternsByProvider.getOrDefault(provider, List.of())) {
            if (row.pattern().matcher(model).matches()) {
                candidates.add(
                        new Candidate(rulePrefix + "pattern:" + row.pattern().pattern(), row.price()));
            }
        }
    }

    private String provider(String provider) {
        String normalized = lower(provider);
        return providerAliases.getOrDefault(normalized, normalized);
    }

    private static String key(String provider, String model) {
        return provider + '\u0000' + lower(model);
    }

    private static String lower(String text) {
        return text.trim().toLowerCase(Locale.ROOT);
    }
}
