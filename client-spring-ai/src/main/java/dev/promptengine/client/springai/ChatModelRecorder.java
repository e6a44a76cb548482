package dev.promptengine.client.springai;

import dev.promptengine.client.Execution;
import dev.promptengine.client.Message;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Status;
import dev.promptengine.client.Usage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.util.ClassUtils;

/**
 * Records every Spring AI chat model request, as its observation stops: a usage (the prompt was
 * rendered) and an execution (messages sent, options, what came back, tokens, latency, status).
 * A stream is one observation, stopped once with the aggregated response, so it is recorded once.
 * Runs on the thread that stops the observation and only offers events to the client's queue:
 * it never blocks, and nothing it meets (a missing field, a bug here) reaches the host's code.
 */
final class ChatModelRecorder implements ObservationHandler<ChatModelObservationContext> {

    static final Warnings PROBLEMS = new Warnings();

    private static final String STARTED = ChatModelRecorder.class.getName() + ".started";
    private static final int MAX_ERROR_MESSAGE = 4000;
    static final String STREAM_CANCELLED = "Cancelled: the stream was cancelled before it completed";
    private static final boolean OPENAI_SDK = ClassUtils.isPresent(
            "com.openai.models.completions.CompletionUsage", ChatModelRecorder.class.getClassLoader());

    private final PromptEngine client;
    private final PromptEngineClientProperties properties;
    private final LongSupplier nanoTime;

    ChatModelRecorder(PromptEngine client, PromptEngineClientProperties properties, LongSupplier nanoTime) {
        this.client = client;
        this.properties = properties;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ChatModelObservationContext;
    }

    @Override
    public void onStart(ChatModelObservationContext context) {
        context.put(STARTED, nanoTime.getAsLong());
    }

    @Override
    public void onStop(ChatModelObservationContext context) {
        try {
            record(context);
        } catch (RuntimeException | LinkageError e) {
            PROBLEMS.once("record-" + e.getClass().getName(), "Cannot record a Spring AI chat call: " + e);
        }
    }

    private void record(ChatModelObservationContext context) {
        Prompt prompt = context.getRequest();
        CallScope scope = scope(context);
        Usage usage = scope != null ? scope.usage() : null;
        if (usage == null) {
            usage = client.recordRender(usage(prompt, scope));
            if (usage == null) {
                return; // counted as rejected by the client
            }
            if (scope != null) {
                scope.usage(usage);
            }
        }
        Long started = context.get(STARTED);
        long elapsedMs = started == null ? 0 : Math.max(0, (nanoTime.getAsLong() - started) / 1_000_000);
        Execution.Builder execution = Execution.builder(usage)
                .provider(provider(context.getOperationMetadata().provider()))
                .messages(messages(prompt))
                .executionTimeMs(elapsedMs);
        ChatOptions options = prompt.getOptions();
        String model = options != null ? options.getModel() : null;
        if (options != null) {
            execution.temperature(options.getTemperature()).maxTokens(options.getMaxTokens());
        }
        ChatResponse response = context.getResponse();
        if (response != null && response.getMetadata() != null) {
            var metadata = response.getMetadata();
            if (metadata.getModel() != null && !metadata.getModel().isBlank()) {
                model = metadata.getModel();
            }
            tokens(execution, metadata.getUsage());
            execution.responseMetadata(responseMetadata(response, context.isStreaming()));
        }
        execution.model(model != null && !model.isBlank() ? model : "unknown");
        if (response != null) {
            execution.responseContent(content(response));
        }
        Throwable error = context.getError();
        if (error == null && response == null && context.isStreaming()) {
            // the subscriber cancelled: no aggregated answer, no usage
            execution.status(Status.ERROR).errorMessage(STREAM_CANCELLED);
        } else if (error == null) {
            execution.status(Status.SUCCESS);
        } else {
            execution.status(isTimeout(error) ? Status.TIMEOUT : Status.ERROR).errorMessage(errorMessage(error));
        }
        client.recordExecution(execution);
    }

    private Usage.Builder usage(Prompt prompt, CallScope scope) {
        String slug = scope != null && scope.promptSlug != null ? scope.promptSlug : properties.defaultPromptSlug();
        int version =
                scope != null && scope.promptVersion != null ? scope.promptVersion : properties.defaultPromptVersion();
        var usage = Usage.builder(slug, version).environment(properties.environment());
        if (scope != null) {
            usage.sessionId(scope.sessionId).userIdentifier(scope.userIdentifier);
        }
        String user = null;
        String system = null;
        for (var message : prompt.getInstructions()) {
            if (message.getMessageType() == MessageType.USER) {
                user = message.getText();
            } else if (message.getMessageType() == MessageType.SYSTEM && system == null) {
                system = message.getText();
            }
        }
        return usage.renderedContent(user).renderedSystemMessage(system);
    }

    /** The scope of the {@code ChatClient} call this request belongs to: on the nearest parent that has one. */
    private static CallScope scope(Observation.Context context) {
        ObservationView parent = context.getParentObservation();
        for (int depth = 0; parent != null && depth < 20; depth++) {
            var view = parent.getContextView();
            CallScope scope = view.get(CallScope.KEY);
            if (scope != null) {
                return scope;
            }
            parent = view.getParentObservation();
        }
        return null;
    }

    private static List<Message> messages(Prompt prompt) {
        var messages = new ArrayList<Message>();
        for (var message : prompt.getInstructions()) {
            messages.add(new Message(message.getMessageType().getValue(), message.getText()));
        }
        return messages;
    }

    private static void tokens(Execution.Builder execution, org.springframework.ai.chat.metadata.Usage usage) {
        if (usage == null) {
            return;
        }
        OpenAiDetails.Tokens openAi = OPENAI_SDK ? OpenAiDetails.tokens(usage.getNativeUsage()) : null;
        if (openAi != null) {
            // this request's own counts: Spring AI sums the usage of earlier tool-calling round trips into later ones
            execution
                    .tokens(openAi.input(), openAi.output())
                    .cachedInputTokens(openAi.cachedInput())
                    .cacheWriteTokens(openAi.cacheWrite())
                    .reasoningTokens(openAi.reasoning());
            return;
        }
        execution.tokens(count(usage.getPromptTokens()), count(usage.getCompletionTokens()));
        execution.cachedInputTokens(count(usage.getCacheReadInputTokens()));
        execution.cacheWriteTokens(count(usage.getCacheWriteInputTokens()));
    }

    private static long count(Number value) {
        return value == null ? 0 : Math.max(0, value.longValue());
    }

    private static String content(ChatResponse response) {
        var text = new StringBuilder();
        for (Generation generation : response.getResults()) {
            if (generation.getOutput() != null && generation.getOutput().getText() != null) {
                text.append(generation.getOutput().getText());
            }
        }
        return text.isEmpty() ? null : text.toString();
    }

    private static Map<String, Object> responseMetadata(ChatResponse response, boolean streaming) {
        var metadata = new LinkedHashMap<String, Object>();
        var id = response.getMetadata().getId();
        if (id != null && !id.isBlank()) {
            metadata.put("id", id);
        }
        Generation result = response.getResult();
        if (result != null
                && result.getMetadata() != null
                && result.getMetadata().getFinishReason() != null) {
            metadata.put("finish_reason", result.getMetadata().getFinishReason());
        }
        metadata.put("streaming", streaming);
        return metadata;
    }

    /** Spring AI's provider names ({@code AiProvider}) as the pipeline's: openai, anthropic, azure, google, ... */
    static String provider(String aiProvider) {
        if (aiProvider == null || aiProvider.isBlank()) {
            return "unknown";
        }
        String name = aiProvider.toLowerCase(Locale.ROOT);
        return switch (name.replace('-', '_')) {
            case "azure_openai", "microsoft_foundry" -> "azure";
            case "vertex_ai", "google_genai", "vertex_ai_gemini" -> "google";
            case "bedrock_converse", "bedrock" -> "bedrock";
            case "mistral_ai" -> "mistral";
            default -> name;
        };
    }

    /**
     * {@code ClassName: message}, then the cause that explains it, when there is one: the timeout
     * among the causes, or else the root cause ({@code OpenAIIoException: Request failed
     * (InterruptedIOException: timeout)}); an HTTP error whose message does not carry its status
     * gets it. The analytics side classifies errors (rate limit, timeout, network) from this text.
     */
    static String errorMessage(Throwable error) {
        String message = error.getMessage();
        int status = OPENAI_SDK ? OpenAiDetails.statusCode(error) : 0;
        if (status > 0 && (message == null || !message.contains(Integer.toString(status)))) {
            message = "HTTP " + status + (message == null ? "" : " " + message);
        }
        String text = describe(error.getClass().getSimpleName(), message);
        Throwable cause = explainingCause(error);
        if (cause != error) {
            text += " (" + describe(cause.getClass().getSimpleName(), cause.getMessage()) + ")";
        }
        return text.length() > MAX_ERROR_MESSAGE ? text.substring(0, MAX_ERROR_MESSAGE) : text;
    }

    private static Throwable explainingCause(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; depth < 20; depth++) {
            if (isTimeoutItself(cause) || cause.getCause() == null || cause.getCause() == cause) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(String className, String message) {
        return message == null ? className : className + ": " + message;
    }

    static boolean isTimeout(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (isTimeoutItself(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeoutItself(Throwable error) {
        return error instanceof TimeoutException
                || error instanceof HttpTimeoutException
                || error instanceof SocketTimeoutException
                // OkHttp's call timeout, under OpenAI's SDK
                || (error instanceof InterruptedIOException && "timeout".equals(error.getMessage()));
    }
}
