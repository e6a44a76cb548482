package dev.promptengine.llmtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.llmtest.OpenAiTestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiTestServerTests {

    static final OpenAiTestServer server = OpenAiTestServer.start();
    static final HttpClient http = HttpClient.newHttpClient();
    static final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void answersAScriptedCompletionWithItsTokensAndKeepsTheRequest() throws Exception {
        server.enqueue(Reply.text("Bonjour", 12, 3).cached(4).reasoning(1).model("gpt-4o-2024-08-06"));

        HttpResponse<String> response =
                post("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asString()).isEqualTo("Bonjour");
        assertThat(body.at("/model").asString()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(15);
        assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isEqualTo(4);
        assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asInt())
                .isEqualTo(1);
        assertThat(server.requests())
                .singleElement()
                .satisfies(
                        r -> assertThat(r.at("/messages/0/content").asString()).isEqualTo("hi"));
    }

    @Test
    void streamsTheContentInChunksThenTheUsageThenDone() throws Exception {
        server.enqueue(Reply.text("a streamed answer", 7, 5));

        HttpResponse<String> response = post("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> events = response.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(events).last().isEqualTo("[DONE]");
        var content = new StringBuilder();
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = json.readTree(event);
            assertThat(chunk.at("/model").asString()).isEqualTo("gpt-4o-mini");
            content.append(chunk.at("/choices/0/delta/content").asString(""));
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
            }
        }
        assertThat(content).hasToString("a streamed answer");
        assertThat(usage).isNotNull();
        assertThat(usage.at("/prompt_tokens").asInt()).isEqualTo(7);
        assertThat(usage.at("/completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void answersARateLimitLikeOpenAiThenTheDefaultEcho() throws Exception {
        server.enqueue(Reply.rateLimited());

        HttpResponse<String> limited =
                post("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        HttpResponse<String> echoed =
                post("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"12345678\"}]}");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(json.readTree(limited.body()).at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
        JsonNode echo = json.readTree(echoed.body());
        assertThat(echo.at("/choices/0/message/content").asString()).isEqualTo("Echo: 12345678");
        assertThat(echo.at("/usage/prompt_tokens").asInt()).isEqualTo(2);
        assertThat(echo.at("/usage/completion_tokens").asInt()).isEqualTo(4);
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
