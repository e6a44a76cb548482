package dev.promptengine.deploy.demo;

import dev.promptengine.deploy.demo.Events.EventBatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts batches to {@code POST /v1/events}. Retries what may pass on a second try (429, 5xx, a
 * connection failure) a few times with back-off; everything else is answered at once.
 */
final class IngestPublisher {

    /** What ingest-service answered for one batch; status 0 when it could not be reached. */
    record Outcome(int status, int usages, int executions, String problem) {

        boolean accepted() {
            return HttpAnswers.successful(status);
        }

        /** An answer that every further batch would get too (no endpoint, bad key, ...). */
        boolean fatal() {
            return status == 401 || status == 403 || status == 404 || status == 405 || status == 415;
        }
    }

    private static final int ATTEMPTS = 4;

    private final HttpClient http;
    private final JsonMapper json;
    private final URI events;
    private final String key;

    IngestPublisher(HttpClient http, JsonMapper json, URI ingest, String key) {
        this.http = http;
        this.json = json;
        this.events = ingest.resolve("/v1/events");
        this.key = key;
    }

    Outcome publish(EventBatch batch) throws InterruptedException {
        byte[] body = json.writeValueAsBytes(batch);
        var request = HttpRequest.newBuilder(events)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Outcome outcome = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            outcome = send(request, batch);
            boolean retryable = outcome.status() == 0 || outcome.status() == 429 || outcome.status() >= 500;
            if (outcome.accepted() || !retryable) {
                return outcome;
            }
            Thread.sleep(250L << attempt); // back-off against a busy or restarting service
        }
        return outcome;
    }

    private Outcome send(HttpRequest request, EventBatch batch) throws InterruptedException {
        int usages = batch.usages().size();
        int executions = batch.executions().size();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String problem = response.statusCode() == 202 || HttpAnswers.successful(response.statusCode())
                    ? null
                    : HttpAnswers.describe(json, response.statusCode(), response.body());
            return new Outcome(response.statusCode(), usages, executions, problem);
        } catch (IOException e) {
            return new Outcome(0, usages, executions, "cannot reach " + events + ": " + e);
        }
    }
}
