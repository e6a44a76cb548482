package dev.promptengine.schemas;

import dev.promptengine.events.Alert;
import dev.promptengine.events.ApiKey;
import dev.promptengine.events.CostCorrection;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PriceDiscount;
import dev.promptengine.events.PromptUsage;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the pipeline with its key and value types. Producers, consumers and tests take
 * names from here only.
 */
public final class Topics {

    /** A topic, its key (always a string, see each constant) and its Avro value type. */
    public record Topic<V extends SpecificRecord>(String name, String key, Class<V> valueType) {

        /** Where records of this topic that cannot be decoded or processed go, with the reason in headers. */
        public String deadLetter() {
            return name + DEAD_LETTER_SUFFIX;
        }
    }

    static {
        EventTypes.trust();
    }

    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    /**
     * The header every service puts the reason in when it dead-letters a record (beside spring-kafka's
     * {@code kafka_dlt-*} headers): one line, naming the field and the rule where there is one.
     */
    public static final String DEAD_LETTER_REASON_HEADER = "promptengine-dlt-reason";

    /** A prompt was rendered. Key: usage id. */
    public static final Topic<PromptUsage> USAGE = new Topic<>("promptengine.usage.v1", "usage id", PromptUsage.class);

    /** An LLM call finished. Key: usage id, so a usage and its executions share a partition. */
    public static final Topic<LlmExecution> EXECUTION =
            new Topic<>("promptengine.execution.v1", "usage id", LlmExecution.class);

    /** The execution with its cost, or UNPRICED. Key: usage id. */
    public static final Topic<CostedLlmExecution> EXECUTION_COSTED =
            new Topic<>("promptengine.execution.costed.v1", "usage id", CostedLlmExecution.class);

    /**
     * A re-pricing corrected the cost of a costed execution (docs/pricing.md, "Re-pricing"). Key: usage
     * id. Applied once per (tenant, execution id, revision).
     */
    public static final Topic<CostCorrection> COST_CORRECTION =
            new Topic<>("promptengine.execution.cost-correction.v1", "usage id", CostCorrection.class);

    /**
     * Compacted pricing catalog, both layers. Key: {@link #pricingKey} ({@code provider/model/effective_from}
     * for the default catalog, {@code @tenant/provider/model/effective_from} for a tenant's row); null
     * value deletes.
     */
    public static final Topic<ModelPrice> PRICING =
            new Topic<>("promptengine.pricing.v1", "[@tenant/]provider/model/effective_from", ModelPrice.class);

    /** Compacted tenant discounts on the default catalog. Key: discount id; null value deletes. */
    public static final Topic<PriceDiscount> PRICING_DISCOUNTS =
            new Topic<>("promptengine.pricing.discount.v1", "discount id", PriceDiscount.class);

    /** The pipeline's topics; each has a dead-letter topic. */
    public static final List<Topic<?>> ALL =
            List.of(USAGE, EXECUTION, EXECUTION_COSTED, COST_CORRECTION, PRICING, PRICING_DISCOUNTS);

    /**
     * Compacted directory of the API keys managed at run time (analytics-service writes it from its
     * database; every service reads it from the beginning, without a consumer group). Key: key id.
     * Not in {@link #ALL}: it has no dead-letter topic, a reader skips what it cannot decode (the
     * database republishes every key on start).
     */
    public static final Topic<ApiKey> API_KEYS = new Topic<>("promptengine.apikeys.v1", "key id", ApiKey.class);

    /**
     * An alert rule changed state (analytics-service's evaluator, docs/alerts.md). Key: rule id, so a
     * rule's transitions stay in order. Not in {@link #ALL}: no pipeline service consumes it, so it
     * has no dead-letter topic; other services subscribe.
     */
    public static final Topic<Alert> ALERT = new Topic<>("promptengine.alert.v1", "rule id", Alert.class);

    /**
     * Key of a pricing record: {@code provider/model/effective_from} for the default catalog (as in v1),
     * {@code @tenant/provider/model/effective_from} for a tenant's own row.
     */
    public static String pricingKey(ModelPrice price) {
        String key = price.getProvider() + "/" + price.getModel() + "/" + price.getEffectiveFrom();
        return price.getTenant() == null ? key : "@" + price.getTenant() + "/" + key;
    }

    private Topics() {}
}
