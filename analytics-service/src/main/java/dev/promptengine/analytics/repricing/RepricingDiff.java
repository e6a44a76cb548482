package dev.promptengine.analytics.repricing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a re-pricing changes, summed exactly over the executions it changes: in total, by provider
 * and model, by prompt and by UTC day of event time. Unchanged executions count only in scope.
 */
final class RepricingDiff {

    /** The sums of one group; money as exact decimal strings (an unknown cost counts as 0 in the totals). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Group(
            String provider,
            String model,
            String prompt,
            LocalDate day,
            long executionsAffected,
            String oldTotalCost,
            String newTotalCost,
            String difference,
            long unpricedBefore,
            long unpricedAfter) {}

    private static final class Sums {
        long affected;
        BigDecimal before = BigDecimal.ZERO;
        BigDecimal after = BigDecimal.ZERO;
        long unpricedBefore;
        long unpricedAfter;

        void add(StoredCost stored, PriceQuotes.Quote quote) {
            affected++;
            before = before.add(orZero(stored.totalCost()));
            after = after.add(orZero(quote.totalCost()));
            unpricedBefore += stored.priced() ? 0 : 1;
            unpricedAfter += "PRICED".equalsIgnoreCase(quote.pricingStatus()) ? 0 : 1;
        }

        Group group(String provider, String model, String prompt, LocalDate day) {
            return new Group(
                    provider,
                    model,
                    prompt,
                    day,
                    affected,
                    before.toPlainString(),
                    after.toPlainString(),
                    after.subtract(before).toPlainString(),
                    unpricedBefore,
                    unpricedAfter);
        }
    }

    private record ModelKey(String provider, String model) {}

    private long inScope;
    private final Sums total = new Sums();
    private final Map<ModelKey, Sums> byModel =
            new TreeMap<>(java.util.Comparator.comparing(ModelKey::provider).thenComparing(ModelKey::model));
    private final Map<String, Sums> byPrompt = new TreeMap<>();
    private final Map<LocalDate, Sums> byDay = new TreeMap<>();

    void inScope(int executions) {
        inScope += executions;
    }

    void changed(StoredCost stored, PriceQuotes.Quote quote) {
        total.add(stored, quote);
        byModel.computeIfAbsent(new ModelKey(stored.provider(), stored.model()), k -> new Sums())
                .add(stored, quote);
        byPrompt.computeIfAbsent(stored.promptSlug(), k -> new Sums()).add(stored, quote);
        byDay.computeIfAbsent(LocalDate.ofInstant(stored.occurredAt(), ZoneOffset.UTC), k -> new Sums())
                .add(stored, quote);
    }

    long executionsInScope() {
        return inScope;
    }

    long executionsAffected() {
        return total.affected;
    }

    BigDecimal oldTotal() {
        return total.before;
    }

    BigDecimal newTotal() {
        return total.after;
    }

    Group total() {
        return total.group(null, null, null, null);
    }

    List<Group> byModel() {
        return byModel.entrySet().stream()
                .map(e -> e.getValue().group(e.getKey().provider(), e.getKey().model(), null, null))
                .toList();
    }

    List<Group> byPrompt() {
        return byPrompt.entrySet().stream()
                .map(e -> e.getValue().group(null, null, e.getKey(), null))
                .toList();
    }

    List<Group> byDay() {
        return byDay.entrySet().stream()
                .map(e -> e.getValue().group(null, null, null, e.getKey()))
                .toList();
    }

    private static BigDecimal orZero(BigDecimal amount) {
        return amount == null ? BigDecimal.ZERO : amount;
    }
}
