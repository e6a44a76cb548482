package dev.promptengine.e2e.dashboard;

import static dev.promptengine.e2e.dashboard.Pipeline.ADMIN_KEY;
import static dev.promptengine.e2e.dashboard.Pipeline.ANALYST_KEY;
import static dev.promptengine.e2e.dashboard.Pipeline.OTHER_PUBLISHER_KEY;
import static dev.promptengine.e2e.dashboard.Pipeline.PUBLISHER_KEY;
import static dev.promptengine.e2e.dashboard.Pipeline.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.e2e.dashboard.Traffic.Call;
import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestKafka;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium, on data that went through the whole pipeline: events
 * posted over HTTP to ingest-service, priced by cost-service, materialised and served by
 * analytics-service, each running from its executable jar on the real broker and database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIntegrationTests {

    private static final int CALLS = 160;

    private Pipeline pipeline;
    private Browser browser;
    private Traffic traffic;

    @BeforeAll
    void startPipelineAndPublishTraffic() throws Exception {
        pipeline = Pipeline.start();
        // given a day of traffic that ended six hours ago, and a little of another tenant's in the same window
        Instant from = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(30, ChronoUnit.HOURS);
        traffic = Traffic.generate(from, Duration.ofHours(24), CALLS);
        for (String batch : traffic.batches(40)) {
            pipeline.publish(PUBLISHER_KEY, batch);
        }
        var other = Traffic.generate(from, Duration.ofHours(24), 7);
        for (String batch : other.batches(40)) {
            pipeline.publish(OTHER_PUBLISHER_KEY, batch);
        }
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    JsonNode stats = pipeline.analytics("/v1/analytics/usage-stats", range());
                    assertThat(stats.get("total_executions").asLong()).isEqualTo(CALLS);
                    assertThat(stats.get("total_uses").asLong()).isEqualTo(CALLS);
                });
        browser = new Browser();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void signsInWithAnAnalystKeyKeptOnlyForTheTabAndSignsOutAgain() throws Exception {
        // given the page without a session
        browser.open(pipeline.dashboard("/"));
        browser.script("sessionStorage.clear()");
        browser.open(pipeline.dashboard("/?view=overview&" + rangeQuery()));
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#sign-in").isDisplayed()).isTrue());
        assertThat(browser.find("#view").getText()).isEmpty();
        browser.screenshot("01-sign-in");

        // when an unknown key is tried
        browser.find("#api-key").sendKeys("pe_ana_not-a-key");
        browser.find("#sign-in-button").click();

        // then the page says so and stays signed out
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.find("#sign-in-error").getText()).contains("not recognised"));
        assertThat(browser.find("#nav").isDisplayed()).isFalse();

        // when the analyst key is entered
        WebElement key = browser.find("#api-key");
        key.clear();
        key.sendKeys(ANALYST_KEY, Keys.ENTER);

        // then the overview shows the tenant's numbers; the key is in this tab's sessionStorage only
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(CALLS)));
        assertThat((String) browser.script("return sessionStorage.getItem('promptengine.session')"))
                .contains(ANALYST_KEY);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.currentUrl()).doesNotContain(ANALYST_KEY);
        assertThat(browser.find("a[data-view='pricing']").isDisplayed()).isFalse();

        // when signing out
        browser.find("#sign-out").click();

        // then the key is gone, the numbers are gone, and a reload stays signed out
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#sign-in").isDisplayed()).isTrue());
        assertThat(browser.script("return sessionStorage.getItem('promptengine.session')"))
                .isNull();
        assertThat(browser.find("#view").getText()).isEmpty();
        browser.open(pipeline.dashboard("/"));
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#sign-in").isDisplayed()).isTrue());
    }

    @Test
    void cardsShowExactlyTheApisAnswersForTheSameFilters() throws Exception {
        signIn(ANALYST_KEY);
        List<Map<String, String>> filterSets = List.of(
                Map.of(),
                Map.of("environment", "production"),
                Map.of("environment", "staging", "provider", "openai"),
                Map.of("prompt", "welcome-email", "version", "2"));
        for (var filters : filterSets) {
            // given the API's answer for a range and filters
            var parameters = range();
            parameters.putAll(filters);
            JsonNode stats = pipeline.analytics("/v1/analytics/usage-stats", parameters);
            assertThat(stats.get("total_executions").asLong())
                    .as("executions that went through the pipeline for %s", filters)
                    .isEqualTo(traffic.count(matching(filters)));

            // when the overview is opened with the same range and filters in its URL
            browser.open(pipeline.dashboard("/?view=overview&range=custom" + "&"
                    + Pipeline.query(parameters).substring(1)));

            // then every card shows the API's number
            eventually().untilAsserted(() -> {
                assertSameNumber("card-total-uses", stats.get("total_uses"));
                assertSameNumber("card-total-executions", stats.get("total_executions"));
                assertSameNumber("card-success-rate", stats.get("success_rate"));
                assertSameNumber("card-total-cost", stats.get("total_cost"));
                assertSameNumber("card-average-tokens", stats.get("average_tokens"));
                assertSameNumber("card-p95-latency", stats.get("p95_latency_ms"));
                assertThat(browser.cardText("card-total-executions"))
                        .isEqualTo(NumberFormat.getIntegerInstance(Locale.US)
                                .format(stats.get("total_executions").asLong()));
                assertThat(browser.cardText("card-success-rate")).endsWith("%");
                // money as a person reads it, the exact decimal kept in the tooltip's element
                BigDecimal total = new BigDecimal(stats.get("total_cost").asString());
                assertThat(browser.cardText("card-total-cost")).isEqualTo(readable(total));
                WebElement amount = browser.find("[data-testid='card-total-cost'] .value .money");
                assertThat(new BigDecimal(amount.getAttribute("data-exact"))).isEqualByComparingTo(total);
                assertThat(amount.getAttribute("title")).startsWith("$").endsWith(" exactly");
            });
            if (filters.isEmpty()) {
                awaitCharts();
                browser.screenshot("02-overview");
            }
        }
    }

    @Test
    void changingAFilterChangesTheNumbersAndTheUrl() throws Exception {
        // given the overview of the whole range
        signIn(ANALYST_KEY);
        browser.open(pipeline.dashboard("/?view=overview&" + rangeQuery()));
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(CALLS)));

        // when the environment filter is set to staging and applied
        browser.find("#f-environment").sendKeys("staging");
        browser.find("#apply-filters").click();

        // then the URL carries the filter and the cards show staging's numbers, as the API gives them
        long staging = traffic.count(call -> call.environment().equals("staging"));
        var parameters = range();
        parameters.put("environment", "staging");
        JsonNode stats = pipeline.analytics("/v1/analytics/usage-stats", parameters);
        assertThat(stats.get("total_executions").asLong()).isEqualTo(staging).isLessThan(CALLS);
        eventually().untilAsserted(() -> {
            assertThat(browser.currentUrl()).contains("environment=staging");
            assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(staging));
            assertSameNumber("card-total-cost", stats.get("total_cost"));
        });

        // and the shared URL opens the same view
        browser.open(browser.currentUrl());
        eventually().untilAsserted(() -> {
            assertThat(browser.find("#f-environment").getAttribute("value")).isEqualTo("staging");
            assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(staging));
        });
    }

    @Test
    void drillsDownFromTheExecutionsTableToOneExecution() throws Exception {
        // given the failed production executions of the range
        signIn(ANALYST_KEY);
        Predicate<Call> failedInProduction =
                call -> call.status().equals("error") && call.environment().equals("production");
        List<Call> expected = traffic.where(failedInProduction);
        assertThat(expected).isNotEmpty().hasSizeLessThan(50);

        // when the executions view is opened with those filters
        browser.open(pipeline.dashboard("/?view=executions&" + rangeQuery() + "&environment=production&status=error"));

        // then it lists exactly them
        eventually()
                .untilAsserted(() -> assertThat(ids())
                        .containsExactlyInAnyOrderElementsOf(expected.stream()
                                .map(call -> call.executionId().toString())
                                .toList()));
        browser.screenshot("04-executions");

        // when the first row is opened from the keyboard
        String id = ids().get(0);
        Call call = expected.stream()
                .filter(c -> c.executionId().toString().equals(id))
                .findFirst()
                .orElseThrow();
        eventually()
                .untilAsserted(() -> browser.find("tr[data-id='" + id + "'] a").sendKeys(Keys.ENTER));

        // then its detail shows what was sent, the error, tokens and the cost breakdown
        eventually().untilAsserted(() -> {
            assertThat(browser.currentUrl()).contains("view=execution&").contains("id=" + id);
            String detail = browser.find("[data-testid='execution-detail']").getText();
            assertThat(detail)
                    .contains(call.userMessage())
                    .contains(call.errorMessage())
                    .contains(call.model())
                    .contains(NumberFormat.getIntegerInstance(Locale.US).format(call.inputTokens()));
            assertThat(browser.find("[data-testid='cost-breakdown']").isDisplayed())
                    .isTrue();
        });
        browser.screenshot("05-execution");
    }

    @Test
    void pagesThroughEveryExecutionOfTheRangeOnce() throws Exception {
        // given the executions view of the whole range (160 executions, pages of 50)
        signIn(ANALYST_KEY);
        browser.open(pipeline.dashboard("/?view=executions&" + rangeQuery()));
        eventually().untilAsserted(() -> assertThat(browser.all("tr[data-id]")).hasSize(50));

        // when following Next page until the last page
        List<String> seen = new ArrayList<>(ids());
        for (int page = 2; page <= 4; page++) {
            List<String> previous = ids();
            browser.find("nav.pager button:last-of-type").click();
            int expectedPage = page;
            eventually().untilAsserted(() -> {
                assertThat(browser.find("nav.pager span").getText()).isEqualTo("Page " + expectedPage);
                assertThat(ids()).isNotEmpty().doesNotContainAnyElementsOf(previous);
            });
            seen.addAll(ids());
        }

        // then every execution was listed exactly once, and the last page says so
        assertThat(seen)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(traffic.calls().stream()
                        .map(call -> call.executionId().toString())
                        .toList());
        assertThat(browser.find("nav.pager button:last-of-type").isEnabled()).isFalse();

        // and Previous page goes back
        browser.find("nav.pager button:first-of-type").click();
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.find("nav.pager span").getText()).isEqualTo("Page 3"));
    }

    /** The listed execution ids, read in one script so a live refresh cannot interleave. */
    @SuppressWarnings("unchecked")
    private List<String> ids() {
        return (List<String>)
                browser.script("return [...document.querySelectorAll('tr[data-id]')].map(r => r.dataset.id)");
    }

    @Test
    void exportsTheCsvOfTheCurrentFilter() throws Exception {
        // given the executions view filtered to staging
        signIn(ANALYST_KEY);
        browser.open(pipeline.dashboard("/?view=executions&" + rangeQuery() + "&environment=staging"));
        eventually().untilAsserted(() -> assertThat(browser.all("tr[data-id]")).isNotEmpty());

        // when Export CSV is pressed
        browser.find("#export-csv").click();

        // then a CSV arrives in the downloads folder with exactly the staging executions
        Path csv = eventually().until(() -> csvIn(browser.downloads), file -> file != null);
        String content = Files.readString(csv);
        for (Call call : traffic.calls()) {
            if (call.environment().equals("staging")) {
                assertThat(content).contains(call.executionId().toString());
            } else {
                assertThat(content).doesNotContain(call.executionId().toString());
            }
        }
        assertThat(content.lines().skip(1).filter(line -> !line.isBlank()).count())
                .isEqualTo(traffic.count(call -> call.environment().equals("staging")));
    }

    @Test
    void pushesANewExecutionToAnOpenOverviewWithinTwoSecondsWithoutPolling() throws Exception {
        // given the overview of the last hour, polling left at its default, the push channel live, and
        // the page's fetch watched for every question it asks
        signIn(ANALYST_KEY);
        browser.open(pipeline.dashboard("/?view=overview&range=1h"));
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.cardValue("card-total-executions")).isNotEmpty());
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#live-mode").getText()).isEqualTo("· live"));
        eventually()
                .untilAsserted(() -> assertThat(browser.script("return document.querySelector("
                                + "\"[data-testid='chart-executions'] details.data table\") !== null"))
                        .isEqualTo(true));
        long before = Long.parseLong(browser.cardValue("card-total-executions"));
        long chartBefore = executionsInChart();
        browser.script("window.peNotReloaded = true; window.peAsked = []; const fetched = window.fetch;"
                + " window.fetch = function (input, init) {"
                + " window.peAsked.push(String(input instanceof Request ? input.url : input));"
                + " return fetched.apply(this, arguments); };");
        long watchedFrom = System.nanoTime();

        // when a usage and its execution are posted to ingest and become visible in the API
        Call live =
                Traffic.liveCall(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5));
        pipeline.publish(PUBLISHER_KEY, Traffic.batch(List.of(live)));
        var lastHour = parameters(
                "from",
                Instant.now().minus(1, ChronoUnit.HOURS).toString(),
                "to",
                Instant.now().plus(1, ChronoUnit.MINUTES).toString());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> pipeline.analytics("/v1/analytics/usage-stats", lastHour)
                                .get("total_executions")
                                .asLong()
                        == before + 1);

        // then the page shows it within 2 s, by itself, and says when it last updated
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .untilAsserted(() ->
                        assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(before + 1)));
        assertThat(browser.script("return window.peNotReloaded === true")).isEqualTo(true);
        assertThat(browser.find("#last-updated").getText()).matches("\\d{2}:\\d{2}:\\d{2} UTC");
        // and its executions chart follows from a pushed snapshot (charts come at most every 5 s)
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(executionsInChart()).isEqualTo(chartBefore + 1));
        // and, watched for longer than the 5 s polling interval, the page asked no question itself
        long watched = Duration.ofNanos(System.nanoTime() - watchedFrom).toMillis();
        if (watched < 6_000) {
            Thread.sleep(6_000 - watched);
        }
        assertThat(browser.script("return window.peAsked.filter(url => /\\/v1\\/(analytics|executions)/.test(url))"))
                .asList()
                .isEmpty();
    }

    /** The sum of the overview's executions chart, read from its data table (every status column). */
    private long executionsInChart() {
        Object sum = browser.script("return [...document.querySelectorAll("
                + "\"[data-testid='chart-executions'] details.data tbody td.num\")]"
                + ".reduce((s, td) => s + Number(td.textContent.replace(/[^0-9]/g, '') || 0), 0)");
        return ((Number) sum).longValue();
    }

    @Test
    void pushChannelSharesOneSnapshotPerFilterAndTellsAnotherTenantNothing() throws Exception {
        // given five dashboards with the same filters, one with other filters, and another tenant's analyst
        var same = parameters("range", "1h", "prompt", "welcome-email");
        var staging = parameters("range", "1h", "prompt", "welcome-email", "environment", "staging");
        var streams = new ArrayList<LiveStream>();
        try {
            for (int i = 0; i < 5; i++) {
                streams.add(pipeline.live(ANALYST_KEY, same));
            }
            LiveStream other = pipeline.live(Pipeline.OTHER_ANALYST_KEY, same);
            LiveStream stagingStream = pipeline.live(ANALYST_KEY, staging);
            streams.add(other);
            streams.add(stagingStream);
            eventually()
                    .untilAsserted(() -> assertThat(streams)
                            .allSatisfy(
                                    stream -> assertThat(stream.named("ready")).hasSize(1)));

            // when the dashboard tenant's pipeline commits a new execution
            Instant published = Instant.now();
            pipeline.publish(
                    PUBLISHER_KEY,
                    Traffic.batch(List.of(Traffic.liveCall(
                            Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3)))));

            // then the five receive the same snapshots (one computed per tick for all), with the new execution
            eventually().untilAsserted(() -> {
                for (var stream : streams.subList(0, 5)) {
                    List<LiveStream.Event> snapshots = stream.named("snapshot");
                    assertThat(snapshots).isNotEmpty();
                    JsonNode last =
                            pipeline.json(snapshots.get(snapshots.size() - 1).data());
                    assertThat(last.get("stats").get("total_executions").asLong())
                            .isPositive();
                    assertThat(last.get("executions").get(0).get("prompt_slug").asString())
                            .isEqualTo("welcome-email");
                    // since when the snapshot was due: the commit of what was published, heard of after it
                    assertThat(Instant.parse(last.get("changed_at").asString()))
                            .isAfter(published)
                            .isBefore(Instant.now());
                }
                assertThat(stagingStream.named("snapshot")).isNotEmpty();
            });
            Thread.sleep(1000); // anything still in flight arrives
            List<String> ids = streams.get(0).named("snapshot").stream()
                    .map(LiveStream.Event::id)
                    .toList();
            for (var stream : streams.subList(1, 5)) {
                assertThat(stream.named("snapshot").stream()
                                .map(LiveStream.Event::id)
                                .toList())
                        .isEqualTo(ids);
            }
            // and the other tenant's analyst hears nothing of it
            assertThat(other.named("snapshot")).isEmpty();
            assertThat(other.status()).isEqualTo(200);
        } finally {
            streams.forEach(LiveStream::close);
        }
        // the push channel is the API's: no key, no stream
        try (LiveStream anonymous = pipeline.live("pe_ana_not-a-key", same)) {
            eventually().untilAsserted(() -> assertThat(anonymous.status()).isEqualTo(401));
        }
    }

    @Test
    void promptPageComparesTwoVersionsWithTheApisSignificance() throws Exception {
        // given the API's performance of one prompt
        signIn(ANALYST_KEY);
        JsonNode performance = pipeline.analytics("/v1/analytics/prompts/welcome-email/performance", range());
        assertThat(performance.get("total_executions").asLong())
                .isEqualTo(traffic.count(call -> call.prompt().equals("welcome-email")));

        // when its page is opened comparing versions 1 and 2
        browser.open(pipeline.dashboard("/?view=prompt&slug=welcome-email&compare=1,2&" + rangeQuery()));

        // then it shows the same numbers and the comparison table with a significance column
        eventually().untilAsserted(() -> {
            assertSameNumber("prompt-total-executions", performance.get("total_executions"));
            assertSameNumber("prompt-error-rate", performance.get("error_rate"));
            var comparison = browser.find("[data-testid='comparison']");
            assertThat(comparison.getText()).contains("Version 1 vs version 2").contains("Significant?");
            assertThat(comparison.findElements(By.cssSelector("tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
        });
        awaitCharts();
        browser.screenshot("03-prompt");
    }

    @Test
    void adminSeesThePricingCatalogFromCostService() throws Exception {
        // given an admin key, and cost-service allowing the dashboard's origin
        signIn(ADMIN_KEY);

        // when the pricing view is opened
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("a[data-view='pricing']").isDisplayed())
                                .isTrue());
        browser.find("a[data-view='pricing']").click();

        // then it lists the catalog and resolves a model's price
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='price-catalog']").getText())
                        .contains("gpt-4o-mini"));
        browser.find("#r-provider").clear();
        browser.find("#r-provider").sendKeys("openai");
        browser.find("#r-model").clear();
        browser.find("#r-model").sendKeys("gpt-4o-mini", Keys.ENTER);
        eventually().untilAsserted(() -> {
            String resolved = browser.find("[data-testid='resolved']").getText();
            assertThat(resolved).contains("gpt-4o-mini").doesNotContain("Resolving");
            assertThat(browser.all("[data-testid='resolved'] .error")).isEmpty();
        });

        // and the catalog can be narrowed to one model family
        browser.find("#p-search").sendKeys("gpt-4o");
        eventually()
                .untilAsserted(() -> assertThat(browser.all("[data-testid='price-catalog'] tbody tr"))
                        .isNotEmpty()
                        .allSatisfy(row -> assertThat(row.getText()).contains("gpt-4o")));
        browser.screenshot("06-pricing");
    }

    @Test
    void unpricedCostIsShownAsUnknownNeverAsZero() throws Exception {
        // given executions of a model no price layer knows, in the hours before the day of priced traffic
        var unknown = Traffic.generate(traffic.from().minus(8, ChronoUnit.HOURS), Duration.ofHours(6), 5)
                .withModel("acme", "acme-chat-unpriced");
        for (String batch : unknown.batches(40)) {
            pipeline.publish(PUBLISHER_KEY, batch);
        }
        Map<String, String> alone = new HashMap<>(
                parameters("from", unknown.from().toString(), "to", unknown.to().toString()));
        Map<String, String> both = new HashMap<>(
                parameters("from", unknown.from().toString(), "to", traffic.to().toString()));
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(pipeline.analytics("/v1/analytics/usage-stats", alone)
                                .get("unpriced_executions")
                                .asLong())
                        .isEqualTo(5));
        JsonNode mixed = pipeline.analytics("/v1/analytics/usage-stats", both);
        assertThat(mixed.get("total_executions").asLong()).isEqualTo(CALLS + 5);
        assertThat(mixed.get("unpriced_executions").asLong()).isEqualTo(5);
        signIn(ANALYST_KEY);

        // when the overview shows only the unpriced hours
        browser.open(pipeline.dashboard(
                "/?view=overview&range=custom&" + Pipeline.query(alone).substring(1)));

        // then the total cost is unknown, never $0, and says how many executions it lacks
        eventually().untilAsserted(() -> {
            assertThat(browser.cardValue("card-total-executions")).isEqualTo("5");
            assertThat(browser.cardText("card-total-cost")).isEqualTo("unknown");
            assertThat(browser.find("[data-testid='card-total-cost'] [data-testid='unpriced-executions']")
                            .getText())
                    .isEqualTo("5 unpriced executions not included");
            assertThat(browser.find("[data-testid='chart-cost-unpriced']").getText())
                    .startsWith("5 unpriced executions in this range");
        });
        browser.screenshot("08-unpriced-cost");

        // when the range holds priced and unpriced executions
        browser.open(pipeline.dashboard(
                "/?view=overview&range=custom&" + Pipeline.query(both).substring(1)));

        // then the card shows the priced sum exactly and that 5 executions are not in it
        eventually().untilAsserted(() -> {
            assertSameNumber("card-total-cost", mixed.get("total_cost"));
            assertThat(browser.cardText("card-total-cost")).startsWith("$").endsWith(" + 5 unpriced");
            assertThat(browser.all("#top-title + div td.num .unpriced"))
                    .isNotEmpty()
                    .allSatisfy(cell -> assertThat(cell.getText()).matches("(\\$[\\d,.]+ \\+ \\d+ unpriced|unknown)"));
        });

        // and every unpriced execution in the list says "unpriced", not a dash or $0
        browser.open(pipeline.dashboard(
                "/?view=executions&range=custom&" + Pipeline.query(alone).substring(1)));
        eventually().untilAsserted(() -> {
            List<WebElement> rows = browser.all("[data-testid='executions'] tbody tr");
            assertThat(rows).hasSize(5);
            assertThat(rows)
                    .allSatisfy(row -> assertThat(row.findElements(By.cssSelector("td"))
                                    .get(7)
                                    .getText())
                            .isEqualTo("unpriced"));
        });
    }

    @Test
    void adminSeesBothPriceLayersTheirHistoryAndDiscounts() throws Exception {
        // given the tenant's own row for a model of the default catalog, edited once, and a discount
        JsonNode created = pipeline.pricing("POST", "/v1/prices", """
                {"provider": "openai", "model": "gpt-4.1-mini", "input_per_1m": "0.35", "output_per_1m": "1.40",
                 "effective_from": "2020-01-01T00:00:00Z", "reason": "negotiated contract 2026"}""", 201);
        String id = created.get("id").asString();
        Instant firstKnown = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(Duration.between(Instant.now(), firstKnown).plusMillis(600).toMillis());
        pipeline.pricing("PUT", "/v1/prices/" + id, """
                {"provider": "openai", "model": "gpt-4.1-mini", "input_per_1m": "0.30", "output_per_1m": "1.40",
                 "effective_from": "2020-01-01T00:00:00Z", "reason": "volume tier reached"}""", 200);
        pipeline.pricing("POST", "/v1/prices/discounts", """
                {"provider": "anthropic", "model": "claude-3-haiku-20240307", "percent": "22",
                 "effective_from": "2026-03-01T00:00:00Z", "reason": "enterprise agreement"}""", 201);
        signIn(ADMIN_KEY);

        // when the pricing view is opened
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("a[data-view='pricing']").isDisplayed())
                                .isTrue());
        browser.find("a[data-view='pricing']").click();

        // then it shows both layers, the tenant's row marked as such, and the discount
        eventually().untilAsserted(() -> {
            assertThat(browser.find("[data-testid='layer-counts']").getText()).contains(" default, 1 tenant");
            assertThat(browser.all("[data-testid='price-catalog'] tr[data-layer='default']"))
                    .isNotEmpty();
            assertThat(browser.find("[data-testid='discounts']").getText())
                    .contains("claude-3-haiku-20240307")
                    .contains("22%")
                    .contains("2026-03-01");
        });
        browser.find("#p-layer").sendKeys("Tenant rows");
        eventually().untilAsserted(() -> {
            List<WebElement> rows = browser.all("[data-testid='price-catalog'] tbody tr");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getAttribute("data-layer")).isEqualTo("tenant");
            assertThat(rows.get(0).getText())
                    .contains("tenant " + Pipeline.TENANT)
                    .contains("gpt-4.1-mini");
        });

        // when its history is opened
        browser.find("[data-history='" + id + "']").click();

        // then both versions are listed with who, why and what changed
        eventually().untilAsserted(() -> {
            List<WebElement> versions = browser.all("[data-testid='price-history'] tbody tr");
            assertThat(versions).hasSize(2);
            assertThat(versions.get(0).getText())
                    .contains("negotiated contract 2026")
                    .contains("dashboard-admin");
            assertThat(versions.get(1).getText())
                    .contains("volume tier reached")
                    .contains("input per 1m: $0.35 → $0.30");
        });
        browser.screenshot("09-pricing-layers");

        // and resolving the model says the tenant layer won, now at version 2 and as known before the edit at 1
        browser.find("#r-provider").clear();
        browser.find("#r-provider").sendKeys("openai");
        browser.find("#r-model").clear();
        browser.find("#r-model").sendKeys("gpt-4.1-mini", Keys.ENTER);
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='resolved-summary']").getText())
                        .isEqualTo("openai / gpt-4.1-mini: the tenant layer wins (version 2, exact match)."));
        browser.script(
                "document.getElementById('r-known-at').value = arguments[0]",
                firstKnown.toString().replace("Z", ""));
        browser.find("#r-model").sendKeys(Keys.ENTER);
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='resolved-summary']").getText())
                        .isEqualTo("openai / gpt-4.1-mini: the tenant layer wins (version 1, exact match)."));
    }

    @Test
    void sessionPageShowsEveryRenderAndCallInOrderWithTheExactTotal() throws Exception {
        // given one conversation: two renders that reached the LLM and a third that did not
        String session = "support-chat-" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = traffic.from().minus(11, ChronoUnit.HOURS);
        UUID[] usages = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        UUID[] calls = {UUID.randomUUID(), UUID.randomUUID()};
        pipeline.publish(PUBLISHER_KEY, sessionBatch(session, start, usages, calls));
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(pipeline.analytics("/v1/sessions/" + session, Map.of())
                                .get("events"))
                        .hasSize(5));
        JsonNode answer = pipeline.analytics("/v1/sessions/" + session, Map.of());
        BigDecimal total =
                new BigDecimal(answer.get("summary").get("total_cost").asString());
        BigDecimal sumOfCalls = answer.get("events")
                .valueStream()
                .filter(e -> e.get("type").asString().equals("execution"))
                .map(e -> new BigDecimal(e.get("total_cost").asString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).isPositive().isEqualByComparingTo(sumOfCalls);
        signIn(ANALYST_KEY);

        // when the session is opened
        browser.open(pipeline.dashboard("/?view=sessions&session=" + session));

        // then its events are listed in event-time order, each render before its call, with the exact total
        eventually().untilAsserted(() -> {
            List<String> rows = browser.all("[data-testid='session-events'] tbody tr").stream()
                    .map(row -> row.getAttribute("data-type") + ":" + row.getAttribute("data-id"))
                    .toList();
            assertThat(rows)
                    .containsExactly(
                            "usage:" + usages[0],
                            "execution:" + calls[0],
                            "usage:" + usages[1],
                            "execution:" + calls[1],
                            "usage:" + usages[2]);
            assertThat(new BigDecimal(browser.cardValue("session-cost"))).isEqualByComparingTo(total);
            assertThat(new BigDecimal(browser.find("[data-testid='session-exact-cost']")
                            .getText()
                            .replace("$", "")
                            .replace(",", "")))
                    .isEqualByComparingTo(total);
            assertThat(browser.cardText("session-cost")).isEqualTo(readable(total));
            assertThat(browser.cardText("session-renders")).isEqualTo("3");
        });
        browser.screenshot("10-session");

        // and the sessions list of that hour has it, with the end user
        Map<String, String> hour = parameters(
                "from", start.minus(1, ChronoUnit.MINUTES).toString(),
                "to", start.plus(1, ChronoUnit.HOURS).toString());
        browser.open(pipeline.dashboard(
                "/?view=sessions&range=custom&" + Pipeline.query(hour).substring(1)));
        eventually().untilAsserted(() -> {
            List<WebElement> rows = browser.all("[data-testid='sessions'] tbody tr");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getText()).contains(session).contains("customer-42");
        });

        // and the usages view of that hour lists the render that never reached an LLM, alone when asked
        browser.open(pipeline.dashboard("/?view=usages&has_execution=false&range=custom&"
                + Pipeline.query(hour).substring(1)));
        eventually().untilAsserted(() -> {
            List<WebElement> rows = browser.all("[data-testid='usages'] tbody tr");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getAttribute("data-id")).isEqualTo(usages[2].toString());
            assertThat(rows.get(0).getText()).contains("never reached an LLM");
        });
        browser.screenshot("11-usages");
        browser.open(pipeline.dashboard(
                "/?view=usages&range=custom&" + Pipeline.query(hour).substring(1)));
        eventually()
                .untilAsserted(() -> assertThat(browser.all("[data-testid='usages'] tbody tr").stream()
                                .map(row -> row.getAttribute("data-executions"))
                                .toList())
                        .containsExactly("0", "1", "1"));
    }

    private static String sessionBatch(String session, Instant start, UUID[] usages, UUID[] calls) {
        var usageJson = new ArrayList<String>();
        var callJson = new ArrayList<String>();
        for (int i = 0; i < usages.length; i++) {
            usageJson.add("""
                    {"id": "%s", "occurred_at": "%s", "prompt_slug": "support-reply", "prompt_version": 4,
                     "environment": "production", "session_id": "%s", "user_identifier": "customer-42",
                     "rendered_content": "Turn %d of the conversation"}""".formatted(usages[i], start.plusSeconds(60L * i), session, i + 1));
        }
        for (int i = 0; i < calls.length; i++) {
            callJson.add("""
                    {"id": "%s", "usage_id": "%s", "occurred_at": "%s", "prompt_slug": "support-reply",
                     "prompt_version": 4, "environment": "production", "provider": "openai", "model": "gpt-4o-mini",
                     "messages": [{"role": "user", "content": "Question %d"}], "response_content": "Answer %d",
                     "input_tokens": %d, "output_tokens": %d, "total_tokens": %d, "execution_time_ms": 700,
                     "status": "success"}""".formatted(
                            calls[i],
                            usages[i],
                            start.plusSeconds(60L * i + 1),
                            i + 1,
                            i + 1,
                            1200 + i,
                            300 + i,
                            1500 + 2 * i));
        }
        return "{\"usages\": [" + String.join(",", usageJson) + "], \"executions\": [" + String.join(",", callJson)
                + "]}";
    }

    @Test
    void adminSeesItsTenantsDeadLettersOfEveryServiceWithTheirReason() throws Exception {
        // given a usage of this tenant older than the raw retention, produced straight to Kafka
        var stale = PromptUsage.newBuilder()
                .setId(UUID.randomUUID())
                .setTenant(Pipeline.TENANT)
                .setOccurredAt(Instant.now().minus(Duration.ofDays(100)))
                .setPromptSlug("stale-backfill")
                .setPromptVersion(1)
                .setEnvironment("production")
                .setCaptureMode(CaptureMode.METADATA_ONLY)
                .build();
        String topic = Topics.USAGE.name();
        // and an execution cost-service cannot price (more cached than input tokens): its dead letter
        var inconsistent = LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(UUID.randomUUID())
                .setTenant(Pipeline.TENANT)
                .setOccurredAt(Instant.now().minus(Duration.ofHours(1)))
                .setPromptSlug("stale-backfill")
                .setPromptVersion(1)
                .setEnvironment("production")
                .setProvider("openai")
                .setModel("gpt-4o")
                .setInputTokens(100)
                .setCachedInputTokens(150)
                .setOutputTokens(10)
                .setTotalTokens(110)
                .setExecutionTimeMs(420)
                .setStatus(ExecutionStatus.SUCCESS)
                .setCaptureMode(CaptureMode.METADATA_ONLY)
                .build();
        try (var producer = new KafkaProducer<String, byte[]>(
                TestKafka.clientConfig(Map.of("acks", "all")), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic, stale.getId().toString(), new AvroSerializer<PromptUsage>().serialize(topic, stale)))
                    .get();
            String executions = Topics.EXECUTION.name();
            producer.send(new ProducerRecord<>(
                            executions,
                            inconsistent.getUsageId().toString(),
                            new AvroSerializer<LlmExecution>().serialize(executions, inconsistent)))
                    .get();
        }

        // when the admin opens the dead-letter view
        signIn(ADMIN_KEY);
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("a[data-view='dead-letters']").isDisplayed())
                        .isTrue());
        browser.find("a[data-view='dead-letters']").click();

        // then it counts and lists the record with its reason
        eventually().untilAsserted(() -> {
            assertThat(browser.find("[data-testid='dead-letter-counts']").getText())
                    .contains(topic)
                    .contains(Pipeline.TENANT)
                    .contains("outside_window");
            assertThat(browser.find("[data-testid='dead-letters']").getText())
                    .contains(stale.getId().toString())
                    .contains("older than the raw retention")
                    // dead-lettered by cost-service, collected by analytics-service
                    .contains(inconsistent.getId().toString())
                    .contains("exceed input_tokens (100)");
        });
        browser.screenshot("08-dead-letters");
        // and both are counted in the metrics by source topic, tenant and kind
        eventually()
                .untilAsserted(() -> assertThat(pipeline.analyticsMetrics())
                        .containsPattern(
                                "promptengine_analytics_dead_lettered_total\\{[^}]*kind=\"outside_window\",[^}]*tenant=\""
                                        + Pipeline.TENANT + "\",topic=\"" + Topics.USAGE.name() + "\"")
                        .containsPattern(
                                "promptengine_analytics_dead_lettered_total\\{[^}]*kind=\"invalid_field\",[^}]*tenant=\""
                                        + Pipeline.TENANT + "\",topic=\"" + Topics.EXECUTION.name() + "\""));
    }

    @Test
    void createsAnAlertRuleInTheDashboardAndSeesItFire() throws Exception {
        // given the analyst on the alerts view, with the tenant's traffic of the last two days
        signIn(ANALYST_KEY);
        browser.find("a[data-view='alerts']").click();
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='rule-form']").isDisplayed())
                        .isTrue());
        String name = "dashboard rule " + UUID.randomUUID().toString().substring(0, 8);
        browser.script("document.querySelector(\"[data-testid='rule-form'] [name='metric']\").value = 'executions'");
        browser.find("[data-testid='rule-form'] [name='name']").sendKeys(name);
        browser.find("[data-testid='rule-form'] [name='threshold']").sendKeys("10");

        // when a window the API refuses is submitted, the form shows the refusal naming the field
        var window = browser.find("[data-testid='rule-form'] [name='window']");
        window.clear();
        window.sendKeys("1m");
        browser.find("[data-testid='create-rule']").click();
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='rule-error']").getText())
                        .startsWith("window:")
                        .contains("between 5m and 30d"));
        assertThat(browser.find("[data-testid='alert-rules']").getText()).doesNotContain(name);

        // and then the rule "more than 10 executions over 2 days" is created
        window.clear();
        window.sendKeys("2d");
        browser.find("[data-testid='create-rule']").click();

        // then it is listed, fires at the next evaluation, and the navigation's badge counts it
        String row = "[data-testid='alert-rules'] tr[data-name='" + name + "']";
        eventually().untilAsserted(() -> {
            assertThat(browser.find(row + " [data-testid='rule-state']").getText())
                    .isEqualTo("firing");
            assertThat(browser.find("[data-testid='alerts-firing']").getText()).contains(name);
            assertThat(browser.find("[data-testid='firing-badge']").isDisplayed())
                    .isTrue();
            assertThat(Integer.parseInt(
                            browser.find("[data-testid='firing-badge']").getText()))
                    .isGreaterThanOrEqualTo(1);
        });
        JsonNode rules = pipeline.analytics("/v1/alerts/rules", Map.of());
        JsonNode rule = null;
        for (JsonNode r : rules.get("rules")) {
            if (r.get("name").asString().equals(name)) {
                rule = r;
            }
        }
        assertThat(rule).isNotNull();
        assertThat(rule.get("metric").asString()).isEqualTo("executions");
        assertThat(rule.get("window").asString()).isEqualTo("2d");
        assertThat(rule.get("state").get("state").asString()).isEqualTo("firing");
        assertThat(Long.parseLong(rule.get("state").get("last_value").asString()))
                .isGreaterThan(10);
        // and its history shows the transition
        browser.find(row + " button").click();
        eventually()
                .untilAsserted(() -> assertThat(
                                browser.find("[data-testid='alert-history']").getText())
                        .contains("firing"));
        browser.screenshot("12-alerts");
    }

    @Test
    void everyControlIsLabelledAndTheNarrowLayoutNeverScrollsSideways() throws Exception {
        signIn(ANALYST_KEY);
        browser.open(pipeline.dashboard("/?view=overview&" + rangeQuery()));
        eventually()
                .untilAsserted(() ->
                        assertThat(browser.cardValue("card-total-executions")).isEqualTo(String.valueOf(CALLS)));

        Object unlabelled = browser.script("""
                return [...document.querySelectorAll('input, select, textarea, button')]
                  .filter(el => el.offsetParent !== null)
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
                  .map(el => el.outerHTML)""");
        assertThat((List<?>) unlabelled).isEmpty();

        browser.size(Browser.NARROW);
        try {
            eventually()
                    .untilAsserted(() -> assertThat(
                                    browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                            .isEqualTo(true));
            awaitCharts();
            browser.screenshot("07-overview-narrow", false);
        } finally {
            browser.size(Browser.DESKTOP);
        }
    }

    @Test
    void formatsMoneyExactlyWithoutFloatingPoint() {
        // given the page's own formatting module, in the browser
        browser.open(pipeline.dashboard("/"));

        // when amounts with more digits than a double holds are formatted
        Object formatted = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                import('/js/format.js').then(f => done([
                  f.money('0.000450000000000000'),
                  f.money('12345678901234.123456789012345678'),
                  f.money('-0.1'),
                  f.money('7'),
                  f.money(null),
                  f.moneyRounded('2.82711445'),
                  f.moneyRounded('0.00020475'),
                  f.moneyRounded('1234.565'),
                  f.moneyRounded('0.0099999'),
                  f.moneyRounded('-0.004'),
                  f.moneyRounded('0')]));""");

        // then every digit survives, with thousands separators and at least two decimals
        assertThat(formatted)
                .isEqualTo(List.of(
                        "$0.00045",
                        "$12,345,678,901,234.123456789012345678",
                        "-$0.10",
                        "$7.00",
                        "–",
                        // rounded for reading: cents, or two significant digits below a cent
                        "$2.83",
                        "$0.00020",
                        "$1,234.57",
                        "$0.01",
                        "-$0.0040",
                        "$0.00"));
    }

    // ------------------------------------------------------------------------------------------

    private void signIn(String key) {
        browser.open(pipeline.dashboard("/"));
        browser.script("sessionStorage.clear()");
        browser.open(pipeline.dashboard("/?" + rangeQuery()));
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#sign-in").isDisplayed()).isTrue());
        browser.script("document.getElementById('pricing-base').value = arguments[0]", pipeline.costBaseUrl());
        browser.find("#api-key").sendKeys(key, Keys.ENTER);
        eventually()
                .untilAsserted(
                        () -> assertThat(browser.find("#nav").isDisplayed()).isTrue());
    }

    private Map<String, String> range() {
        return new HashMap<>(
                parameters("from", traffic.from().toString(), "to", traffic.to().toString()));
    }

    private String rangeQuery() {
        return "range=custom&" + Pipeline.query(range()).substring(1);
    }

    private static Predicate<Call> matching(Map<String, String> filters) {
        return call -> filters.entrySet().stream().allMatch(filter -> switch (filter.getKey()) {
            case "environment" -> call.environment().equals(filter.getValue());
            case "provider" -> call.provider().equals(filter.getValue());
            case "model" -> call.model().equals(filter.getValue());
            case "prompt" -> call.prompt().equals(filter.getValue());
            case "version" -> String.valueOf(call.version()).equals(filter.getValue());
            default -> throw new IllegalArgumentException(filter.getKey());
        });
    }

    private void assertSameNumber(String card, JsonNode apiValue) {
        String shown = browser.cardValue(card);
        if (apiValue == null || apiValue.isNull()) {
            assertThat(shown).as(card).isEmpty();
        } else {
            assertThat(new BigDecimal(shown)).as(card).isEqualByComparingTo(new BigDecimal(apiValue.asString()));
        }
    }

    /** What the page shows for an amount: cents from one cent up, two significant digits below, half up. */
    private static String readable(BigDecimal amount) {
        BigDecimal cent = new BigDecimal("0.01");
        BigDecimal rounded = amount.abs().compareTo(cent) >= 0 || amount.signum() == 0
                ? amount.setScale(2, RoundingMode.HALF_UP)
                : amount.round(new MathContext(2, RoundingMode.HALF_UP));
        if (rounded.abs().compareTo(cent) >= 0 && rounded.scale() > 2) {
            rounded = rounded.setScale(2, RoundingMode.HALF_UP);
        }
        String[] parts = rounded.abs().toPlainString().split("\\.");
        String whole = NumberFormat.getIntegerInstance(Locale.US).format(new BigDecimal(parts[0]));
        return (rounded.signum() < 0 ? "-$" : "$") + whole + "." + parts[1];
    }

    private void awaitCharts() {
        eventually()
                .untilAsserted(() -> assertThat(browser.all("figure.chart svg")).isNotEmpty());
    }

    private static Path csvIn(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".csv"))
                    .findFirst()
                    .orElse(null);
        }
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions();
    }
}
