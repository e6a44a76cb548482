package dev.promptengine.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/events} to ingest-service with the publisher key. A batch goes out in requests
 * of at most {@code maxEventsPerRequest} events and {@code maxBodyBytes} bytes (ingest's
 * {@code max-batch-events} 1000 and {@code max-body-size} 5 MB by default). Ingest publishes a
 * request all-or-nothing, so a 503 is retried whole with the same ids; a 400/413/422 naming
 * events ({@code usages[3]}) refuses those and the rest is sent again at once.
 */
final class HttpTransport implements Transport {

    private static final Pattern EVENT_FIELD = Pattern.compile("\"field\"\\s*:\\s*\"(usages|executions)\\[(\\d+)]");
    private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpClient http;
    private final URI events;
    private final String authorization;
    private final Duration requestTimeout;
    private final int maxEventsPerRequest;
    private final int maxBodyBytes;
    private final Problems problems;

    HttpTransport(
            URI baseUrl,
            String apiKey,
            Duration connectTimeout,
            Duration requestTimeout,
            int maxEventsPerRequest,
            int maxBodyBytes,
            Problems problems) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String base = baseUrl.toString();
        this.events = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/events");
        this.authorization = "Bearer " + apiKey;
        this.requestTimeout = requestTimeout;
        this.maxEventsPerRequest = maxEventsPerRequest;
        this.maxBodyBytes = maxBodyBytes;
        this.problems = problems;
    }

    /** An event with its JSON text. */
    private record Encoded(Event event, String json, int bytes) {}

    @Override
    public Delivery send(List<Event> batch) {
        var rejected = new ArrayList<Event>();
        var chunk = new ArrayList<Encoded>();
        int chunkBytes = 0;
        Delivery result = Delivery.delivered();
        for (Event event : batch) {
            Encoded encoded = encode(event);
            if (encoded == null) {
                rejected.add(event);
                continue;
            }
            if (encoded.bytes() + 64 > maxBodyBytes) {
                problems.once(
                        "http-event-too-large",
                        "An event of " + encoded.bytes() + " bytes exceeds the request limit of " + maxBodyBytes
                                + " bytes and is rejected");
                rejected.add(event);
                continue;
            }
            if (chunk.size() == maxEventsPerRequest || chunkBytes + encoded.bytes() + 64 > maxBodyBytes) {
                result = result.plus(post(chunk));
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(encoded);
            chunkBytes += encoded.bytes() + 1;
        }
        if (!chunk.isEmpty()) {
            result = result.plus(post(chunk));
        }
        return result.plus(Delivery.rejected(rejected));
    }

    private Encoded encode(Event event) {
        try {
            String json = event instanceof Usage usage ? Json.usage(usage) : Json.execution((Execution) event);
            return new Encoded(event, json, utf8Length(json));
        } catch (RuntimeException | StackOverflowError e) {
            problems.once("encode", "Cannot write an event as JSON (" + e + "); it is rejected");
            return null;
        }
    }

    private Delivery post(List<Encoded> chunk) {
        var usages = new ArrayList<Encoded>();
        var executions = new ArrayList<Encoded>();
        for (Encoded encoded : chunk) {
            (encoded.event() instanceof Usage ? usages : executions).add(encoded);
        }
        String body = Json.batch(
                usages.stream().map(Encoded::json).toList(),
                executions.stream().map(Encoded::json).toList());
        var request = HttpRequest.newBuilder(events)
                .timeout(requestTimeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        List<Event> all = chunk.stream().map(Encoded::event).toList();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            problems.once("http-io", "ingest-service unreachable (" + e + "); retrying with backoff");
            return Delivery.retry(all, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.retry(all, null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        if (status == 408 || status == 429 || status >= 500) {
            return Delivery.retry(all, retryAfter(response));
        }
        String type = match(PROBLEM_TYPE, response.body());
        problems.once(
                "http-" + status + "-" + type,
                "ingest-service refused events: " + status + " " + abbreviate(response.body()));
        var refused = refusedIndexes(response.body(), usages, executions);
        if (refused.isEmpty() || refused.size() == chunk.size()) {
            return Delivery.rejected(all);
        }
        var rest = new ArrayList<Encoded>(chunk);
        rest.removeAll(refused);
        return Delivery.rejected(refused.stream().map(Encoded::event).toList()).plus(post(rest));
    }

    /** The events a problem names in its {@code errors[].field} ({@code usages[3].prompt_slug}). */
    private static List<Encoded> refusedIndexes(String body, List<Encoded> usages, List<Encoded> executions) {
        var usageIndexes = new TreeSet<Integer>();
        var executionIndexes = new TreeSet<Integer>();
        var matcher = EVENT_FIELD.matcher(body == null ? "" : body);
        while (matcher.find()) {
            int index = Integer.parseInt(matcher.group(2));
            (matcher.group(1).equals("usages") ? usageIndexes : executionIndexes).add(index);
        }
        var refused = new ArrayList<Encoded>();
        usageIndexes.stream().filter(i -> i < usages.size()).forEach(i -> refused.add(usages.get(i)));
        executionIndexes.stream().filter(i -> i < executions.size()).forEach(i -> refused.add(executions.get(i)));
        return refused;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        try {
            return header.map(value -> Duration.ofSeconds(Long.parseLong(value.trim())))
                    .orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String match(Pattern pattern, String body) {
        var matcher = pattern.matcher(body == null ? "" : body);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() <= 1000 ? body : body.substring(0, 1000) + "...";
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient#close exists from Java 21; on 17 its threads end with the client
    }
}
