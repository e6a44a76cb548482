package dev.promptengine.analytics.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionExportIntegrationTests extends QueryApiTestSupport {

    @Test
    void exportsTheLast7DaysAsCsvNewestFirst() {
        var response = get("/v1/export/executions.csv", ACME_ANALYST);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/csv");
        List<String> lines = Arrays.asList(response.body().split("\r\n"));
        assertThat(lines).hasSize(13);
        assertThat(lines.get(0)).isEqualTo(String.join(",", ExecutionExportController.HEADER));
        assertThat(lines.get(1)).startsWith(TestData.id("e12") + "," + TestData.at(0, 12, 20) + ",");
        assertThat(lines.get(12)).startsWith(TestData.id("e1").toString());
    }

    @Test
    void writesExactCostAndEmptyCostForUnpriced() {
        var lines = get("/v1/export/executions.csv", params("prompt", "classify", "status", "error"), ACME_ANALYST)
                .body()
                .split("\r\n");

        assertThat(lines).hasSize(3);
        assertThat(lines[1])
                .endsWith(",classify,1,staging,anthropic,claude-sonnet,dave,s5,error,network,connection reset by peer,"
                        + "60,0,60,0,0,700,priced,0.0002");
        assertThat(lines[2]).endsWith(",error,authentication,Invalid API key,50,0,50,0,0,100,unpriced,");
    }

    @Test
    void exportsTheSameRowsAsJsonLinesWithExactCostStrings() {
        var response =
                get("/v1/export/executions.jsonl", params("prompt", "classify", "status", "error"), ACME_ANALYST);
        var csv = get("/v1/export/executions.csv", params("prompt", "classify", "status", "error"), ACME_ANALYST)
                .body()
                .split("\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/jsonl");
        var lines = response.body().split("\n");
        assertThat(lines).hasSize(csv.length - 1);
        var priced = JSON.readTree(lines[0]);
        var unpriced = JSON.readTree(lines[1]);
        assertThat(priced.propertyNames()).containsExactly(ExecutionExportController.HEADER);
        assertThat(priced.get("id").asString()).isEqualTo(csv[1].substring(0, csv[1].indexOf(',')));
        assertThat(priced.get("error_message").asString()).isEqualTo("connection reset by peer");
        assertThat(priced.get("total_cost").isString()).isTrue();
        assertThat(priced.get("total_cost").asString()).isEqualTo("0.0002");
        assertThat(priced.get("execution_time_ms").isNumber()).isTrue();
        assertThat(priced.get("execution_time_ms").asLong()).isEqualTo(700);
        assertThat(unpriced.get("pricing_status").asString()).isEqualTo("unpriced");
        assertThat(unpriced.get("total_cost").isNull()).isTrue();
        assertThat(get("/v1/export/executions.jsonl", GLOBEX_ANALYST).body().split("\n"))
                .hasSize(2);
    }

    @Test
    void appliesTheDrillDownFiltersAndTenant() {
        var errors = get("/v1/export/executions.csv", params("error_contains", "rate limit"), ACME_ANALYST)
                .body()
                .split("\r\n");
        var globex = get("/v1/export/executions.csv", GLOBEX_ANALYST).body().split("\r\n");

        assertThat(errors).hasSize(2);
        assertThat(errors[1]).startsWith(TestData.id("e3").toString());
        assertThat(globex).hasSize(3);
    }

    @Test
    void quotesFieldsWithCommasQuotesAndFormulaPrefixes() {
        assertThat(CsvWriter.escape("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvWriter.escape("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvWriter.escape("=SUM(A1)")).isEqualTo("\"'=SUM(A1)\"");
        assertThat(CsvWriter.escape("-0.5")).isEqualTo("-0.5");
        assertThat(CsvWriter.escape(null)).isEmpty();
    }

    @Test
    void rejectsBadFiltersBeforeStreaming() {
        var response = get("/v1/export/executions.csv", params("from", "yesterday"), ACME_ANALYST);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }
}
