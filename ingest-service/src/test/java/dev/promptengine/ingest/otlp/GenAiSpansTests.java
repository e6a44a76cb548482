package dev.promptengine.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GenAiSpansTests {

    private static final long START = 1_790_000_000_000_000_000L;

    @Test
    void onlyModelCallsAreTranslatedAgentToolAndPlainSpansAreCountedAsIgnored() {
        var translation = GenAiSpans.translate(request(
                span("chat").addAttributes(string("gen_ai.operation.name", "chat")),
                span("embed").addAttributes(string("gen_ai.operation.name", "embeddings")),
                span("agent").addAttributes(string("gen_ai.operation.name", "invoke_agent")),
                span("tool").addAttributes(string("gen_ai.operation.name", "execute_tool")),
                span("legacy")
                        .addAttributes(string("gen_ai.system", "openai"))
                        .addAttributes(string("gen_ai.request.model", "gpt-4")),
                span("http")));

        assertThat(translation.modelCallSpans()).isEqualTo(3);
        assertThat(translation.ignoredSpans()).isEqualTo(3);
        assertThat(translation.executionSpans())
                .containsExactly(
                        "resourceSpans[0].scopeSpans[0].spans[0]",
                        "resourceSpans[0].scopeSpans[0].spans[1]",
                        "resourceSpans[0].scopeSpans[0].spans[4]");
    }

    @Test
    void providerNamesOfTheConventionsBecomeThoseOfThePriceCatalog() {
        assertThat(Providers.ourName("aws.bedrock")).isEqualTo("bedrock");
        assertThat(Providers.ourName("azure.ai.openai")).isEqualTo("azure");
        assertThat(Providers.ourName("gcp.vertex_ai")).isEqualTo("google");
        assertThat(Providers.ourName("mistral_ai")).isEqualTo("mistral");
        assertThat(Providers.ourName("x_ai")).isEqualTo("xai");
        assertThat(Providers.ourName("Anthropic")).isEqualTo("anthropic");
    }

    @Test
    void aSpanLinkedToAUsageMakesOnlyTheExecution() {
        var translation = GenAiSpans.translate(
                request(chat().addAttributes(string("promptengine.usage_id", "0b6c3c4e-35d2-4a4f-9b9a-3a0c2b1f1e01"))));

        assertThat(translation.batch().has("usages")).isFalse();
        assertThat(execution(translation).get("usage_id").asString()).isEqualTo("0b6c3c4e-35d2-4a4f-9b9a-3a0c2b1f1e01");
    }

    @Test
    void anErrorThatSaysTimeoutIsATimeoutAndAnExceptionEventGivesTheMessage() {
        var timedOut = chat().addAttributes(string("error.type", "timeout"))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        var failed = chat().setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("0000000000000002")))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .addEvents(Span.Event.newBuilder()
                        .setName("exception")
                        .addAttributes(string("exception.type", "java.net.ConnectException"))
                        .addAttributes(string("exception.message", "Connection refused")));

        var translation = GenAiSpans.translate(request(timedOut, failed));

        JsonNode first = translation.batch().get("executions").get(0);
        assertThat(first.get("status").asString()).isEqualTo("timeout");
        assertThat(first.get("error_message").asString()).isEqualTo("timeout");
        JsonNode second = translation.batch().get("executions").get(1);
        assertThat(second.get("status").asString()).isEqualTo("error");
        assertThat(second.get("error_message").asString()).isEqualTo("java.net.ConnectException: Connection refused");
    }

    @Test
    void olderPromptAndCompletionEventsGiveTheMessages() {
        var span = chat().addEvents(Span.Event.newBuilder()
                        .setName("gen_ai.content.prompt")
                        .addAttributes(string("gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"Hi\"}]")))
                .addEvents(Span.Event.newBuilder()
                        .setName("gen_ai.content.completion")
                        .addAttributes(
                                string("gen_ai.completion", "[{\"role\":\"assistant\",\"content\":\"Hello!\"}]")));

        JsonNode execution = execution(GenAiSpans.translate(request(span)));

        assertThat(execution.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
        assertThat(execution.get("response_content").asString()).isEqualTo("Hello!");
    }

    @Test
    void toolCallPartsAreKeptAsJsonAndArrayAttributesAreRead() {
        var span = chat().addAttributes(
                        KeyValue.newBuilder()
                                .setKey("gen_ai.output.messages")
                                .setValue(
                                        AnyValue.newBuilder()
                                                .setStringValue(
                                                        "[{\"role\":\"assistant\",\"parts\":["
                                                                + "{\"type\":\"tool_call\",\"id\":\"c1\",\"name\":\"weather\",\"arguments\":{\"city\":\"Paris\"}}]}]")))
                .addAttributes(KeyValue.newBuilder()
                        .setKey("gen_ai.response.finish_reasons")
                        .setValue(AnyValue.newBuilder()
                                .setArrayValue(ArrayValue.newBuilder()
                                        .addValues(AnyValue.newBuilder().setStringValue("tool_calls")))));

        JsonNode execution = execution(GenAiSpans.translate(request(span)));

        assertThat(execution.get("response_content").asString())
                .isEqualTo(
                        "{\"type\":\"tool_call\",\"id\":\"c1\",\"name\":\"weather\",\"arguments\":{\"city\":\"Paris\"}}");
        assertThat(execution.get("response_metadata").get("finish_reasons").toString())
                .isEqualTo("[\"tool_calls\"]");
    }

    @Test
    void aTokenCountSentAsTextThatIsNoNumberStaysTextForTheValidationToRefuse() {
        JsonNode execution = execution(
                GenAiSpans.translate(request(chat().addAttributes(string("gen_ai.usage.input_tokens", "many")))));

        assertThat(execution.get("input_tokens").isString()).isTrue();
        assertThat(GenAiSpans.source("input_tokens")).isEqualTo("gen_ai.usage.input_tokens");
    }

    private static Span.Builder chat() {
        return span("chat gpt-4o")
                .addAttributes(string("gen_ai.operation.name", "chat"))
                .addAttributes(string("gen_ai.provider.name", "openai"))
                .addAttributes(string("gen_ai.request.model", "gpt-4o"));
    }

    private static Span.Builder span(String name) {
        return Span.newBuilder()
                .setName(name)
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c")))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b174")))
                .setStartTimeUnixNano(START)
                .setEndTimeUnixNano(START + 5_000_000L);
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static ExportTraceServiceRequest request(Span.Builder... spans) {
        var scope = ScopeSpans.newBuilder();
        for (Span.Builder span : spans) {
            scope.addSpans(span);
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
                .build();
    }

    private static JsonNode execution(GenAiSpans.Translation translation) {
        return translation.batch().get("executions").get(0);
    }
}
