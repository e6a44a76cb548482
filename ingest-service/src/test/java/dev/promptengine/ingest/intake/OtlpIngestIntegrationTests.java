package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.support.IngestServiceTestBase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The real OpenTelemetry Java SDK and its OTLP/HTTP exporter send GenAI spans to {@code /v1/traces};
 * they arrive on the topics as usages and executions with the spans' numbers, under the same
 * rules as the JSON endpoints.
 */
class OtlpIngestIntegrationTests extends IngestServiceTestBase {

    private static final Instant START =
            Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(10, ChronoUnit.MINUTES);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void genAiChatSpansExportedByTheSdkArriveAsUsagesAndExecutionsWithTheirNumbers() {
        // Given: a chat span with everything the conventions define, an error span, and two spans
        // that are not model calls (an HTTP server span and the agent span around the calls)
        var spans = recordSpans(
                Resource.getDefault().toBuilder()
                        .put("service.name", "helpdesk")
                        .put("deployment.environment.name", "development")
                        .build(),
                tracer -> {
                    tracer.spanBuilder("GET /reply")
                            .setSpanKind(SpanKind.SERVER)
                            .setStartTimestamp(START)
                            .startSpan()
                            .end(START.plusSeconds(2));
                    tracer.spanBuilder("invoke_agent helper")
                            .setAttribute("gen_ai.operation.name", "invoke_agent")
                            .setAttribute("gen_ai.provider.name", "openai")
                            .setStartTimestamp(START)
                            .startSpan()
                            .end(START.plusSeconds(2));
                    tracer.spanBuilder("chat gpt-4o")
                            .setSpanKind(SpanKind.CLIENT)
                            .setStartTimestamp(START)
                            .setAllAttributes(chatAttributes())
                            .startSpan()
                            .end(START.plusMillis(930));
                    var failed = tracer.spanBuilder("chat claude-sonnet-4-5")
                            .setSpanKind(SpanKind.CLIENT)
                            .setStartTimestamp(START.plusSeconds(1))
                            .setAttribute("gen_ai.operation.name", "chat")
                            .setAttribute("gen_ai.provider.name", "anthropic")
                            .setAttribute("gen_ai.request.model", "claude-sonnet-4-5")
                            .setAttribute("error.type", "RateLimitError")
                            .setAttribute("http.response.status_code", 429L)
                            .setAttribute("promptengine.prompt.slug", "support-reply")
                            .setAttribute("promptengine.prompt.version", 3L)
                            .startSpan();
                    failed.setStatus(StatusCode.ERROR, "Rate limit exceeded, retry in 20s");
                    failed.end(START.plusSeconds(1).plusMillis(45));
                });
        var before = topics.snapshot();

        // When
        CompletableResultCode result = export(exporter(PUBLISHER_KEY, "none"), spans);

        // Then
        assertThat(result.isSuccess()).isTrue();
        var records = topics.awaitRecordsSince(before, all -> all.size() >= 4);
        assertThat(records).hasSize(4);
        SpanData chatSpan = span(spans, "chat gpt-4o");
        SpanData failedSpan = span(spans, "chat claude-sonnet-4-5");

        LlmExecution chat = execution(records, chatSpan);
        assertThat(chat.getId()).isEqualTo(id("execution", chatSpan));
        assertThat(chat.getUsageId()).isEqualTo(id("usage", chatSpan));
        assertThat(chat.getTenant()).isEqualTo("acme");
        assertThat(chat.getOccurredAt()).isEqualTo(START);
        assertThat(chat.getExecutionTimeMs()).isEqualTo(930L);
        assertThat(chat.getProvider()).isEqualTo("openai");
        assertThat(chat.getModel()).isEqualTo("gpt-4o");
        assertThat(chat.getPromptSlug()).isEqualTo("support-reply");
        assertThat(chat.getPromptVersion()).isEqualTo(3);
        assertThat(chat.getEnvironment()).isEqualTo("development");
        assertThat(chat.getSessionId()).isEqualTo("sess-42");
        assertThat(chat.getUserIdentifier()).isEqualTo("user-1234");
        assertThat(chat.getTemperature()).isEqualTo(0.2);
        assertThat(chat.getMaxTokens()).isEqualTo(512);
        // OTel counts cached tokens inside input tokens, as the events do
        assertThat(chat.getInputTokens()).isEqualTo(1200L);
        assertThat(chat.getOutputTokens()).isEqualTo(300L);
        assertThat(chat.getTotalTokens()).isEqualTo(1500L);
        assertThat(chat.getCachedInputTokens()).isEqualTo(1000L);
        assertThat(chat.getCacheWriteTokens()).isEqualTo(0L);
        assertThat(chat.getReasoningTokens()).isEqualTo(120L);
        assertThat(chat.getMessages())
                .containsExactly(
                        new Message("system", "You are a helpful support agent."),
                        new Message("user", "Where is my refund?"));
        assertThat(chat.getResponseContent()).isEqualTo("It was sent on Monday.");
        assertThat(chat.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(chat.getErrorMessage()).isNull();
        assertThat(chat.getResponseMetadata())
                .contains("\"trace_id\":\"" + chatSpan.getTraceId() + "\"")
                .contains("\"span_id\":\"" + chatSpan.getSpanId() + "\"")
                .contains("\"response_model\":\"gpt-4o-2024-08-06\"")
                .contains("\"finish_reasons\":[\"stop\"]");

        PromptUsage usage = usage(records, chatSpan);
        assertThat(usage.getPromptSlug()).isEqualTo("support-reply");
        assertThat(usage.getOccurredAt()).isEqualTo(START);
        assertThat(usage.getRenderedSystemMessage()).isEqualTo("You are a helpful support agent.");
        assertThat(usage.getMetadata()).contains("\"service_name\":\"helpdesk\"");

        LlmExecution error = execution(records, failedSpan);
        assertThat(error.getStatus()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(error.getErrorMessage()).isEqualTo("RateLimitError: Rate limit exceeded, retry in 20s (HTTP 429)");
        assertThat(error.getExecutionTimeMs()).isEqualTo(45L);
        assertThat(error.getInputTokens()).isZero();
    }

    @Test
    void gzipEncodedExportsAreInflatedAndARepeatedExportIsTheSameEvents() {
        // Given
        var spans = recordSpans(
                Resource.getDefault(),
                tracer -> tracer.spanBuilder("chat gpt-4o-mini")
                        .setStartTimestamp(START)
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.provider.name", "openai")
                        .setAttribute("gen_ai.request.model", "gpt-4o-mini")
                        .setAttribute("gen_ai.usage.input_tokens", 10L)
                        .setAttribute("gen_ai.usage.output_tokens", 5L)
                        .startSpan()
                        .end(START.plusMillis(200)));
        var before = topics.snapshot();

        // When: the same spans are exported again (an answer lost on the way, say)
        assertThat(export(exporter(PUBLISHER_KEY, "gzip"), spans).isSuccess()).isTrue();
        assertThat(export(exporter(PUBLISHER_KEY, "gzip"), spans).isSuccess()).isTrue();

        // Then: the same ids twice, which analytics counts once
        var executions = topics.awaitRecordsSince(before, all -> all.size() >= 4).stream()
                .map(ConsumerRecord::value)
                .filter(LlmExecution.class::isInstance)
                .map(LlmExecution.class::cast)
                .toList();
        assertThat(executions).hasSize(2);
        assertThat(executions.get(0).getId()).isEqualTo(executions.get(1).getId());
        assertThat(executions.get(0).getOccurredAt())
                .isEqualTo(executions.get(1).getOccurredAt());
        // without promptengine attributes: the service is the prompt, version 1
        assertThat(executions.get(0).getPromptSlug())
                .isEqualTo(Resource.getDefault().getAttribute(AttributeKey.stringKey("service.name")));
        assertThat(executions.get(0).getPromptVersion()).isEqualTo(1);
        assertThat(executions.get(0).getEnvironment()).isEqualTo("production");
    }

    @Test
    void otlpJsonWithHexIdsIsAcceptedAndTheAnswerSaysWhichSpansWereIgnored() throws Exception {
        // Given: OTLP/JSON as collectors send it (hex ids, int64 as strings, older attribute names)
        String traceId = "5b8efff798038103d269b633813fc60c";
        String spanId = "eee19b7ec3c1b174";
        long start = START.toEpochMilli() * 1_000_000L;
        String body = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"batch-jobs"}}]},
                 "scopeSpans":[{"scope":{"name":"openllmetry"},"spans":[
                  {"traceId":"%s","spanId":"%s","name":"bedrock.completion","kind":3,
                   "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                   "attributes":[
                    {"key":"gen_ai.system","value":{"stringValue":"aws.bedrock"}},
                    {"key":"gen_ai.request.model","value":{"stringValue":"anthropic.claude-3-haiku"}},
                    {"key":"gen_ai.usage.prompt_tokens","value":{"intValue":"77"}},
                    {"key":"gen_ai.usage.completion_tokens","value":{"intValue":"12"}},
                    {"key":"gen_ai.prompt.0.role","value":{"stringValue":"user"}},
                    {"key":"gen_ai.prompt.0.content","value":{"stringValue":"Summarise the ticket"}},
                    {"key":"gen_ai.completion.0.content","value":{"stringValue":"A refund request."}}],
                   "status":{"code":1}},
                  {"traceId":"%s","spanId":"aaaaaaaaaaaaaaaa","name":"SELECT tickets","startTimeUnixNano":"%d","endTimeUnixNano":"%d"}
                 ]}]}]}
                """.formatted(traceId, spanId, start, start + 1_500_000_000L, traceId, start, start + 1_000_000L);
        var before = topics.snapshot();

        // When
        var response = post("application/json", PUBLISHER_KEY, body.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"partialSuccess\":{\"errorMessage\":\"1 of 2 spans are not GenAI model calls and were not recorded\"}}");
        var execution = topics.awaitRecordsSince(before, all -> all.size() >= 2).stream()
                .map(ConsumerRecord::value)
                .filter(LlmExecution.class::isInstance)
                .map(LlmExecution.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(execution.getId())
                .isEqualTo(UUID.nameUUIDFromBytes(
                        ("otlp:execution:" + traceId + ":" + spanId).getBytes(StandardCharsets.UTF_8)));
        assertThat(execution.getProvider()).isEqualTo("bedrock");
        assertThat(execution.getModel()).isEqualTo("anthropic.claude-3-haiku");
        assertThat(execution.getInputTokens()).isEqualTo(77L);
        assertThat(execution.getOutputTokens()).isEqualTo(12L);
        assertThat(execution.getExecutionTimeMs()).isEqualTo(1500L);
        assertThat(execution.getPromptSlug()).isEqualTo("batch-jobs");
        // production is REDACTED here: content kept, patterns masked; none in these texts
        assertThat(execution.getMessages()).containsExactly(new Message("user", "Summarise the ticket"));
        assertThat(execution.getResponseContent()).isEqualTo("A refund request.");
    }

    @Test
    void aSpanThatMakesAnInvalidEventIsRefusedByItsAttributeAndNothingIsPublished() throws Exception {
        // Given: more cached than input tokens
        var spans = recordSpans(
                Resource.getDefault(),
                tracer -> tracer.spanBuilder("chat gpt-4o")
                        .setStartTimestamp(START)
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.provider.name", "openai")
                        .setAttribute("gen_ai.request.model", "gpt-4o")
                        .setAttribute("gen_ai.usage.input_tokens", 10L)
                        .setAttribute("gen_ai.usage.cache_read.input_tokens", 50L)
                        .startSpan()
                        .end(START.plusMillis(10)));
        byte[] body = protobuf(spans);
        var before = topics.rawEndOffsets();

        // When
        var response = post("application/x-protobuf", PUBLISHER_KEY, body);
        CompletableResultCode exported = export(exporter(PUBLISHER_KEY, "none"), spans);

        // Then: a google.rpc.Status, as OTLP/HTTP requires, naming the span and the attribute
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        var status = UnknownFieldSet.parseFrom(response.body());
        assertThat(status.getField(1).getVarintList()).containsExactly(3L); // INVALID_ARGUMENT
        assertThat(status.getField(2).getLengthDelimitedList().get(0).toStringUtf8())
                .contains("nothing was published")
                .contains(
                        "resourceSpans[0].scopeSpans[0].spans[0].gen_ai.usage.cache_read.input_tokens must be <= input_tokens (10)");
        assertThat(exported.isSuccess()).isFalse();
        assertThat(topics.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void otlpIsRefusedWithoutAPublisherKeyAndForABodyThatIsNotOtlp() throws Exception {
        byte[] body = protobuf(recordSpans(
                Resource.getDefault(),
                tracer -> tracer.spanBuilder("x").startSpan().end()));

        assertThat(post("application/x-protobuf", null, body).statusCode()).isEqualTo(401);
        assertThat(post("application/x-protobuf", ANALYST_KEY, body).statusCode())
                .isEqualTo(403);
        assertThat(post("text/plain", PUBLISHER_KEY, body).statusCode()).isEqualTo(415);

        var garbage = post("application/x-protobuf", PUBLISHER_KEY, new byte[] {0x0a, 0x7f, 0x01});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(UnknownFieldSet.parseFrom(garbage.body())
                        .getField(2)
                        .getLengthDelimitedList()
                        .get(0)
                        .toStringUtf8())
                .startsWith("The body is not an OTLP ExportTraceServiceRequest in application/x-protobuf");
        var badJson = post(
                "application/json",
                PUBLISHER_KEY,
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(new String(badJson.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":3,\"message\":\"traceId must be hex-encoded (OTLP/JSON), not 'xyz'\"}");
    }

    private static Attributes chatAttributes() {
        return Attributes.builder()
                .put("gen_ai.operation.name", "chat")
                .put("gen_ai.provider.name", "openai")
                .put("gen_ai.request.model", "gpt-4o")
                .put("gen_ai.response.model", "gpt-4o-2024-08-06")
                .put("gen_ai.request.temperature", 0.2)
                .put("gen_ai.request.max_tokens", 512L)
                .put("gen_ai.usage.input_tokens", 1200L)
                .put("gen_ai.usage.output_tokens", 300L)
                .put("gen_ai.usage.cache_read.input_tokens", 1000L)
                .put("gen_ai.usage.reasoning.output_tokens", 120L)
                .put(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
                .put(
                        "gen_ai.system_instructions",
                        "[{\"type\":\"text\",\"content\":\"You are a helpful support agent.\"}]")
                .put(
                        "gen_ai.input.messages",
                        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is my refund?\"}]}]")
                .put(
                        "gen_ai.output.messages",
                        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"It was sent on Monday.\"}],\"finish_reason\":\"stop\"}]")
                .put("promptengine.prompt.slug", "support-reply")
                .put("promptengine.prompt.version", 3L)
                .put("session.id", "sess-42")
                .put("user.id", "user-1234")
                .build();
    }

    /** Spans made by a real SDK tracer, collected as the exporter would be handed them. */
    private static List<SpanData> recordSpans(Resource resource, Consumer<Tracer> record) {
        var collected = new CopyOnWriteArrayList<SpanData>();
        SpanExporter collector = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                collected.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        try (var provider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(collector))
                .build()) {
            record.accept(provider.get("dev.promptengine.test"));
        }
        return new ArrayList<>(collected);
    }

    private OtlpHttpSpanExporter exporter(String key, String compression) {
        return OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
                .addHeader("Authorization", "Bearer " + key)
                .setCompression(compression)
                .setTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static CompletableResultCode export(OtlpHttpSpanExporter exporter, List<SpanData> spans) {
        try {
            return exporter.export(spans).join(90, TimeUnit.SECONDS);
        } finally {
            exporter.shutdown();
        }
    }

    /** The protobuf body the SDK's exporter sends, from the exporter's own marshaler. */
    private static byte[] protobuf(List<SpanData> spans) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler.create(spans)
                .writeBinaryTo(out);
        return out.toByteArray();
    }

    private HttpResponse<byte[]> post(String contentType, String key, byte[] body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SpanData span(List<SpanData> spans, String name) {
        return spans.stream()
                .filter(span -> span.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static UUID id(String kind, SpanData span) {
        return UUID.nameUUIDFromBytes(
                ("otlp:" + kind + ":" + span.getTraceId() + ":" + span.getSpanId()).getBytes(StandardCharsets.UTF_8));
    }

    private static LlmExecution execution(List<ConsumerRecord<String, SpecificRecord>> records, SpanData span) {
        return records.stream()
                .map(ConsumerRecord::value)
                .filter(LlmExecution.class::isInstance)
                .map(LlmExecution.class::cast)
                .filter(execution -> execution.getId().equals(id("execution", span)))
                .findFirst()
                .orElseThrow();
    }

    private static PromptUsage usage(List<ConsumerRecord<String, SpecificRecord>> records, SpanData span) {
        return records.stream()
                .map(ConsumerRecord::value)
                .filter(PromptUsage.class::isInstance)
                .map(PromptUsage.class::cast)
                .filter(usage -> usage.getId().equals(id("usage", span)))
                .findFirst()
                .orElseThrow();
    }
}
