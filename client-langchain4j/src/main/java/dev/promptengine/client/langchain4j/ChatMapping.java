package dev.promptengine.client.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.ModelProvider;
import dev.promptengine.client.Message;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** How LangChain4j's requests, messages and errors become the fields of our events. */
final class ChatMapping {

    /** The cost-service catalog's provider names for LangChain4j's {@code ModelProvider} names. */
    static String provider(ModelProvider modelProvider) {
        if (modelProvider == null) {
            return "other";
        }
        String name = modelProvider.name();
        if (name.startsWith("GOOGLE_")) {
            return "google";
        }
        return switch (name) {
            case "OPEN_AI" -> "openai";
            case "AZURE_OPEN_AI" -> "azure";
            case "MISTRAL_AI" -> "mistral";
            case "AMAZON_BEDROCK" -> "bedrock";
            default -> name.toLowerCase(Locale.ROOT);
        };
    }

    static List<Message> messages(List<ChatMessage> messages) {
        if (messages == null) {
            return List.of();
        }
        var out = new ArrayList<Message>(messages.size());
        for (ChatMessage message : messages) {
            out.add(message(message));
        }
        return out;
    }

    static Message message(ChatMessage message) {
        if (message instanceof SystemMessage system) {
            return new Message("system", system.text());
        }
        if (message instanceof UserMessage user) {
            return new Message("user", text(user));
        }
        if (message instanceof AiMessage ai) {
            return new Message("assistant", text(ai));
        }
        if (message instanceof ToolExecutionResultMessage tool) {
            return new Message("tool", text(tool.contents()));
        }
        if (message instanceof CustomMessage custom) {
            return new Message("custom", String.valueOf(custom.attributes()));
        }
        return new Message(message.type().name().toLowerCase(Locale.ROOT), String.valueOf(message));
    }

    /** The text parts, one per line; other parts as a placeholder such as {@code [image]}. */
    static String text(UserMessage user) {
        return user.hasSingleText() ? user.singleText() : text(user.contents());
    }

    /** The text, or, for a reply that only calls tools, one {@code name(arguments)} per line. */
    static String text(AiMessage ai) {
        if (ai.text() != null || !ai.hasToolExecutionRequests()) {
            return ai.text();
        }
        return ai.toolExecutionRequests().stream().map(ChatMapping::toolCall).collect(Collectors.joining("\n"));
    }

    static String toolCall(ToolExecutionRequest request) {
        return request.name() + "(" + (request.arguments() == null ? "" : request.arguments()) + ")";
    }

    private static String text(List<Content> contents) {
        if (contents == null) {
            return null;
        }
        return contents.stream()
                .map(content -> content instanceof TextContent text
                        ? text.text()
                        : "[" + content.type().name().toLowerCase(Locale.ROOT) + "]")
                .collect(Collectors.joining("\n"));
    }

    /** The text of the last user message: what the prompt rendered, as far as the model sees it. */
    static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return text(user);
            }
        }
        return null;
    }

    static String systemText(List<ChatMessage> messages) {
        return SystemMessage.findFirst(messages).map(SystemMessage::text).orElse(null);
    }

    /**
     * {@code ClassName: message}, with the HTTP status in front of the message when the provider
     * answered with one ({@code RateLimitException: HTTP 429: {...}}): analytics classifies errors by
     * this text, and the provider's body alone does not always say the status.
     */
    static String errorMessage(Throwable error) {
        HttpException http = cause(error, HttpException.class);
        String message = error.getMessage();
        if (http != null) {
            String body = http.getMessage();
            message = "HTTP " + http.statusCode() + (body == null || body.isBlank() ? "" : ": " + body);
        }
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** LangChain4j's {@code TimeoutException} (HTTP 408, read or connect timeouts) or the JDK's. */
    static boolean isTimeout(Throwable error) {
        return cause(error, dev.langchain4j.exception.TimeoutException.class) != null
                || cause(error, TimeoutException.class) != null
                || cause(error, HttpTimeoutException.class) != null
                || cause(error, SocketTimeoutException.class) != null;
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private ChatMapping() {}
}
