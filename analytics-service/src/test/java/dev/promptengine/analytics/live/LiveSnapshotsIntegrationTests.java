package dev.promptengine.analytics.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The push channel's snapshots: their charts are the overview's own answers from {@code
 * /v1/analytics}, and however often commits arrive, a group gets at most one snapshot a second and
 * charts at most every five seconds, with one more snapshot bringing the charts up to date when
 * the commits stop. Commits are announced to the hub directly (the commit listener's part is
 * covered end to end in e2e).
 */
class LiveSnapshotsIntegrationTests extends QueryApiTestSupport {

    @Autowired
    LiveHub hub;

    /** A received snapshot and when it arrived ({@link System#nanoTime()}). */
    record Snapshot(long arrived, JsonNode body) {
        boolean hasCharts() {
            return body.has("charts");
        }
    }

    @Test
    void aSnapshotsChartsAndStatsAreTheApisAnswersForItsRange() throws Exception {
        // given a subscriber of the last 24 hours (the clock is fixed, so the range is NOW-24h..NOW)
        var range = params("from", TestData.NOW.minus(Duration.ofHours(24)).toString(), "to", TestData.NOW.toString());
        try (LiveStream stream = subscribe("range=24h")) {
            // when acme's facts change
            hub.committed(Set.of(TestData.ACME));

            // then its first snapshot carries the charts, each equal to the API's answer
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.snapshots.isEmpty());
            JsonNode snapshot = stream.snapshots.get(0).body();
            JsonNode charts = snapshot.get("charts");
            assertThat(charts).as(snapshot.toString()).isNotNull();
            assertThat(charts.get("bucket").asString()).isEqualTo("hour");
            assertThat(snapshot.get("stats")).isEqualTo(api("/v1/analytics/usage-stats", range));
            assertThat(charts.get("cost")).isEqualTo(timeseries(range, "cost", null));
            assertThat(charts.get("executions_by_status")).isEqualTo(timeseries(range, "executions", "status"));
            assertThat(charts.get("p50_latency_ms")).isEqualTo(timeseries(range, "p50_latency_ms", null));
            assertThat(charts.get("p95_latency_ms")).isEqualTo(timeseries(range, "p95_latency_ms", null));
            assertThat(charts.get("p99_latency_ms")).isEqualTo(timeseries(range, "p99_latency_ms", null));
            assertThat(charts.get("top_prompts"))
                    .isEqualTo(api("/v1/analytics/top-prompts", with(range, "limit", "10")));
            assertThat(charts.get("error_analysis")).isEqualTo(api("/v1/analytics/error-analysis", range));
            assertThat(charts.get("executions_by_status").get("series")).isNotEmpty();
            assertThat(snapshot.get("charts_changed_at").asString())
                    .isEqualTo(snapshot.get("changed_at").asString());
        }
    }

    @Test
    void commitsEvery50MillisecondsGiveOneSnapshotASecondAndChartsEveryFiveSeconds() throws Exception {
        try (LiveStream stream = subscribe("range=7d&environment=production")) {
            // when acme's facts change every 50 ms for 6.5 s
            long start = System.nanoTime();
            while (System.nanoTime() - start < Duration.ofMillis(6_500).toNanos()) {
                hub.committed(Set.of(TestData.ACME));
                Thread.sleep(50);
            }
            long stopped = System.nanoTime();

            // then, once the commits stop, one more snapshot brings the charts up to date (no new stats)
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stream.snapshots.stream()
                            .anyMatch(s -> s.arrived() > stopped
                                    && s.hasCharts()
                                    && s.body().get("changed_at").isNull()));
            Thread.sleep(1_500); // and nothing after it: nothing changed
            List<Snapshot> snapshots = List.copyOf(stream.snapshots);
            assertThat(snapshots
                            .get(snapshots.size() - 1)
                            .body()
                            .get("changed_at")
                            .isNull())
                    .isTrue();

            // at most one snapshot a second: 6.5 s of commits give 6 or 7 (and one after the last commit)
            long during = snapshots.stream().filter(s -> s.arrived() <= stopped).count();
            assertThat(during).as(arrivals(snapshots, start)).isBetween(6L, 8L);
            // (gaps are measured on arrival, and a snapshot with charts takes longer to compute than
            // one without, so a gap after one can be shorter than the hub's own interval by that much)
            for (int i = 1; i < snapshots.size(); i++) {
                assertThat(gap(snapshots.get(i - 1), snapshots.get(i)))
                        .as(arrivals(snapshots, start))
                        .isGreaterThanOrEqualTo(700);
            }
            // charts in the first, then at most every 5 s: the first, one about 5 s later, the catch-up
            var withCharts = snapshots.stream().filter(Snapshot::hasCharts).toList();
            assertThat(snapshots.get(0).hasCharts()).isTrue();
            assertThat(withCharts).as(arrivals(snapshots, start)).hasSize(3);
            for (int i = 1; i < withCharts.size(); i++) {
                assertThat(gap(withCharts.get(i - 1), withCharts.get(i)))
                        .as(arrivals(snapshots, start))
                        .isGreaterThanOrEqualTo(4_700);
            }
            // every snapshot before the catch-up brings new stats and says since when it was due
            snapshots
                    .subList(0, snapshots.size() - 1)
                    .forEach(
                            s -> assertThat(s.body().get("changed_at").isNull()).isFalse());
        }
    }

    private static long gap(Snapshot earlier, Snapshot later) {
        return Duration.ofNanos(later.arrived() - earlier.arrived()).toMillis();
    }

    private static String arrivals(List<Snapshot> snapshots, long start) {
        return snapshots.stream()
                .map(s -> Duration.ofNanos(s.arrived() - start).toMillis() + (s.hasCharts() ? " ms+charts" : " ms"))
                .toList()
                .toString();
    }

    private JsonNode timeseries(Map<String, String> range, String metric, String groupBy) {
        var query = with(with(range, "metric", metric), "bucket", "hour");
        return api("/v1/analytics/timeseries", groupBy == null ? query : with(query, "group_by", groupBy));
    }

    private JsonNode api(String path, Map<String, String> query) {
        var answer = get(path, query, ACME_ANALYST);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static Map<String, String> with(Map<String, String> query, String name, String value) {
        var copy = new LinkedHashMap<>(query);
        copy.put(name, value);
        return copy;
    }

    /** An open /v1/live stream of acme's analyst that collects the snapshots as they arrive. */
    private LiveStream subscribe(String query) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/live?" + query))
                .header("Authorization", "Bearer " + ACME_ANALYST)
                .header("Accept", "text/event-stream")
                .build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        var stream = new LiveStream(response.body());
        var reader = new Thread(stream::read, "live-test-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.ready);
        return stream;
    }

    private static final class LiveStream implements AutoCloseable {
        final InputStream body;
        final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
        volatile boolean ready;

        LiveStream(InputStream body) {
            this.body = body;
        }

        void read() {
            var event = new ArrayList<String>();
            try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        take(event);
                        event.clear();
                    } else {
                        event.add(line);
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        void take(List<String> lines) {
            String name = null;
            var data = new StringBuilder();
            for (String line : lines) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
            if ("ready".equals(name)) {
                ready = true;
            } else if ("snapshot".equals(name)) {
                snapshots.add(new Snapshot(System.nanoTime(), JSON.readTree(data.toString())));
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
