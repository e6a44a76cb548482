package dev.promptengine.analytics.facts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-memory reduction of one batch's newly inserted facts by rollup key, so each rollup row is
 * upserted once per batch. Keys are kept sorted: every transaction then locks rollup rows in the
 * same order, which rules out deadlocks between concurrent batches.
 */
final class Rollups {

    /**
     * The four rollup shapes the write path keeps: by prompt (for prompt-level questions) and the
     * narrow summaries without prompt slug and version (for tenant-wide questions), each by UTC hour
     * and by UTC day.
     */
    enum Shape {
        PROMPT_HOURLY("execution_rollup_hourly", "usage_rollup_hourly", ChronoUnit.HOURS, true),
        PROMPT_DAILY("execution_rollup_daily", "usage_rollup_daily", ChronoUnit.DAYS, true),
        SUMMARY_HOURLY("execution_summary_hourly", "usage_summary_hourly", ChronoUnit.HOURS, false),
        SUMMARY_DAILY("execution_summary_daily", "usage_summary_daily", ChronoUnit.DAYS, false);

        private final String executionTable;
        private final String usageTable;
        private final ChronoUnit unit;
        private final boolean byPrompt;

        Shape(String executionTable, String usageTable, ChronoUnit unit, boolean byPrompt) {
            this.executionTable = executionTable;
            this.usageTable = usageTable;
            this.unit = unit;
            this.byPrompt = byPrompt;
        }

        String executionTable() {
            return executionTable;
        }

        String usageTable() {
            return usageTable;
        }

        /** Whether prompt slug and version are key columns of this shape's tables. */
        boolean byPrompt() {
            return byPrompt;
        }

        Instant bucketStart(Instant occurredAt) {
            return occurredAt.truncatedTo(unit);
        }
    }

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

    private final Shape shape;
    private final Map<ExecutionKey, ExecutionTotals> executions = new TreeMap<>(ExecutionKey.ORDER);
    private final Map<UsageKey, long[]> usages = new TreeMap<>(UsageKey.ORDER);

    Rollups(Shape shape) {
        this.shape = shape;
    }

    Shape shape() {
        return shape;
    }

    void addExecutions(Collection<ExecutionFact> facts) {
        for (ExecutionFact f : facts) {
            var key = new ExecutionKey(
                    f.key().tenant(),
                    shape.bucketStart(f.key().occurredAt()),
                    shape.byPrompt ? f.promptSlug() : "",
                    shape.byPrompt ? f.promptVersion() : 0,
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
                    shape.bucketStart(f.key().occurredAt()),
                    shape.byPrompt ? f.promptSlug() : "",
                    shape.byPrompt ? f.promptVersion() : 0,
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
