package dev.promptengine.analytics.rollup;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rollup shapes (V1, V5): per prompt, for prompt-level questions, and the narrow summaries
 * without prompt slug and version, for tenant-wide questions; each by UTC hour and by UTC day. A
 * shape has two tables, one for executions and one for usages, keyed by tenant, bucket start and
 * the shape's dimensions; both tables of every shape hold the same {@link #EXECUTION_MEASURES} or
 * {@link #USAGE_MEASURES}, so any shape answers a question its dimensions cover with the same sums.
 */
public enum RollupShape {
    PROMPT_HOURLY("execution_rollup_hourly", "usage_rollup_hourly", Grain.HOUR, true),
    PROMPT_DAILY("execution_rollup_daily", "usage_rollup_daily", Grain.DAY, true),
    SUMMARY_HOURLY("execution_summary_hourly", "usage_summary_hourly", Grain.HOUR, false),
    SUMMARY_DAILY("execution_summary_daily", "usage_summary_daily", Grain.DAY, false);

    /** Key dimensions of the per-prompt shapes that the summaries leave out. */
    public static final List<String> PROMPT_DIMENSIONS = List.of("prompt_slug", "prompt_version");

    /** Key dimensions of an execution rollup besides tenant, bucket and (per prompt) the prompt. */
    public static final List<String> EXECUTION_DIMENSIONS =
            List.of("environment", "provider", "model", "status", "error_type");

    /** Key dimensions of a usage rollup besides tenant, bucket and (per prompt) the prompt. */
    public static final List<String> USAGE_DIMENSIONS = List.of("environment");

    /**
     * Measures of an execution rollup row: counts and token sums add, exact cost sums add, latency
     * min and max take the least and greatest, and the latency histogram (sorted bucket indexes and
     * their counts) merges bucket by bucket.
     */
    public static final List<String> EXECUTION_MEASURES = List.of(
            "execution_count",
            "unpriced_count",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "reasoning_tokens",
            "input_cost",
            "cached_input_cost",
            "cache_write_cost",
            "output_cost",
            "reasoning_cost",
            "total_cost",
            "latency_sum_ms",
            "latency_min_ms",
            "latency_max_ms",
            "latency_hist_buckets",
            "latency_hist_counts");

    /** Measures of a usage rollup row. */
    public static final List<String> USAGE_MEASURES = List.of("usage_count");

    private final String executionTable;
    private final String usageTable;
    private final Grain grain;
    private final boolean byPrompt;

    RollupShape(String executionTable, String usageTable, Grain grain, boolean byPrompt) {
        this.executionTable = executionTable;
        this.usageTable = usageTable;
        this.grain = grain;
        this.byPrompt = byPrompt;
    }

    /** The shape of a grain, per prompt or summary. */
    public static RollupShape of(Grain grain, boolean byPrompt) {
        for (RollupShape shape : values()) {
            if (shape.grain == grain && shape.byPrompt == byPrompt) {
                return shape;
            }
        }
        throw new IllegalArgumentException("no rollup shape " + grain + (byPrompt ? " by prompt" : " summary"));
    }

    /** Every rollup table (usage and execution tables of every shape), for partitions and retention. */
    public static List<String> tables() {
        return Stream.of(values())
                .flatMap(shape -> Stream.of(shape.usageTable, shape.executionTable))
                .toList();
    }

    public String executionTable() {
        return executionTable;
    }

    public String usageTable() {
        return usageTable;
    }

    public Grain grain() {
        return grain;
    }

    /** Whether prompt slug and version are key columns of this shape's tables. */
    public boolean byPrompt() {
        return byPrompt;
    }

    /** The dimensions of the execution table's key after tenant and bucket start. */
    public List<String> executionDimensions() {
        return dimensions(EXECUTION_DIMENSIONS);
    }

    /** The dimensions of the usage table's key after tenant and bucket start. */
    public List<String> usageDimensions() {
        return dimensions(USAGE_DIMENSIONS);
    }

    /** The execution table's primary key columns, comma-separated, in key order. */
    public String executionKey() {
        return key(executionDimensions());
    }

    /** The usage table's primary key columns, comma-separated, in key order. */
    public String usageKey() {
        return key(usageDimensions());
    }

    private List<String> dimensions(List<String> rest) {
        var all = new ArrayList<String>();
        if (byPrompt) {
            all.addAll(PROMPT_DIMENSIONS);
        }
        all.addAll(rest);
        return List.copyOf(all);
    }

    private static String key(List<String> dimensions) {
        return "tenant, bucket_start, " + String.join(", ", dimensions);
    }
}
