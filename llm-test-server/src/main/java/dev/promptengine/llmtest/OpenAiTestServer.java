package dev.promptengine.llmtest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An HTTP server on 127.0.0.1 that answers OpenAI's chat completions API ({@code POST
 * .../chat/completions}, plain JSON or, with {@code "stream": true}, server-sent chunks ending in
 * {@code [DONE]}, with a usage chunk when {@code stream_options.include_usage} asks for one). Each
 * call takes the next {@linkplain #enqueue scripted reply}, or else the default one: it echoes the
 * last message and counts a token per four characters. It keeps every request body it was sent.
 *
 * <p>Hand-written on the JDK's {@code HttpServer}: no provider can be reached here, and a scripted
 * server is what lets a test know the tokens, the model and the errors it must see arrive.
 */
public final class OpenAiTestServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        var thread = new Thread(runnable, "openai-test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    private OpenAiTestServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a server on a free port. */
    public static OpenAiTestServer start() {
        return start(0);
    }

    /** Starts a server on {@code port} (0: any free port). */
    public static OpenAiTestServer start(int port) {
        try {
            return new OpenAiTestServer(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL an OpenAI client takes: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The replies of the next calls, in order; after them, the default reply again. */
    public void enqueue(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /** Every request body received so far, oldest first. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the requests and the replies not yet given. */
    public void reset() {
        requests.clear();
        script.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** Runs a server until killed: {@code java ... OpenAiTestServer [port]} (default 8090). */
    public static void main(String[] args) {
        var server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8090);
        System.out.println("OpenAI-compatible test server at " + server.baseUrl());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
                send(exchange, 404, error("not_found", "no such endpoint: " + path, "invalid_request_error"));
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            } catch (RuntimeException e) {
                send(exchange, 400, error("invalid_json", "the body is not JSON", "invalid_request_error"));
                return;
            }
            requests.add(request);
            Reply reply = script.poll();
            if (reply == null) {
                reply = Reply.echo(request);
            }
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            if (reply.status() != 200) {
                exchange.getResponseHeaders().add("retry-after", "1");
                send(exchange, reply.status(), error(reply.errorCode(), reply.content(), reply.errorType()));
            } else if (request.path("stream").asBoolean(false)) {
                stream(exchange, request, reply);
            } else {
                send(exchange, 200, completion(request, reply));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode completion(JsonNode request, Reply reply) {
        ObjectNode body = head(request, reply, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", reply.content());
        choice.put("finish_reason", reply.finishReason());
        body.set("usage", usage(reply));
        return body;
    }

    private void stream(HttpExchange exchange, JsonNode request, Reply reply) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String id = "chatcmpl-" + ids.incrementAndGet();
        List<String> pieces = pieces(reply.content());
        for (int i = 0; i < pieces.size(); i++) {
            ObjectNode chunk = head(request, reply, "chat.completion.chunk").put("id", id);
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", pieces.get(i));
            choice.putNull("finish_reason");
            event(out, chunk.toString());
        }
        ObjectNode last = head(request, reply, "chat.completion.chunk").put("id", id);
        last.putArray("choices")
                .addObject()
                .put("index", 0)
                .put("finish_reason", reply.finishReason())
                .putObject("delta");
        event(out, last.toString());
        if (request.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode usage = head(request, reply, "chat.completion.chunk").put("id", id);
            usage.putArray("choices");
            usage.set("usage", usage(reply));
            event(out, usage.toString());
        }
        event(out, "[DONE]");
    }

    private ObjectNode head(JsonNode request, Reply reply, String object) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-" + ids.incrementAndGet());
        body.put("object", object);
        body.put("created", System.currentTimeMillis() / 1000);
        body.put(
                "model",
                reply.responseModel() != null
                        ? reply.responseModel()
                        : request.path("model").asString(""));
        body.put("system_fingerprint", "fp_test");
        return body;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", reply.promptTokens());
        usage.put("completion_tokens", reply.completionTokens());
        usage.put("total_tokens", reply.promptTokens() + reply.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cachedTokens());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", reply.reasoningTokens());
        return usage;
    }

    private static ObjectNode error(String code, String message, String type) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.put("code", code);
        return body;
    }

    private static List<String> pieces(String content) {
        var pieces = new ArrayList<String>();
        for (int i = 0; i < content.length(); i += 8) {
            pieces.add(content.substring(i, Math.min(content.length(), i + 8)));
        }
        if (pieces.isEmpty()) {
            pieces.add("");
        }
        return pieces;
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * One scripted answer: a completion with these token counts (OpenAI counts cached tokens inside
     * the prompt tokens and reasoning tokens inside the completion tokens), or an error status with
     * OpenAI's error body; optionally after a delay.
     */
    public record Reply(
            int status,
            String content,
            String responseModel,
            int promptTokens,
            int completionTokens,
            int cachedTokens,
            int reasoningTokens,
            Duration delay,
            String finishReason,
            String errorCode,
            String errorType) {

        /** A completion answering {@code content}, having counted these tokens. */
        public static Reply text(String content, int promptTokens, int completionTokens) {
            return new Reply(
                    200, content, null, promptTokens, completionTokens, 0, 0, Duration.ZERO, "stop", null, null);
        }

        /** 429 with OpenAI's {@code rate_limit_exceeded} body and {@code retry-after: 1}. */
        public static Reply rateLimited() {
            return new Reply(
                    429,
                    "Rate limit reached for requests",
                    null,
                    0,
                    0,
                    0,
                    0,
                    Duration.ZERO,
                    null,
                    "rate_limit_exceeded",
                    "requests");
        }

        /** An error status with OpenAI's error body, for example 500 or 401. */
        public static Reply error(int status, String message) {
            return new Reply(status, message, null, 0, 0, 0, 0, Duration.ZERO, null, "error_" + status, "server_error");
        }

        /** The default: echoes the last message; a token per four characters, rounded up. */
        static Reply echo(JsonNode request) {
            JsonNode messages = request.path("messages");
            int characters = 0;
            String last = "";
            if (messages instanceof ArrayNode array) {
                for (JsonNode message : array) {
                    last = message.path("content").isString()
                            ? message.path("content").asString()
                            : message.path("content").toString();
                    characters += last.length();
                }
            }
            String content = "Echo: " + last;
            return text(content, Math.max(1, (characters + 3) / 4), Math.max(1, (content.length() + 3) / 4));
        }

        /** The same reply, reporting {@code model} as the model that answered. */
        public Reply model(String model) {
            return new Reply(
                    status,
                    content,
                    model,
                    promptTokens,
                    completionTokens,
                    cachedTokens,
                    reasoningTokens,
                    delay,
                    finishReason,
                    errorCode,
                    errorType);
        }

        /** The same reply, with {@code cached} of its prompt tokens read from the provider's cache. */
        public Reply cached(int cached) {
            return new Reply(
                    status,
                    content,
                    responseModel,
                    promptTokens,
                    completionTokens,
                    cached,
                    reasoningTokens,
                    delay,
                    finishReason,
                    errorCode,
                    errorType);
        }

        /** The same reply, with {@code reasoning} of its completion tokens spent on reasoning. */
        public Reply reasoning(int reasoning) {
            return new Reply(
                    status,
                    content,
                    responseModel,
                    promptTokens,
                    completionTokens,
                    cachedTokens,
                    reasoning,
                    delay,
                    finishReason,
                    errorCode,
                    errorType);
        }

        /** The same reply, answered after {@code delay}. */
        public Reply after(Duration delay) {
            return new Reply(
                    status,
                    content,
                    responseModel,
                    promptTokens,
                    completionTokens,
                    cachedTokens,
                    reasoningTokens,
                    delay,
                    finishReason,
                    errorCode,
                    errorType);
        }
    }
}
