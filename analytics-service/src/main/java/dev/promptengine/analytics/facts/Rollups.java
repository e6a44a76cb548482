package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.rollup.RollupShape;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-memory reduction of one batch's newly inserted facts by the rollup key of one {@link RollupShape}, so each rollup row is
 * upserted once per batch. Keys are kept sorted: every transaction then locks rollup rows in the
 * same order, which rules out deadlocks between concurrent batches.
 */
final class Rollups {

    /** A rollup key; a summary's key has an empty prompt slug and version 0, neither of which is stored. */
    record ExecutionKey(
            String tenant,
            Instant bucketStart,
            String promptSlug,
            int promptVersion,
            String environment,
            String provider,
            String model,
            String status,
            String errorType) {

        static final Comparator<ExecutionKey> ORDER = Comparator.comparing(ExecutionKey::tenant)
                .thenComparing(ExecutionKey::bucketStart)
                .thenComparing(ExecutionKey::promptSlug)
                .thenComparingInt(ExecutionKey::promptVersion)
                .thenComparing(ExecutionKey::environment)
                .thenComparing(ExecutionKey::provider)
                .thenComparing(ExecutionKey::model)
                .thenComparing(ExecutionKey::status)
                .thenComparing(ExecutionKey::errorType);
    }

    /** A usage rollup key; as with {@link ExecutionKey}, a summary's has no prompt. */
    record UsageKey(String tenant, Instant bucketStart, String promptSlug, int promptVersion, String environment) {

        static final Comparator<UsageKey> ORDER = Comparator.comparing(UsageKey::tenant)
                .thenComparing(UsageKey::bucketStart)
                .thenComparing(UsageKey::promptSlug)
                .thenComparingInt(UsageKey::promptVersion)
                .thenComparing(UsageKey::environment);
    }

    static final class ExecutionTotals {
        long executions;
        long unpriced;
        long inputTokens;
        long outputTokens;
        long totalTokens;
        long cachedInputTokens;
        long cacheWriteTokens;
        long reasoningTokens;
        BigDecimal inputCost = BigDecimal.ZERO;
        BigDecimal cachedInputCost = BigDecimal.ZERO;
        BigDecimal cacheWriteCost = BigDecimal.ZERO;
        BigDecimal outputCost = BigDecimal.ZERO;
        BigDecimal reasoningCost = BigDecimal.ZERO;
        BigDecimal totalCost = BigDecimal.ZERO;
        long latencySum;
        long latencyMin = Long.MAX_VALUE;
        long latencyMax = Long.MIN_VALUE;
        final LatencyHistogram latency = new LatencyHistogram();

        void add(ExecutionFact f) {
            executions++;
            if (!f.priced()) {
                unpriced++;
            }
            inputTokens += f.inputTokens();
            outputTokens += f.outputTokens();
            totalTokens += f.totalTokens();
            cachedInputTokens += f.cachedInputTokens();
            cacheWriteTokens += f.cacheWriteTokens();
            reasoningTokens += f.reasoningTokens();
            inputCost = plus(inputCost, f.inputCost());
            cachedInputCost = plus(cachedInputCost, f.cachedInputCost());
            cacheWriteCost = plus(cacheWriteCost, f.cacheWriteCost());
            outputCost = plus(outputCost, f.outputCost());
            reasoningCost = plus(reasoningCost, f.reasoningCost());
            totalCost = plus(totalCost, f.totalCost());
            latencySum += f.executionTimeMs();
            latencyMin = Math.min(latencyMin, f.executionTimeMs());
            latencyMax = Math.max(latencyMax, f.executionTimeMs());
            latency.addBucket(f.latencyBucket(), 1);
        }

        private static BigDecimal plus(BigDecimal sum, BigDecimal amount) {
            return amount == null ? sum : sum.add(amount);
        }
    }

    private final RollupShape shape;
    private final Map<ExecutionKey, ExecutionTotals> executions = new TreeMap<>(ExecutionKey.ORDER);
    private final Map<UsageKey, long[]> usages = new TreeMap<>(UsageKey.ORDER);

    Rollups(RollupShape shape) {
        this.shape = shape;
    }

    RollupShape shape() {
        return shape;
    }

    void addExecutions(Collection<ExecutionFact> facts) {
        for (ExecutionFact f : facts) {
            var key = new ExecutionKey(
                    f.key().tenant(),
                    shape.grain().bucketStart(f.key().occurredAt()),
                    shape.byPrompt() ? f.promptSlug() : "",
                    shape.byPrompt() ? f.promptVersion() : 0,
                    f.environment(),
                    f.provider(),
                    f.model(),
                    f.status(),
                    f.errorType());
            executions.computeIfAbsent(key, k -> new ExecutionTotals()).add(f);
        }
    }

    void addUsages(Collection<UsageFact> facts) {
        for (UsageFact f : facts) {
            var key = new UsageKey(
                    f.key().tenant(),
                    shape.grain().bucketStart(f.key().occurredAt()),
                    shape.byPrompt() ? f.promptSlug() : "",
                    shape.byPrompt() ? f.promptVersion() : 0,
                    f.environment());
            usages.computeIfAbsent(key, k -> new long[1])[0]++;
        }
    }

    Map<ExecutionKey, ExecutionTotals> executions() {
        return executions;
    }

    Map<UsageKey, long[]> usages() {
        return usages;
    }
}
