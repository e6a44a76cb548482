package dev.promptengine.bench.workload;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The event mix every scenario uses, so sizes and shapes are the same for subject and baseline:
 * 50 prompts with 3 versions, three environments, seed-catalog models (plus 1 % of an unknown
 * model that stays UNPRICED), 95 % success, 4 % categorised errors, 1 % timeouts. Content is
 * either absent ({@link Content#METADATA_ONLY}) or about {@code bytes} of text per execution
 * (messages plus response) and the same rendered prompt on the usage.
 */
public final class Workload {

    /** How much text an event carries. */
    public enum Content {
        METADATA_ONLY(0),
        KB1(1024),
        KB2(2048);

        public final int bytes;

        Content(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * How often each prompt and model is used: {@code UNIFORM} is the worst case for the rollups
     * (models uniform, prompts only mildly skewed: most rollup keys of a batch are distinct);
     * {@code ZIPF} is what real traffic looks like (the k-th most popular prompt, version and model
     * are used in proportion to 1/k, so a few keys take most events).
     */
    public enum Popularity {
        UNIFORM,
        ZIPF
    }

    /** A usage and the execution it led to (same usage id, so the same partition). */
    public record Pair(PromptUsage usage, LlmExecution execution) {}

    public record Model(String provider, String name) {}

    public static final List<String> ENVIRONMENTS = List.of("production", "staging", "development");
    public static final int PROMPTS = 50;
    public static final int VERSIONS = 3;

    public static final List<Model> MODELS = List.of(
            new Model("openai", "gpt-4o"),
            new Model("openai", "gpt-4o-mini"),
            new Model("openai", "gpt-4o-2024-08-06"),
            new Model("openai", "gpt-3.5-turbo"),
            new Model("anthropic", "claude-3-5-sonnet-20241022"),
            new Model("anthropic", "claude-3-haiku-20240307"));
    static final Model UNKNOWN_MODEL = new Model("acme", "acme-large-unreleased");

    static final List<String> ERRORS = List.of(
            "Rate limit exceeded: 429 Too Many Requests",
            "Invalid API key provided (authentication failed)",
            "Connection reset by peer (network error)",
            "invalid_request: max_tokens is too large",
            "Upstream returned an unexpected payload");

    private static final String TEXT = text();

    private static final double[] ZIPF_PROMPTS = zipf(PROMPTS);
    private static final double[] ZIPF_VERSIONS = zipf(VERSIONS);
    private static final double[] ZIPF_MODELS = zipf(MODELS.size());

    private final SplittableRandom random;
    private final String tenant;
    private final Popularity popularity;

    public Workload(long seed) {
        this(seed, "bench");
    }

    /** Events of their own tenant, so a scenario can count exactly its own events downstream. */
    public Workload(long seed, String tenant) {
        this(seed, tenant, Popularity.UNIFORM);
    }

    public Workload(long seed, String tenant, Popularity popularity) {
        this.random = new SplittableRandom(seed);
        this.tenant = tenant;
        this.popularity = popularity;
    }

    public static String slug(int prompt) {
        return String.format("prompt-%02d", prompt);
    }

    public Pair next(Content content, Instant occurredAt) {
        UUID usageId = new UUID(random.nextLong(), random.nextLong());
        boolean zipf = popularity == Popularity.ZIPF;
        int prompt = zipf ? sample(ZIPF_PROMPTS) : skewed(PROMPTS);
        int version = 1 + (zipf ? sample(ZIPF_VERSIONS) : random.nextInt(VERSIONS));
        String environment = pick(ENVIRONMENTS, 70, 20);
        String user = "user-" + random.nextInt(1000);
        String session = "session-" + random.nextInt(20_000);
        boolean full = content != Content.METADATA_ONLY;
        String system = full ? slice(Math.min(256, content.bytes / 4)) : null;
        String rendered = full ? slice(content.bytes / 2 - system.length()) : null;
        var usage = PromptUsage.newBuilder()
                .setId(usageId)
                .setTenant(tenant)
                .setOccurredAt(occurredAt)
                .setPromptId("p-" + prompt)
                .setPromptSlug(slug(prompt))
                .setPromptVersion(version)
                .setEnvironment(environment)
                .setSessionId(session)
                .setUserIdentifier(user)
                .setParameters("{\"customer_tier\":\"gold\",\"locale\":\"en\"}")
                .setRenderedContent(rendered)
                .setRenderedSystemMessage(system)
                .setMetadata("{\"app\":\"bench\"}")
                .setCaptureMode(full ? CaptureMode.FULL : CaptureMode.METADATA_ONLY)
                .build();

        Model model = random.nextInt(100) == 0
                ? UNKNOWN_MODEL
                : MODELS.get(zipf ? sample(ZIPF_MODELS) : random.nextInt(MODELS.size()));
        int roll = random.nextInt(100);
        ExecutionStatus status =
                roll < 95 ? ExecutionStatus.SUCCESS : roll < 99 ? ExecutionStatus.ERROR : ExecutionStatus.TIMEOUT;
        long input = 100 + random.nextInt(3000);
        long output = status == ExecutionStatus.SUCCESS ? 20 + random.nextInt(1000) : 0;
        long cached = random.nextInt(4) == 0 ? input / 2 : 0;
        List<Message> messages =
                full ? List.of(new Message("system", system), new Message("user", rendered)) : List.of();
        var execution = LlmExecution.newBuilder()
                .setId(new UUID(random.nextLong(), random.nextLong()))
                .setUsageId(usageId)
                .setTenant(tenant)
                .setOccurredAt(occurredAt)
                .setPromptSlug(usage.getPromptSlug())
                .setPromptVersion(version)
                .setEnvironment(environment)
                .setSessionId(session)
                .setUserIdentifier(user)
                .setProvider(model.provider())
                .setModel(model.name())
                .setTemperature(0.7)
                .setMaxTokens(1024)
                .setMessages(messages)
                .setResponseContent(full && status == ExecutionStatus.SUCCESS ? slice(content.bytes / 2) : null)
                .setInputTokens(input)
                .setOutputTokens(output)
                .setTotalTokens(input + output)
                .setCachedInputTokens(cached)
                .setReasoningTokens(0)
                .setExecutionTimeMs(latencyMs(status))
                .setStatus(status)
                .setErrorMessage(status == ExecutionStatus.ERROR ? ERRORS.get(random.nextInt(ERRORS.size())) : null)
                .setResponseMetadata("{\"finish_reason\":\"stop\"}")
                .setCaptureMode(full ? CaptureMode.FULL : CaptureMode.METADATA_ONLY)
                .build();
        return new Pair(usage, execution);
    }

    /** The usage as the ingest API takes it (snake_case JSON fields of ARCHITECTURE.md). */
    public static Map<String, Object> usageJson(PromptUsage usage) {
        var json = new LinkedHashMap<String, Object>();
        json.put("id", usage.getId().toString());
        json.put("occurred_at", usage.getOccurredAt().toString());
        json.put("prompt_id", usage.getPromptId());
        json.put("prompt_slug", usage.getPromptSlug());
        json.put("prompt_version", usage.getPromptVersion());
        json.put("environment", usage.getEnvironment());
        json.put("session_id", usage.getSessionId());
        json.put("user_identifier", usage.getUserIdentifier());
        json.put("parameters", Map.of("customer_tier", "gold", "locale", "en"));
        putIfPresent(json, "rendered_content", usage.getRenderedContent());
        putIfPresent(json, "rendered_system_message", usage.getRenderedSystemMessage());
        json.put("metadata", Map.of("app", "bench"));
        return json;
    }

    /** The execution as the ingest API takes it. */
    public static Map<String, Object> executionJson(LlmExecution execution) {
        var json = new LinkedHashMap<String, Object>();
        json.put("id", execution.getId().toString());
        json.put("usage_id", execution.getUsageId().toString());
        json.put("occurred_at", execution.getOccurredAt().toString());
        json.put("prompt_slug", execution.getPromptSlug());
        json.put("prompt_version", execution.getPromptVersion());
        json.put("provider", execution.getProvider());
        json.put("model", execution.getModel());
        json.put("temperature", execution.getTemperature());
        json.put("max_tokens", execution.getMaxTokens());
        var messages = new ArrayList<Map<String, Object>>();
        for (Message m : execution.getMessages()) {
            messages.add(Map.of("role", m.getRole(), "content", m.getContent()));
        }
        json.put("messages", messages);
        putIfPresent(json, "response_content", execution.getResponseContent());
        json.put("input_tokens", execution.getInputTokens());
        json.put("output_tokens", execution.getOutputTokens());
        json.put("total_tokens", execution.getTotalTokens());
        json.put("cached_input_tokens", execution.getCachedInputTokens());
        json.put("reasoning_tokens", execution.getReasoningTokens());
        json.put("execution_time_ms", execution.getExecutionTimeMs());
        json.put("status", execution.getStatus().name().toLowerCase());
        putIfPresent(json, "error_message", execution.getErrorMessage());
        json.put("response_metadata", Map.of("finish_reason", "stop"));
        return json;
    }

    private static void putIfPresent(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    /** A few prompts get most of the traffic, as in real use. */
    private int skewed(int n) {
        double u = random.nextDouble();
        return (int) Math.min(n - 1, Math.floor(n * u * u));
    }

    /** Cumulative Zipf (s = 1) probabilities of n items: item k (0-based) has weight 1 / (k + 1). */
    static double[] zipf(int n) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / (k + 1);
            cumulative[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cumulative[k] /= sum;
        }
        return cumulative;
    }

    private int sample(double[] cumulative) {
        double u = random.nextDouble();
        for (int k = 0; k < cumulative.length - 1; k++) {
            if (u < cumulative[k]) {
                return k;
            }
        }
        return cumulative.length - 1;
    }

    private String pick(List<String> values, int firstPercent, int secondPercent) {
        int roll = random.nextInt(100);
        return roll < firstPercent
                ? values.get(0)
                : roll < firstPercent + secondPercent ? values.get(1) : values.get(2);
    }

    private long latencyMs(ExecutionStatus status) {
        if (status == ExecutionStatus.TIMEOUT) {
            return 30_000;
        }
        // roughly log-normal: most calls 0.3-3 s, a long tail
        return Math.round(Math.exp(6.5 + random.nextGaussian() * 0.7));
    }

    private String slice(int length) {
        if (length <= 0) {
            return "";
        }
        int from = random.nextInt(TEXT.length() - length);
        return TEXT.substring(from, from + length);
    }

    private static String text() {
        String[] words = {
            "summarise",
            "the",
            "customer",
            "ticket",
            "below",
            "and",
            "propose",
            "a",
            "reply",
            "tone",
            "friendly",
            "order",
            "refund",
            "shipping",
            "delayed",
            "because",
            "warehouse",
            "inventory",
            "please",
            "account",
            "invoice",
            "subscription",
            "renewal",
            "discount",
            "policy",
            "explain",
            "steps",
            "context",
            "answer",
            "question",
            "product",
            "feature",
            "release",
            "notes",
            "translate",
            "into",
            "german",
            "french",
            "json"
        };
        var random = new SplittableRandom(42);
        var text = new StringBuilder(1 << 17);
        while (text.length() < (1 << 17)) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return text.toString();
    }
}
