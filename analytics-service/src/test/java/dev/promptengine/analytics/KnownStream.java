package dev.promptengine.analytics;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.EventTypes;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A deterministic stream of usages and costed executions over several tenants, prompts, models,
 * statuses and hours, with duplicates (the same record published again) and late events (days
 * old), and the totals it must produce.
 */
public final class KnownStream {

    public record Totals(long usages, long executions, BigDecimal totalCost, long inputTokens, long latencySum) {}

    static {
        EventTypes.trust();
    }

    private static final String[] TENANTS = {"acme", "globex"};
    private static final String[] SLUGS = {"welcome", "summarize", "classify"};
    private static final String[][] MODELS = {{"openai", "gpt-4o"}, {"anthropic", "claude-sonnet-4"}, {"mystery", "m-1"}
    };
    private static final String[] ERRORS = {
        "Rate limit reached", "Invalid API key", "Connection reset by peer", "Bad request: invalid schema", "boom"
    };

    private final List<PromptUsage> usages = new ArrayList<>();
    private final List<CostedLlmExecution> executions = new ArrayList<>();
    private final Random random;
    private final int contentChars;

    /**
     * @param events distinct usages (each with one execution)
     * @param now events fall in the 36 hours before it, 5 % of them 3 to 20 days before it (late)
     */
    public KnownStream(int events, Instant now, long seed) {
        this(events, now, seed, -1);
    }

    /**
     * @param contentChars 0: metadata only (no content, messages or response); above 0: rendered
     *     content, one message and a response of that many characters; -1: short content
     */
    public KnownStream(int events, Instant now, long seed, int contentChars) {
        this(events, now, seed, contentChars, 36 * 60);
    }

    /** @param spreadMinutes all but the late events fall in this many minutes before now */
    public KnownStream(int events, Instant now, long seed, int contentChars, int spreadMinutes) {
        this.random = new Random(seed);
        this.contentChars = contentChars;
        for (int i = 0; i < events; i++) {
            Instant at = random.nextInt(20) == 0
                    ? now.minus(Duration.ofDays(3 + random.nextInt(18)))
                    : now.minus(Duration.ofSeconds(random.nextInt(spreadMinutes * 60)));
            at = at.truncatedTo(ChronoUnit.MILLIS).minusMillis(random.nextInt(1000));
            String tenant = TENANTS[random.nextInt(TENANTS.length)];
            String slug = SLUGS[random.nextInt(SLUGS.length)];
            int version = 1 + random.nextInt(2);
            String environment = random.nextInt(4) == 0 ? "staging" : "production";
            var usage = PromptUsage.newBuilder()
                    .setId(UUID.randomUUID())
                    .setTenant(tenant)
                    .setOccurredAt(at)
                    .setPromptSlug(slug)
                    .setPromptVersion(version)
                    .setEnvironment(environment)
                    .setSessionId("s-" + random.nextInt(50))
                    .setUserIdentifier("u-" + random.nextInt(20))
                    .setParameters("{\"topic\":\"t" + i + "\"}")
                    .setRenderedContent(content(random.nextBoolean() ? "Hello " + i : null))
                    .setCaptureMode(contentChars == 0 ? CaptureMode.METADATA_ONLY : CaptureMode.FULL)
                    .build();
            usages.add(usage);
            executions.add(execution(usage));
        }
    }

    private CostedLlmExecution execution(PromptUsage usage) {
        String[] model = MODELS[random.nextInt(MODELS.length)];
        int roll = random.nextInt(100);
        ExecutionStatus status =
                roll < 80 ? ExecutionStatus.SUCCESS : roll < 92 ? ExecutionStatus.ERROR : ExecutionStatus.TIMEOUT;
        long input = 10 + random.nextInt(4000);
        long output = random.nextInt(1500);
        var execution = LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(usage.getId())
                .setTenant(usage.getTenant())
                .setOccurredAt(usage.getOccurredAt().plusMillis(random.nextInt(500)))
                .setPromptSlug(usage.getPromptSlug())
                .setPromptVersion(usage.getPromptVersion())
                .setEnvironment(usage.getEnvironment())
                .setSessionId(usage.getSessionId())
                .setUserIdentifier(usage.getUserIdentifier())
                .setProvider(model[0])
                .setModel(model[1])
                .setTemperature(0.7)
                .setMessages(contentChars == 0 ? List.of() : List.of(new Message("user", content("Say hi"))))
                .setResponseContent(content(status == ExecutionStatus.SUCCESS ? "hi" : null))
                .setCaptureMode(contentChars == 0 ? CaptureMode.METADATA_ONLY : CaptureMode.FULL)
                .setInputTokens(input)
                .setOutputTokens(output)
                .setTotalTokens(input + output)
                .setCachedInputTokens(input / 4)
                .setReasoningTokens(output / 5)
                .setExecutionTimeMs((long) Math.exp(5 + 2.5 * random.nextDouble()))
                .setStatus(status)
                .setErrorMessage(status == ExecutionStatus.ERROR ? ERRORS[random.nextInt(ERRORS.length)] : null)
                .setResponseMetadata("{\"finish_reason\":\"stop\"}")
                .build();
        boolean priced = !model[0].equals("mystery");
        var cost = ExecutionCost.newBuilder().setPricingStatus(priced ? PricingStatus.PRICED : PricingStatus.UNPRICED);
        if (priced) {
            BigDecimal inputCost = BigDecimal.valueOf(input)
                    .multiply(new BigDecimal("0.0000025"))
                    .setScale(18);
            BigDecimal outputCost = BigDecimal.valueOf(output)
                    .multiply(new BigDecimal("0.00001"))
                    .setScale(18);
            cost.setPriceId(UUID.nameUUIDFromBytes(model[1].getBytes()))
                    .setMatchedRule("exact")
                    .setInputCost(inputCost)
                    .setOutputCost(outputCost)
                    .setCachedInputCost(BigDecimal.ZERO.setScale(18))
                    .setTotalCost(inputCost.add(outputCost))
                    .setPricedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        }
        return new CostedLlmExecution(execution, cost.build());
    }

    private String content(String shortContent) {
        if (contentChars < 0) {
            return shortContent;
        }
        return contentChars == 0 ? null : "x".repeat(contentChars);
    }

    /** Every event once plus {@code duplicateShare} of them again, shuffled. */
    public List<ProducerRecord<String, byte[]>> records(String usageTopic, String costedTopic, double duplicateShare) {
        var serializer = new AvroSerializer<SpecificRecord>();
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (var usage : usages) {
            records.add(new ProducerRecord<>(
                    usageTopic, usage.getId().toString(), serializer.serialize(usageTopic, usage)));
        }
        for (var costed : executions) {
            records.add(new ProducerRecord<>(
                    costedTopic,
                    costed.getExecution().getUsageId().toString(),
                    serializer.serialize(costedTopic, costed)));
        }
        int duplicates = (int) (records.size() * duplicateShare);
        for (int i = 0; i < duplicates; i++) {
            records.add(records.get(random.nextInt(records.size())));
        }
        Collections.shuffle(records, random);
        return records;
    }

    public List<PromptUsage> usages() {
        return usages;
    }

    public List<CostedLlmExecution> executions() {
        return executions;
    }

    /** Expected totals per tenant. */
    public Map<String, Totals> totalsByTenant() {
        var totals = new TreeMap<String, Totals>();
        for (String tenant : TENANTS) {
            long usageCount =
                    usages.stream().filter(u -> u.getTenant().equals(tenant)).count();
            var mine = executions.stream()
                    .map(CostedLlmExecution::getExecution)
                    .filter(e -> e.getTenant().equals(tenant))
                    .toList();
            BigDecimal cost = executions.stream()
                    .filter(c -> c.getExecution().getTenant().equals(tenant))
                    .map(c -> c.getCost().getTotalCost())
                    .filter(java.util.Objects::nonNull)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            totals.put(
                    tenant,
                    new Totals(
                            usageCount,
                            mine.size(),
                            cost,
                            mine.stream()
                                    .mapToLong(LlmExecution::getInputTokens)
                                    .sum(),
                            mine.stream()
                                    .mapToLong(LlmExecution::getExecutionTimeMs)
                                    .sum()));
        }
        return totals;
    }
}
