package dev.promptengine.analytics.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.NamedReports;
import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every analytics report exports as CSV and JSON Lines with the numbers its endpoint answers. */
class ReportExportIntegrationTests extends QueryApiTestSupport {

    private static final String FROM = TestData.at(-12, 0, 0).toString();
    private static final String TO = TestData.at(1, 0, 0).toString();

    @Test
    void theCostBreakdownsCsvHasTheApisExactCostsPerGroup() {
        var range = params("group_by", "model", "from", FROM, "to", TO);
        var api = get("/v1/analytics/cost-breakdown", range, ACME_ANALYST).json();
        var export = get("/v1/export/reports/cost-breakdown", range, ACME_ANALYST);

        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("text/csv");
        List<String> lines = Arrays.asList(export.body().split("\r\n"));
        List<String> columns = Arrays.asList(lines.get(0).split(","));
        assertThat(columns.get(0)).isEqualTo("section");
        var summary = lines.get(1).split(",", -1);
        assertThat(summary[0]).isEqualTo("summary");
        assertThat(summary[columns.indexOf("total_cost")])
                .isEqualTo(api.get("total_cost").asString());
        var exported = new HashMap<String, String>();
        for (String line : lines.subList(2, lines.size())) {
            var fields = line.split(",", -1);
            assertThat(fields[0]).isEqualTo("groups");
            exported.put(
                    fields[columns.indexOf("name")],
                    fields[columns.indexOf("total_cost")] + " n=" + fields[columns.indexOf("execution_count")]);
        }
        var expected = new HashMap<String, String>();
        api.get("groups")
                .forEach(g -> expected.put(
                        g.get("name").asString(),
                        g.get("total_cost").asString() + " n="
                                + g.get("execution_count").asLong()));
        assertThat(exported).isEqualTo(expected).hasSizeGreaterThan(2);
    }

    @Test
    void aGroupedTimeseriesExportsOneJsonLinePerPointCarryingItsSeries() {
        var query = params("metric", "cost", "group_by", "model", "from", FROM, "to", TO, "format", "jsonl");
        var api = get("/v1/analytics/timeseries", query, ACME_ANALYST).json();
        var export = get("/v1/export/reports/timeseries", query, ACME_ANALYST);

        assertThat(export.contentType()).startsWith("application/jsonl");
        var expected = new HashMap<String, String>();
        api.get("series")
                .forEach(series -> series.get("points")
                        .forEach(p -> expected.put(
                                series.get("name").asString() + " "
                                        + p.get("bucket_start").asString(),
                                p.get("value").asString())));
        var exported = new HashMap<String, String>();
        var lines = export.body().split("\n");
        assertThat(JSON.readTree(lines[0]).get("section").asString()).isEqualTo("summary");
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            var row = JSON.readTree(line);
            assertThat(row.get("section").asString()).isEqualTo("series.points");
            assertThat(row.get("value").isString())
                    .as("cost stays a decimal string")
                    .isTrue();
            exported.put(
                    row.get("name").asString() + " " + row.get("bucket_start").asString(),
                    row.get("value").asString());
        }
        assertThat(exported).isEqualTo(expected).hasSizeGreaterThan(20);
    }

    @Test
    void everyReportExportsForItsTenantOnlyAndIsAudited() {
        Map<String, Map<String, String>> extra = Map.of(
                "prompt-performance", params("prompt", "summarize"),
                "version-comparison", params("prompt", "summarize", "versions", "1,2"));
        long before = audited();
        for (String report : NamedReports.NAMES) {
            var query = params("from", FROM, "to", TO);
            query.putAll(extra.getOrDefault(report, Map.of()));
            var acme = get("/v1/export/reports/" + report, query, ACME_ANALYST);
            var globex = get("/v1/export/reports/" + report, query, GLOBEX_ANALYST);

            assertThat(acme.status()).as(report + ": " + acme.body()).isEqualTo(200);
            assertThat(acme.body().split("\r\n").length).as(report).isGreaterThan(1);
            assertThat(globex.status()).as(report).isEqualTo(200);
            assertThat(globex.body()).as(report).doesNotContain("classify").doesNotContain("claude-sonnet");
        }
        assertThat(audited()).isEqualTo(before + 2L * NamedReports.NAMES.size());
    }

    @Test
    void badParametersAre4xxProblemsNamingTheParameter() {
        var format = get("/v1/export/reports/usage-stats", params("format", "xml"), ACME_ANALYST);
        var unknown = get("/v1/export/reports/nothing", ACME_ANALYST);
        var noPrompt = get("/v1/export/reports/prompt-performance", ACME_ANALYST);
        var badLimit = get("/v1/export/reports/top-prompts", params("limit", "1000"), ACME_ANALYST);
        var publisher = get("/v1/export/reports/usage-stats", ACME_PUBLISHER);

        assertThat(format.status()).isEqualTo(400);
        assertThat(format.json().get("parameter").asString()).isEqualTo("format");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(noPrompt.status()).isEqualTo(400);
        assertThat(noPrompt.json().get("parameter").asString()).isEqualTo("prompt");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().get("parameter").asString()).isEqualTo("limit");
        assertThat(publisher.status()).isEqualTo(403);
    }

    private long audited() {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE endpoint = 'GET /v1/export/reports/{report}'")
                .query(Long.class)
                .single();
    }
}
