package dev.promptengine.analytics.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageExportIntegrationTests extends QueryApiTestSupport {

    @Test
    void csvHasTheUsagesTheApiListsNewestFirst() {
        var api = apiIds("environment", "production");

        var csv = get("/v1/export/usages", params("environment", "production"), ACME_ANALYST);

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        var lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo(String.join(",", UsageExportController.HEADER));
        assertThat(Arrays.stream(lines).skip(1).map(line -> line.split(",")[0]).toList())
                .isNotEmpty()
                .isEqualTo(api);
    }

    @Test
    void jsonLinesCarryTheSameRowsAndFields() {
        var api = get("/v1/usages", params("limit", "500"), ACME_ANALYST).json().get("usages");

        var jsonl = get("/v1/export/usages", params("format", "jsonl"), ACME_ANALYST);

        assertThat(jsonl.contentType()).startsWith("application/jsonl");
        var lines = jsonl.body().split("\n");
        assertThat(lines).hasSize(api.size()).isNotEmpty();
        for (int i = 0; i < lines.length; i++) {
            var line = JSON.readTree(lines[i]);
            var expected = api.get(i);
            assertThat(line.get("id").asString()).isEqualTo(expected.get("id").asString());
            assertThat(line.get("prompt_slug").asString())
                    .isEqualTo(expected.get("prompt_slug").asString());
            assertThat(line.get("prompt_version").asInt())
                    .isEqualTo(expected.get("prompt_version").asInt());
            assertThat(line.get("environment").asString())
                    .isEqualTo(expected.get("environment").asString());
        }
    }

    @Test
    void anotherTenantExportsOnlyItsOwnUsages() {
        var acme = apiIds();
        var globex = get("/v1/export/usages", params("format", "jsonl"), GLOBEX_ANALYST);

        var ids = globex.body()
                .lines()
                .map(line -> JSON.readTree(line).get("id").asString())
                .toList();
        assertThat(ids).doesNotContainAnyElementsOf(acme);
    }

    @Test
    void rejectsAnUnknownFormatAndABadFilterNamingTheParameter() {
        var format = get("/v1/export/usages", params("format", "xml"), ACME_ANALYST);
        var from = get("/v1/export/usages", params("from", "yesterday"), ACME_ANALYST);
        var publisher = get("/v1/export/usages", ACME_PUBLISHER);

        assertThat(format.status()).isEqualTo(400);
        assertThat(format.contentType()).startsWith("application/problem+json");
        assertThat(format.json().get("parameter").asString()).isEqualTo("format");
        assertThat(from.status()).isEqualTo(400);
        assertThat(from.json().get("parameter").asString()).isEqualTo("from");
        assertThat(publisher.status()).isEqualTo(403);
    }

    private List<String> apiIds(String... filter) {
        var query = params(filter);
        query.put("limit", "500");
        var usages = get("/v1/usages", query, ACME_ANALYST).json().get("usages");
        return usages.valueStream().map(u -> u.get("id").asString()).toList();
    }
}
