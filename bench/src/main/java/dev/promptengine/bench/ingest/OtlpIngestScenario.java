package dev.promptengine.bench.ingest;

import com.google.protobuf.ByteString;
import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * ingest-service's OTLP/HTTP endpoint: GenAI chat spans (protobuf, ~1 KB of captured content
 * each, the same calls as the JSON workload) in requests of {@link #SPANS} spans, each span making
 * a usage and an execution, against the same events as {@code POST /v1/events} batches of 50
 * usages + 50 executions in the same run, same connections, same broker.
 */
public final class OtlpIngestScenario implements Scenario {

    static final int SPANS = 50;

    static final MetricSpec OTLP_SPANS = MetricSpec.throughput(
            "ingest.otlp.spans", "OTLP/HTTP protobuf, 50 GenAI spans per request (~1 KB content)", "spans/s");
    static final MetricSpec OTLP_EVENTS = MetricSpec.throughput(
            "ingest.otlp.events", "OTLP/HTTP: the events those spans make (usage + execution each)", "events/s");
    static final MetricSpec JSON_EVENTS = MetricSpec.throughput(
            "ingest.otlp.json-baseline",
            "baseline: POST /v1/events, 50 usages + 50 executions per request",
            "events/s");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return "otlp-ingest";
    }

    @Override
    public String description() {
        return "ingest-service: POST /v1/traces with 50 GenAI spans per request vs POST /v1/events with the same"
                + " 100 events, same run";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(HttpIngestScenario.MODULE);
        var service = context.services()
                .start(HttpIngestScenario.MODULE, context.infrastructure().kafka(), null, Map.of());
        String key = context.services().keys().publisher();
        URI traces = service.uri("/v1/traces");
        URI events = service.uri("/v1/events");
        int requests = Math.max(HttpIngestScenario.CLIENT_THREADS, context.scaled(400));
        var workload = new Workload(7);
        context.note(String.format(
                "%,d requests of %d spans (protobuf) and %,d requests of %d usages + %d executions (JSON) per run,"
                        + " from %d keep-alive connections, requests encoded before the clock",
                requests, SPANS, requests, SPANS, SPANS, HttpIngestScenario.CLIENT_THREADS));
        var spanRates = new ArrayList<Double>();
        var jsonRates = new ArrayList<Double>();
        context.repeat("OTLP spans vs JSON batches", () -> {
            var otlpBodies = new ArrayList<byte[]>(requests);
            var jsonBodies = new ArrayList<byte[]>(requests);
            for (int r = 0; r < requests; r++) {
                var pairs = new ArrayList<Workload.Pair>(SPANS);
                for (int i = 0; i < SPANS; i++) {
                    pairs.add(workload.next(Content.KB1, Instant.now()));
                }
                otlpBodies.add(KeepAliveConnection.post(traces, key, "application/x-protobuf", spans(pairs)));
                var usages = new ArrayList<Object>();
                var executions = new ArrayList<Object>();
                for (var pair : pairs) {
                    usages.add(Workload.usageJson(pair.usage()));
                    executions.add(Workload.executionJson(pair.execution()));
                }
                jsonBodies.add(KeepAliveConnection.post(
                        events, key, JSON.writeValueAsBytes(Map.of("usages", usages, "executions", executions))));
            }
            double otlp = HttpIngestScenario.postAll(traces, otlpBodies, HttpIngestScenario.CLIENT_THREADS, 200);
            otlpBodies.clear();
            double json = HttpIngestScenario.postAll(events, jsonBodies, HttpIngestScenario.CLIENT_THREADS);
            spanRates.add(otlp * SPANS);
            jsonRates.add(json * SPANS * 2);
            return String.format(
                    "otlp %,.0f spans/s (%,.0f events/s), json %,.0f events/s",
                    otlp * SPANS, otlp * SPANS * 2, json * SPANS * 2);
        });
        var spans = HttpIngestScenario.last(spanRates, context);
        context.record(OTLP_SPANS, spans, HttpIngestScenario.CLIENT_THREADS + " client connections");
        context.record(OTLP_EVENTS, spans.stream().map(rate -> rate * 2).toList(), null);
        context.record(JSON_EVENTS, HttpIngestScenario.last(jsonRates, context), null);
    }

    /** The calls as an instrumented app exports them: chat spans with the GenAI attributes and captured content. */
    static byte[] spans(List<Workload.Pair> pairs) {
        var scope = ScopeSpans.newBuilder();
        for (var pair : pairs) {
            LlmExecution execution = pair.execution();
            long start = execution.getOccurredAt().toEpochMilli() * 1_000_000L;
            var span = Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(uuidBytes(execution.getId(), execution.getUsageId())))
                    .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8)
                            .putLong(execution.getId().getLeastSignificantBits())
                            .array()))
                    .setName("chat " + execution.getModel())
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(start)
                    .setEndTimeUnixNano(start + execution.getExecutionTimeMs() * 1_000_000L)
                    .addAttributes(string("gen_ai.operation.name", "chat"))
                    .addAttributes(string("gen_ai.provider.name", execution.getProvider()))
                    .addAttributes(string("gen_ai.request.model", execution.getModel()))
                    .addAttributes(number("gen_ai.request.max_tokens", execution.getMaxTokens()))
                    .addAttributes(number("gen_ai.usage.input_tokens", execution.getInputTokens()))
                    .addAttributes(number("gen_ai.usage.output_tokens", execution.getOutputTokens()))
                    .addAttributes(number("gen_ai.usage.cache_read.input_tokens", execution.getCachedInputTokens()))
                    .addAttributes(string("promptengine.prompt.slug", execution.getPromptSlug()))
                    .addAttributes(number("promptengine.prompt.version", execution.getPromptVersion()))
                    .addAttributes(string("promptengine.environment", execution.getEnvironment()))
                    .addAttributes(string("session.id", execution.getSessionId()))
                    .addAttributes(string("user.id", execution.getUserIdentifier()))
                    .addAttributes(string("gen_ai.input.messages", messages(execution.getMessages())));
            if (execution.getResponseContent() != null) {
                span.addAttributes(string(
                        "gen_ai.output.messages",
                        JSON.writeValueAsString(List.of(Map.of(
                                "role",
                                "assistant",
                                "parts",
                                List.of(Map.of("type", "text", "content", execution.getResponseContent())))))));
            }
            if (execution.getStatus() != ExecutionStatus.SUCCESS) {
                span.setStatus(Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage(
                                execution.getStatus() == ExecutionStatus.TIMEOUT
                                        ? "timed out"
                                        : execution.getErrorMessage()));
            }
            scope.addSpans(span);
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(string("service.name", "bench")))
                        .addScopeSpans(scope))
                .build()
                .toByteArray();
    }

    private static String messages(List<Message> messages) {
        var json = new ArrayList<Map<String, Object>>();
        for (Message message : messages) {
            json.add(Map.of(
                    "role",
                    message.getRole(),
                    "parts",
                    List.of(Map.of("type", "text", "content", message.getContent()))));
        }
        return JSON.writeValueAsString(json);
    }

    private static byte[] uuidBytes(java.util.UUID a, java.util.UUID b) {
        return ByteBuffer.allocate(16)
                .putLong(a.getMostSignificantBits())
                .putLong(b.getMostSignificantBits())
                .array();
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value == null ? "" : value))
                .build();
    }

    private static KeyValue number(String key, long value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setIntValue(value))
                .build();
    }
}
