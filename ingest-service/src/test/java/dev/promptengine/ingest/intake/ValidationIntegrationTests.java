package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.ingest.support.Events;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every bad input is refused with the right status and problem type, names the field and reason
 * (and the event index in batches), and puts nothing on Kafka: neither a committed record a
 * read_committed consumer could see nor any write at all.
 */
class ValidationIntegrationTests extends IngestServiceTestBase {

    private static final String VALIDATION = "https://promptengine.dev/problems/validation-failed";
    private static final String MALFORMED = "https://promptengine.dev/problems/malformed-json";
    private static final String TOO_LARGE = "https://promptengine.dev/problems/payload-too-large";
    private static final String MEDIA_TYPE = "https://promptengine.dev/problems/unsupported-media-type";
    private static final String OUTSIDE_WINDOW = "https://promptengine.dev/problems/occurred-at-outside-window";
    private static final String NUL = "must not contain the NUL character (U+0000)";
    private static final String SURROGATE = "must not contain an unpaired UTF-16 surrogate";

    /** One bad request and what the service must answer. */
    record Case(
            String name,
            String path,
            String contentType,
            String body,
            int status,
            String type,
            String field,
            String reason,
            Integer index) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> badRequests() {
        return Stream.of(
                // usages: required fields, types, formats, limits
                usage("usage without prompt_slug", u -> u.remove("prompt_slug"), "prompt_slug", "is required"),
                usage("usage without prompt_version", u -> u.remove("prompt_version"), "prompt_version", "is required"),
                usage(
                        "prompt_version as a string",
                        u -> u.put("prompt_version", "3"),
                        "prompt_version",
                        "must be an integer"),
                usage("prompt_version zero", u -> u.put("prompt_version", 0), "prompt_version", "must be >= 1"),
                usage(
                        "prompt_version fractional",
                        u -> u.put("prompt_version", 1.5),
                        "prompt_version",
                        "must be an integer"),
                usage(
                        "prompt_version beyond int",
                        u -> u.put("prompt_version", 3_000_000_000L),
                        "prompt_version",
                        "must be <= 2147483647"),
                usage("blank prompt_slug", u -> u.put("prompt_slug", "   "), "prompt_slug", "must not be blank"),
                usage("prompt_slug as a number", u -> u.put("prompt_slug", 42), "prompt_slug", "must be a string"),
                usage(
                        "prompt_slug too long",
                        u -> u.put("prompt_slug", "x".repeat(256)),
                        "prompt_slug",
                        "must be at most 255 characters"),
                usage("id not a UUID", u -> u.put("id", "abc"), "id", "must be a UUID"),
                usage("id in a loose UUID form", u -> u.put("id", "1-1-1-1-1"), "id", "must be a UUID"),
                usage("id as a number", u -> u.put("id", 7), "id", "must be a UUID"),
                usage(
                        "occurred_at not a timestamp",
                        u -> u.put("occurred_at", "yesterday"),
                        "occurred_at",
                        "must be an ISO-8601 timestamp"),
                usage(
                        "occurred_at without offset",
                        u -> u.put("occurred_at", "2026-11-27T10:15:30"),
                        "occurred_at",
                        "must be an ISO-8601 timestamp"),
                outsideWindow(
                        "occurred_at a day in the future",
                        u -> u.put(
                                "occurred_at",
                                Instant.now().plus(1, ChronoUnit.DAYS).toString()),
                        "must not be later than"),
                outsideWindow(
                        "occurred_at older than the raw retention",
                        u -> u.put(
                                "occurred_at",
                                Instant.now().minus(91, ChronoUnit.DAYS).toString()),
                        "must not be older than"),
                usage(
                        "id without occurred_at",
                        u -> u.remove("occurred_at"),
                        "occurred_at",
                        "is required when id is sent: a retry must resend its original occurred_at"),
                // text PostgreSQL cannot store: NUL, lone surrogates, numbers beyond jsonb
                usage("NUL in rendered_content", u -> u.put("rendered_content", "a\u0000b"), "rendered_content", NUL),
                usage(
                        "NUL in rendered_system_message",
                        u -> u.put("rendered_system_message", "\u0000"),
                        "rendered_system_message",
                        NUL),
                usage("NUL in prompt_slug", u -> u.put("prompt_slug", "support\u0000"), "prompt_slug", NUL),
                usage("NUL in prompt_id", u -> u.put("prompt_id", "\u0000"), "prompt_id", NUL),
                usage("NUL in environment", u -> u.put("environment", "prod\u0000"), "environment", NUL),
                usage("NUL in session_id", u -> u.put("session_id", "s\u0000"), "session_id", NUL),
                usage("NUL in user_identifier", u -> u.put("user_identifier", "u\u0000"), "user_identifier", NUL),
                usage(
                        "NUL in a metadata value",
                        u -> u.putObject("metadata").put("app", "help\u0000desk"),
                        "metadata.app",
                        NUL),
                usage(
                        "NUL in a metadata key",
                        u -> u.putObject("metadata").put("a\u0000pp", "helpdesk"),
                        "metadata.a\u0000pp",
                        "key must not contain the NUL character"),
                usage(
                        "NUL deep in parameters",
                        u -> u.putObject("parameters")
                                .putObject("customer")
                                .putArray("names")
                                .add("Ada")
                                .add("\u0000"),
                        "parameters.customer.names[1]",
                        NUL),
                rawUsage(
                        "lone high surrogate escape in rendered_content",
                        u -> u.put("rendered_content", "LONE"),
                        "\"LONE\"",
                        "\"x\\ud800y\"",
                        "rendered_content",
                        SURROGATE),
                rawUsage(
                        "lone low surrogate escape in a metadata value",
                        u -> u.putObject("metadata").put("app", "LONE"),
                        "\"LONE\"",
                        "\"\\udc00\"",
                        "metadata.app",
                        SURROGATE),
                rawUsage(
                        "number beyond jsonb in metadata",
                        u -> u.putObject("metadata").put("big", "NUMBER"),
                        "\"NUMBER\"",
                        "1e1000000",
                        "metadata.big",
                        "must be a number within"),
                rawUsage(
                        "negative number beyond jsonb in parameters",
                        u -> u.putObject("parameters").put("small", "NUMBER"),
                        "\"NUMBER\"",
                        "-1e400",
                        "parameters.small",
                        "must be a number within"),
                usage(
                        "parameters as an array",
                        u -> u.putArray("parameters").add("a"),
                        "parameters",
                        "must be a JSON object"),
                usage(
                        "parameters as a string",
                        u -> u.put("parameters", "{\"a\":1}"),
                        "parameters",
                        "must be a JSON object"),
                usage("metadata as a number", u -> u.put("metadata", 5), "metadata", "must be a JSON object"),
                usage(
                        "parameters too large",
                        u -> u.putObject("parameters").put("text", "x".repeat(70_000)),
                        "parameters",
                        "must be at most 65536 characters as JSON"),
                usage(
                        "rendered_content too long",
                        u -> u.put("rendered_content", "x".repeat(100_001)),
                        "rendered_content",
                        "must be at most 100000 characters"),
                usage("unknown field", u -> u.put("prompt_slugg", "x"), "prompt_slugg", "is not a known field"),
                usage(
                        "tenant in the body",
                        u -> u.put("tenant", "globex"),
                        "tenant",
                        "the tenant comes from the API key"),
                usage("blank environment", u -> u.put("environment", ""), "environment", "must not be blank"),
                usage("session_id as a number", u -> u.put("session_id", 12), "session_id", "must be a string"),
                // executions
                execution("execution without usage_id", e -> e.remove("usage_id"), "usage_id", "is required"),
                execution(
                        "negative provider_cost_usd",
                        e -> e.put("provider_cost_usd", "-0.01"),
                        "provider_cost_usd",
                        "must be >= 0"),
                execution(
                        "provider_cost_usd not a number",
                        e -> e.put("provider_cost_usd", "twelve cents"),
                        "provider_cost_usd",
                        "must be a decimal number of USD"),
                execution(
                        "provider_cost_usd above the bound",
                        e -> e.put("provider_cost_usd", 250000),
                        "provider_cost_usd",
                        "must be <= 100000"),
                execution(
                        "provider_cost_usd with 19 fractional digits",
                        e -> e.put("provider_cost_usd", "0.0000000000000000001"),
                        "provider_cost_usd",
                        "more than 18 fractional digits"),
                execution(
                        "a negative usage.cost in response_metadata",
                        e -> e.putObject("response_metadata").putObject("usage").put("cost", -1),
                        "response_metadata.usage.cost",
                        "must be >= 0"),
                execution("usage_id not a UUID", e -> e.put("usage_id", "u-1"), "usage_id", "must be a UUID"),
                execution("execution without prompt_slug", e -> e.remove("prompt_slug"), "prompt_slug", "is required"),
                execution("execution without provider", e -> e.remove("provider"), "provider", "is required"),
                execution("execution without model", e -> e.remove("model"), "model", "is required"),
                execution("NUL in model", e -> e.put("model", "gpt\u0000"), "model", NUL),
                execution("NUL in provider", e -> e.put("provider", "\u0000openai"), "provider", NUL),
                execution(
                        "NUL in a message's content",
                        e -> ((ObjectNode) e.get("messages").get(1)).put("content", "hi\u0000"),
                        "messages[1].content",
                        NUL),
                execution(
                        "NUL in a message's role",
                        e -> ((ObjectNode) e.get("messages").get(0)).put("role", "sys\u0000tem"),
                        "messages[0].role",
                        NUL),
                execution("NUL in response_content", e -> e.put("response_content", "\u0000"), "response_content", NUL),
                execution("NUL in error_message", e -> e.put("error_message", "\u0000"), "error_message", NUL),
                execution(
                        "NUL in a response_metadata key",
                        e -> e.putObject("response_metadata").put("\u0000", 1),
                        "response_metadata.\u0000",
                        "key must not contain the NUL character"),
                execution(
                        "execution id without occurred_at",
                        e -> e.remove("occurred_at"),
                        "occurred_at",
                        "is required when id is sent"),
                execution("execution without status", e -> e.remove("status"), "status", "is required"),
                execution(
                        "unknown status",
                        e -> e.put("status", "done"),
                        "status",
                        "must be one of success, error, timeout"),
                execution("negative input_tokens", e -> e.put("input_tokens", -1), "input_tokens", "must be >= 0"),
                execution(
                        "output_tokens as a string",
                        e -> e.put("output_tokens", "11"),
                        "output_tokens",
                        "must be an integer"),
                execution(
                        "input_tokens beyond long",
                        e -> e.put("input_tokens", new java.math.BigInteger("100000000000000000000000")),
                        "input_tokens",
                        "must be an integer"),
                execution(
                        "total_tokens contradicting input + output",
                        e -> e.put("total_tokens", 99),
                        "total_tokens",
                        "must equal input_tokens + output_tokens (53)"),
                execution(
                        "cached_input_tokens above input_tokens",
                        e -> e.put("cached_input_tokens", 43),
                        "cached_input_tokens",
                        "must be <= input_tokens (42)"),
                execution(
                        "cache reads and writes above input_tokens",
                        e -> e.put("cache_write_tokens", 33),
                        "cache_write_tokens",
                        "cached_input_tokens + cache_write_tokens must be <= input_tokens"),
                execution(
                        "input_tokens above the per-call bound",
                        e -> e.put("input_tokens", 9_000_000_000_000_000_000L),
                        "input_tokens",
                        "must be <= 1000000000"),
                execution(
                        "output_tokens just above the per-call bound",
                        e -> e.put("output_tokens", 1_000_000_001L),
                        "output_tokens",
                        "must be <= 1000000000"),
                execution(
                        "execution_time_ms above 24 hours",
                        e -> e.put("execution_time_ms", 86_400_001L),
                        "execution_time_ms",
                        "must be <= 86400000"),
                execution(
                        "reasoning_tokens above output_tokens",
                        e -> e.put("reasoning_tokens", 12),
                        "reasoning_tokens",
                        "must be <= output_tokens (11)"),
                execution(
                        "temperature above 2",
                        e -> e.put("temperature", 2.5),
                        "temperature",
                        "must be between 0.0 and 2.0"),
                execution("temperature as text", e -> e.put("temperature", "hot"), "temperature", "must be a number"),
                execution("max_tokens zero", e -> e.put("max_tokens", 0), "max_tokens", "must be >= 1"),
                execution(
                        "negative execution_time_ms",
                        e -> e.put("execution_time_ms", -5),
                        "execution_time_ms",
                        "must be >= 0"),
                execution("messages as an object", e -> e.putObject("messages"), "messages", "must be an array"),
                execution(
                        "message without role",
                        e -> ((ObjectNode) e.get("messages").get(1)).remove("role"),
                        "messages[1].role",
                        "is required"),
                execution(
                        "message as a string",
                        e -> ((ArrayNode) e.get("messages")).add("hello"),
                        "messages[2]",
                        "must be a JSON object"),
                execution(
                        "response_metadata as an array",
                        e -> e.putArray("response_metadata"),
                        "response_metadata",
                        "must be a JSON object"),
                // batches: the index of the bad event, all or nothing
                batch(
                        "fourth execution of a batch with negative input_tokens",
                        batchOfExecutions(4, 3, e -> e.put("input_tokens", -1)),
                        "executions[3].input_tokens",
                        "must be >= 0",
                        3),
                batch(
                        "valid usage with an invalid execution",
                        Events.batch(
                                Events.usage(),
                                Events.execution(UUID.randomUUID()).put("status", "maybe")),
                        "executions[0].status",
                        "must be one of",
                        0),
                batch(
                        "NUL in the third execution's message of a batch",
                        batchOfExecutions(
                                4, 2, e -> ((ObjectNode) e.get("messages").get(0)).put("content", "\u0000")),
                        "executions[2].messages[0].content",
                        NUL,
                        2),
                new Case(
                        "the second usage of a batch older than the raw retention",
                        "/v1/events",
                        "application/json",
                        Events.batch(
                                        Events.usage(),
                                        Events.usage()
                                                .put(
                                                        "occurred_at",
                                                        Instant.now()
                                                                .minus(100, ChronoUnit.DAYS)
                                                                .toString()))
                                .toString(),
                        422,
                        OUTSIDE_WINDOW,
                        "usages[1].occurred_at",
                        "must not be older than",
                        1),
                batch(
                        "usages not an array",
                        JsonNodeFactory.instance.objectNode().put("usages", "x"),
                        "usages",
                        "must be an array",
                        null),
                batch("empty batch", JsonNodeFactory.instance.objectNode(), "usages", "at least one", null),
                batch(
                        "unknown top-level field",
                        Events.batch(Events.usage()).put("items", 1),
                        "items",
                        "is not a known field",
                        null),
                batch(
                        "the same usage id twice in one batch",
                        duplicateUsages(),
                        "usages[1].id",
                        "duplicates usages[0].id",
                        1),
                batch(
                        "a usage that is not an object",
                        batchWithUsageAt1(JsonNodeFactory.instance.numberNode(7)),
                        "usages[1]",
                        "must be a JSON object",
                        1),
                // request-level problems
                raw(
                        "more events than the batch limit",
                        "/v1/events",
                        "application/json",
                        tooManyEvents(),
                        413,
                        TOO_LARGE),
                raw(
                        "body above the size limit",
                        "/v1/usages",
                        "application/json",
                        bodyOfBytes(2_100_000),
                        413,
                        TOO_LARGE),
                raw("truncated JSON", "/v1/usages", "application/json", "{\"prompt_slug\": \"a\"", 400, MALFORMED),
                raw("trailing content after the JSON", "/v1/usages", "application/json", "{} {}", 400, MALFORMED),
                raw(
                        "duplicate keys",
                        "/v1/usages",
                        "application/json",
                        "{\"prompt_slug\":\"a\",\"prompt_slug\":\"b\",\"prompt_version\":1}",
                        400,
                        MALFORMED),
                raw("an array instead of an object", "/v1/executions", "application/json", "[]", 400, MALFORMED),
                raw("empty body", "/v1/usages", "application/json", "", 400, MALFORMED),
                raw("text/plain", "/v1/usages", "text/plain", Events.usage().toString(), 415, MEDIA_TYPE),
                raw(
                        "no content type",
                        "/v1/events",
                        null,
                        Events.batch(Events.usage()).toString(),
                        415,
                        MEDIA_TYPE),
                raw(
                        "form content type",
                        "/v1/executions",
                        "application/x-www-form-urlencoded",
                        "a=b",
                        415,
                        MEDIA_TYPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void refusesBadInputAndPublishesNothing(Case bad) {
        // Given
        var committedBefore = topics.snapshot();
        var writtenBefore = topics.rawEndOffsets();

        // When
        var response = api.post(bad.path(), PUBLISHER_KEY, bad.contentType(), bad.body());

        // Then
        assertThat(response.status()).as(response.body()).isEqualTo(bad.status());
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo(bad.type());
        assertThat(problem.get("status").asInt()).isEqualTo(bad.status());
        if (bad.field() != null) {
            JsonNode error = findError(problem, bad.field());
            assertThat(error).as("error for %s in %s", bad.field(), problem).isNotNull();
            assertThat(error.get("reason").asString()).contains(bad.reason());
            if (bad.index() == null) {
                assertThat(error.get("index")).isNull();
            } else {
                assertThat(error.get("index").asInt()).isEqualTo(bad.index());
            }
        }
        assertThat(topics.recordsSince(committedBefore)).isEmpty();
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
    }

    @org.junit.jupiter.api.Test
    void refusesABodyStreamedWithoutContentLengthOncePastTheLimit() {
        // Given
        var writtenBefore = topics.rawEndOffsets();

        // When
        var response = api.postChunked(
                "/v1/events", PUBLISHER_KEY, bodyOfBytes(2_100_000).getBytes());

        // Then
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("type").asString()).isEqualTo(TOO_LARGE);
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
    }

    @ParameterizedTest(name = "chunked={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void answersAnEightMebibyteBodyWith413ProblemInsteadOfDroppingTheConnection(boolean chunked) {
        // Given: a body eight times the limit, the way a runaway client sends it
        var writtenBefore = topics.rawEndOffsets();
        byte[] body = bodyOfBytes(8 * 1024 * 1024).getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // When
        var response = chunked
                ? api.postChunked("/v1/events", PUBLISHER_KEY, body)
                : api.post(
                        "/v1/events",
                        PUBLISHER_KEY,
                        "application/json",
                        new String(body, java.nio.charset.StandardCharsets.UTF_8));

        // Then
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo(TOO_LARGE);
        assertThat(response.json().get("detail").asString()).contains("larger than 2097152 bytes");
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
    }

    @org.junit.jupiter.api.Test
    void answers422NamingTheAcceptedWindowForAnEventOlderThanTheRawRetentionAndCountsTheRejection() {
        // Given
        var writtenBefore = topics.rawEndOffsets();
        Instant sent = Instant.now();
        var old = Events.usage()
                .put("occurred_at", sent.minus(120, ChronoUnit.DAYS).toString());

        // When
        var response = api.postJson(
                "/v1/events", PUBLISHER_KEY, Events.batch(Events.usage(), old).toString());

        // Then: the window is now - 90 d .. now + 5 min
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo(OUTSIDE_WINDOW);
        Instant from = Instant.parse(problem.get("window").get("from").asString());
        Instant to = Instant.parse(problem.get("window").get("to").asString());
        assertThat(from)
                .isBetween(
                        sent.minus(90, ChronoUnit.DAYS).minusSeconds(1),
                        Instant.now().minus(90, ChronoUnit.DAYS));
        assertThat(java.time.Duration.between(from, to))
                .isEqualTo(java.time.Duration.ofDays(90).plusMinutes(5));
        assertThat(problem.get("detail").asString())
                .contains(from.toString(), to.toString(), "raise analytics' retention");
        assertThat(findError(problem, "usages[1].occurred_at").get("index").asInt())
                .isEqualTo(1);
        assertThat(topics.rawEndOffsets()).isEqualTo(writtenBefore);
        assertThat(api.get("/actuator/prometheus", ADMIN_KEY).body())
                .containsPattern(
                        "promptengine_ingest_events_rejected_total\\{[^}]*reason=\"occurred-at-outside-window\"[^}]*} [1-9]");
    }

    @org.junit.jupiter.api.Test
    void aRequestWithInvalidFieldsAnswers400AndListsItsWindowViolationsToo() {
        // Given
        var usage = Events.usage()
                .put("occurred_at", Instant.now().minus(100, ChronoUnit.DAYS).toString())
                .put("prompt_version", 0);

        // When
        var response = api.postJson("/v1/usages", PUBLISHER_KEY, usage.toString());

        // Then
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("type").asString()).isEqualTo(VALIDATION);
        assertThat(findError(response.json(), "prompt_version")).isNotNull();
        assertThat(findError(response.json(), "occurred_at").get("reason").asString())
                .startsWith("must not be older than");
    }

    @org.junit.jupiter.api.Test
    void listsEveryViolationOfARequestAtOnce() {
        // Given
        var execution =
                Events.execution(UUID.randomUUID()).put("input_tokens", -1).put("status", "done");
        execution.remove("model");

        // When
        var response = api.postJson("/v1/executions", PUBLISHER_KEY, execution.toString());

        // Then
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors")).hasSize(3);
        assertThat(findError(response.json(), "model")).isNotNull();
        assertThat(findError(response.json(), "input_tokens")).isNotNull();
        assertThat(findError(response.json(), "status")).isNotNull();
    }

    private static JsonNode findError(JsonNode problem, String field) {
        JsonNode errors = problem.get("errors");
        if (errors == null) {
            return null;
        }
        for (JsonNode error : errors) {
            if (error.get("field").asString().equals(field)) {
                return error;
            }
        }
        return null;
    }

    private static Case usage(String name, Consumer<ObjectNode> breakIt, String field, String reason) {
        ObjectNode usage = Events.usage();
        breakIt.accept(usage);
        return new Case(name, "/v1/usages", "application/json", usage.toString(), 400, VALIDATION, field, reason, null);
    }

    private static Case outsideWindow(String name, Consumer<ObjectNode> breakIt, String reason) {
        ObjectNode usage = Events.usage();
        breakIt.accept(usage);
        return new Case(
                name,
                "/v1/usages",
                "application/json",
                usage.toString(),
                422,
                OUTSIDE_WINDOW,
                "occurred_at",
                reason,
                null);
    }

    /** A usage whose JSON text has {@code placeholder} replaced, for input a JSON tree cannot express. */
    private static Case rawUsage(
            String name,
            Consumer<ObjectNode> withPlaceholder,
            String placeholder,
            String text,
            String field,
            String reason) {
        ObjectNode usage = Events.usage();
        withPlaceholder.accept(usage);
        String body = usage.toString().replace(placeholder, text);
        return new Case(name, "/v1/usages", "application/json", body, 400, VALIDATION, field, reason, null);
    }

    private static Case execution(String name, Consumer<ObjectNode> breakIt, String field, String reason) {
        ObjectNode execution = Events.execution(UUID.randomUUID());
        breakIt.accept(execution);
        return new Case(
                name, "/v1/executions", "application/json", execution.toString(), 400, VALIDATION, field, reason, null);
    }

    private static Case batch(String name, ObjectNode body, String field, String reason, Integer index) {
        return new Case(name, "/v1/events", "application/json", body.toString(), 400, VALIDATION, field, reason, index);
    }

    private static Case raw(String name, String path, String contentType, String body, int status, String type) {
        return new Case(name, path, contentType, body, status, type, null, null, null);
    }

    private static ObjectNode batchOfExecutions(int count, int broken, Consumer<ObjectNode> breakIt) {
        UUID usageId = UUID.randomUUID();
        ObjectNode[] executions = IntStream.range(0, count)
                .mapToObj(i -> Events.execution(usageId))
                .toArray(ObjectNode[]::new);
        breakIt.accept(executions[broken]);
        return Events.batch(executions);
    }

    private static ObjectNode duplicateUsages() {
        UUID id = UUID.randomUUID();
        return Events.batch(Events.usage(id), Events.usage(id));
    }

    private static ObjectNode batchWithUsageAt1(JsonNode notAnObject) {
        ObjectNode batch = Events.batch(Events.usage(), Events.usage());
        ((ArrayNode) batch.get("usages")).set(1, notAnObject);
        return batch;
    }

    private static String tooManyEvents() {
        ObjectNode[] usages = IntStream.range(0, 1001)
                .mapToObj(i -> JsonNodeFactory.instance
                        .objectNode()
                        .put("prompt_slug", "s")
                        .put("prompt_version", 1))
                .toArray(ObjectNode[]::new);
        return Events.batch(usages).toString();
    }

    private static String bodyOfBytes(int bytes) {
        return "{\"usages\":[{\"prompt_slug\":\"s\",\"prompt_version\":1,\"rendered_content\":\""
                + "x".repeat(bytes)
                + "\"}]}";
    }
}
