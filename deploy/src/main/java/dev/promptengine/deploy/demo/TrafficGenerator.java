package dev.promptengine.deploy.demo;

import dev.promptengine.deploy.demo.Catalog.Model;
import dev.promptengine.deploy.demo.Catalog.Prompt;
import dev.promptengine.deploy.demo.Catalog.Version;
import dev.promptengine.deploy.demo.Events.EventBatch;
import dev.promptengine.deploy.demo.Events.Execution;
import dev.promptengine.deploy.demo.Events.Message;
import dev.promptengine.deploy.demo.Events.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * Realistic, reproducible traffic: the same seed and window give the same events, and the same seed
 * gives the same ids for any window, so publishing a seed twice shows that duplicates are not
 * counted twice. Event times spread over a
 * window ending now, busier during working hours.
 */
final class TrafficGenerator {

    /** Share of usages rendered without an LLM call (previews, cache hits). */
    static final double USAGE_WITHOUT_EXECUTION = 0.04;

    static final double TIMEOUT_RATE = 0.015;
    static final double ERROR_RATE = 0.045;

    enum Failure {
        RATE_LIMIT(0.40, 429, 80, 300),
        NETWORK(0.15, 0, 1_000, 10_000),
        AUTHENTICATION(0.10, 401, 50, 150),
        INVALID_REQUEST(0.15, 400, 100, 300),
        SERVER(0.20, 500, 500, 3_000);

        final double weight;
        final int httpStatus;
        final int minMs;
        final int maxMs;

        Failure(double weight, int httpStatus, int minMs, int maxMs) {
            this.weight = weight;
            this.httpStatus = httpStatus;
            this.minMs = minMs;
            this.maxMs = maxMs;
        }
    }

    private final Random random;
    private final long seed;
    private long usages; // ids derive from (seed, usage number), so a seed gives the same ids for any window
    private final Instant end;
    private final Duration span;

    TrafficGenerator(long seed, Instant end, Duration span) {
        this.random = new Random(seed);
        this.seed = seed;
        this.end = end;
        this.span = span;
    }

    /** A batch with {@code executions} executions, each with its usage, plus a few usages without one. */
    EventBatch nextBatch(int executions) {
        var usages = new ArrayList<Usage>();
        var calls = new ArrayList<Execution>();
        while (calls.size() < executions) {
            Prompt prompt = pick(Catalog.PROMPTS, Prompt::weight);
            Version version = pick(prompt.versions(), Version::weight);
            Usage usage = usage(prompt, version);
            usages.add(usage);
            if (random.nextDouble() >= USAGE_WITHOUT_EXECUTION) {
                calls.add(execution(prompt, version, usage));
            }
        }
        return new EventBatch(usages, calls);
    }

    private Usage usage(Prompt prompt, Version version) {
        usages++;
        var parameters = new LinkedHashMap<String, Object>();
        String rendered = prompt.template();
        for (var parameter : new TreeMap<>(prompt.parameterValues()).entrySet()) {
            String value = oneOf(parameter.getValue());
            parameters.put(parameter.getKey(), value);
            rendered = rendered.replace("{{" + parameter.getKey() + "}}", value);
        }
        int user = random.nextInt(80);
        String environment = pick(List.copyOf(new TreeMap<>(Catalog.ENVIRONMENTS).entrySet()), Map.Entry::getValue)
                .getKey();
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("app", prompt.app());
        metadata.put("region", oneOf(Catalog.REGIONS));
        metadata.put("request_id", uuid(2).toString());
        metadata.put("sdk", "promptengine-demo/0.1.0");
        return new Usage(
                uuid(0),
                eventTime(),
                prompt.id(),
                prompt.slug(),
                version.number(),
                environment,
                "sess-%04d-%d".formatted(user, random.nextInt(3)),
                "user-%04d".formatted(user),
                parameters,
                rendered,
                prompt.systemMessage(),
                metadata);
    }

    private Execution execution(Prompt prompt, Version version, Usage usage) {
        Model model = oneOf(version.models());
        var messages = List.of(
                new Message("system", usage.renderedSystemMessage()), new Message("user", usage.renderedContent()));
        double outcome = random.nextDouble();
        if (outcome < TIMEOUT_RATE) {
            int timeoutMs = model.reasons() ? 60_000 : 30_000;
            long elapsed = timeoutMs + random.nextInt(40);
            return failedCall(
                    usage,
                    prompt,
                    version,
                    model,
                    messages,
                    elapsed,
                    "timeout",
                    "Request timed out after %d ms waiting for %s".formatted(timeoutMs, model.provider()),
                    Map.of("timeout_ms", timeoutMs));
        }
        if (outcome < TIMEOUT_RATE + ERROR_RATE) {
            Failure failure = pick(List.of(Failure.values()), f -> f.weight);
            long elapsed = failure.minMs + random.nextInt(failure.maxMs - failure.minMs);
            var metadata = new LinkedHashMap<String, Object>();
            metadata.put("error_type", failure.name().toLowerCase());
            if (failure.httpStatus > 0) {
                metadata.put("http_status", failure.httpStatus);
            }
            return failedCall(
                    usage, prompt, version, model, messages, elapsed, "error", errorMessage(failure, model), metadata);
        }
        int input = Math.max(50, (int) (prompt.inputTokens() * logNormal(0.25)));
        int output = Math.min(prompt.maxTokens(), Math.max(5, (int) (prompt.outputTokens() * logNormal(0.45))));
        Integer cached = model.cachesPrompts() && input >= 1024 && random.nextDouble() < 0.45
                ? (int) (input * 0.7) / 128 * 128
                : null;
        // a prompt-cache write happens on the first call with a long prefix (Anthropic bills it apart)
        Integer cacheWrite =
                cached == null && model.provider().equals("anthropic") && input >= 1024 && random.nextDouble() < 0.2
                        ? (int) (input * 0.6)
                        : null;
        // reasoning ("thinking") tokens are part of output_tokens, as the ingest contract counts them
        Integer reasoning = model.reasons() ? 150 + random.nextInt(1_350) : null;
        if (reasoning != null) {
            output += reasoning;
        }
        long elapsed = (long) ((model.firstTokenMs() + output * 1000.0 / model.tokensPerSecond()) * logNormal(0.2));
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put(
                "finish_reason",
                output - (reasoning == null ? 0 : reasoning) >= prompt.maxTokens() ? "length" : "stop");
        metadata.put("provider_request_id", "req_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE));
        return new Execution(
                uuid(1),
                usage.id(),
                usage.occurredAt().plusMillis(elapsed),
                prompt.slug(),
                version.number(),
                usage.environment(),
                usage.sessionId(),
                usage.userIdentifier(),
                model.provider(),
                model.name(),
                prompt.temperature(),
                prompt.maxTokens(),
                messages,
                oneOf(prompt.responses()),
                input,
                output,
                input + output,
                cached,
                cacheWrite,
                reasoning,
                elapsed,
                "success",
                null,
                metadata);
    }

    /** A call that produced no tokens and no response: a timeout or an error. */
    private Execution failedCall(
            Usage usage,
            Prompt prompt,
            Version version,
            Model model,
            List<Message> messages,
            long elapsed,
            String status,
            String errorMessage,
            Map<String, Object> metadata) {
        return new Execution(
                uuid(1),
                usage.id(),
                usage.occurredAt().plusMillis(elapsed),
                prompt.slug(),
                version.number(),
                usage.environment(),
                usage.sessionId(),
                usage.userIdentifier(),
                model.provider(),
                model.name(),
                prompt.temperature(),
                prompt.maxTokens(),
                messages,
                null,
                0,
                0,
                0,
                null,
                null,
                null,
                elapsed,
                status,
                errorMessage,
                metadata);
    }

    private static String errorMessage(Failure failure, Model model) {
        return switch (failure) {
            case RATE_LIMIT ->
                "429 Too Many Requests: rate limit reached for %s on tokens per minute; retry after 20s"
                        .formatted(model.name());
            case NETWORK -> "Connection reset by peer while reading the response from %s".formatted(model.provider());
            case AUTHENTICATION -> "401 Unauthorized: invalid API key provided for %s".formatted(model.provider());
            case INVALID_REQUEST ->
                "400 Bad Request: invalid_request_error: max_tokens is too large for %s".formatted(model.name());
            case SERVER ->
                model.provider().equals("anthropic")
                        ? "529 overloaded_error: Overloaded"
                        : "500 Internal Server Error: the server had an error while processing your request";
        };
    }

    /** Uniform over the window, thinned outside 07:00-19:00 UTC so days have a shape. */
    private Instant eventTime() {
        while (true) {
            Instant candidate = end.minusMillis((long) (random.nextDouble() * span.toMillis()));
            int hour = candidate.atOffset(ZoneOffset.UTC).getHour();
            if (hour >= 7 && hour < 19 || random.nextDouble() < 0.35) {
                return candidate;
            }
        }
    }

    private double logNormal(double sigma) {
        return Math.exp(random.nextGaussian() * sigma - sigma * sigma / 2);
    }

    /** The {@code kind}-th id of the current usage (0 usage, 1 execution, 2 request id), from the seed alone. */
    private UUID uuid(int kind) {
        return UUID.nameUUIDFromBytes(
                ("promptengine-demo:" + seed + ":" + usages + ":" + kind).getBytes(StandardCharsets.UTF_8));
    }

    private <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private <T> T pick(List<T> values, ToDoubleFunction<T> weight) {
        double total = values.stream().mapToDouble(weight).sum();
        double point = random.nextDouble() * total;
        for (T value : values) {
            point -= weight.applyAsDouble(value);
            if (point < 0) {
                return value;
            }
        }
        return values.get(values.size() - 1);
    }
}
