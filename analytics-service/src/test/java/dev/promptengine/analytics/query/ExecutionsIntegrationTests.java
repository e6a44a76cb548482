package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExecutionsIntegrationTests extends QueryApiTestSupport {

    @Test
    void pagesThroughTheLast7DaysNewestFirstWithACursor() {
        var seen = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var query = cursor == null ? params("limit", "5") : params("limit", "5", "cursor", cursor);
            var body = get("/v1/executions", query, ACME_ANALYST).json();
            body.get("executions")
                    .valueStream()
                    .forEach(e -> seen.add(e.get("id").asString()));
            cursor = body.get("next_cursor").isNull()
                    ? null
                    : body.get("next_cursor").asString();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen)
                .containsExactlyElementsOf(
                        ids("e12", "e11", "e10", "e9", "e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1"));
    }

    @Test
    void filtersByStatusMinimumCostErrorTextAndUser() {
        assertThat(ids(get("/v1/executions", params("status", "error"), ACME_ANALYST)))
                .containsExactlyElementsOf(ids("e11", "e10", "e9", "e8", "e3"));
        assertThat(ids(get("/v1/executions", params("min_cost", "0.001"), ACME_ANALYST)))
                .containsExactlyElementsOf(ids("e8", "e6", "e2", "e1"));
        assertThat(ids(get("/v1/executions", params("error_contains", "RATE"), ACME_ANALYST)))
                .containsExactlyElementsOf(ids("e3"));
        assertThat(ids(get("/v1/executions", params("error_contains", "%"), ACME_ANALYST)))
                .isEmpty();
        assertThat(ids(get("/v1/executions", params("user", "alice"), ACME_ANALYST)))
                .containsExactlyElementsOf(ids("e10", "e8", "e2", "e1"));
    }

    @Test
    void listsRowsWithExactCost() {
        var rows = get("/v1/executions", params("prompt", "classify", "status", "error"), ACME_ANALYST)
                .json()
                .get("executions");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("total_cost").asString()).isEqualTo("0.0002");
        assertThat(rows.get(0).get("error_type").asString()).isEqualTo("network");
        assertThat(rows.get(1).get("pricing_status").asString()).isEqualTo("unpriced");
        assertThat(rows.get(1).get("total_cost").isNull()).isTrue();
    }

    @Test
    void showsOneExecutionWithUsageMessagesAndCost() {
        var body = get("/v1/executions/" + TestData.id("e6"), ACME_ANALYST).json();

        assertThat(body.get("prompt_slug").asString()).isEqualTo("summarize");
        assertThat(body.get("model").asString()).isEqualTo("claude-sonnet");
        assertThat(body.get("tokens").get("input").asLong()).isEqualTo(300);
        assertThat(body.get("tokens").get("total").asLong()).isEqualTo(500);
        assertThat(body.get("messages").get(0).get("role").asString()).isEqualTo("user");
        assertThat(body.get("response_content").asString()).isEqualTo("A summary.");
        assertThat(body.get("cost").get("total_cost").asString()).isEqualTo("0.004");
        assertThat(body.get("cost").get("pricing_status").asString()).isEqualTo("priced");
        // fixture rows are written as before v2 (no cost_source): priced by the catalog at revision 0
        assertThat(body.get("cost").get("cost_revision").asInt()).isZero();
        assertThat(body.get("cost").has("cost_source")).isTrue();
        assertThat(body.get("usage").get("id").asString())
                .isEqualTo(TestData.EXECUTIONS.stream()
                        .filter(e -> e.id().equals(TestData.id("e6")))
                        .findFirst()
                        .orElseThrow()
                        .usageId()
                        .toString());
        assertThat(body.get("usage").get("rendered_content").asString()).isEqualTo("Summarize ticket T-1");
        assertThat(body.get("usage").get("parameters").get("ticket").asString()).isEqualTo("T-1");
    }

    @Test
    void hidesOtherTenantsExecutions() {
        var response = get("/v1/executions/" + TestData.id("e6"), GLOBEX_ANALYST);
        var globexList = ids(get("/v1/executions", GLOBEX_ANALYST));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(globexList).containsExactlyElementsOf(ids("g2", "g1"));
    }

    @Test
    void rejectsBadParameters() {
        assertThat(get("/v1/executions/not-a-uuid", ACME_ANALYST).status()).isEqualTo(400);
        assertThat(get("/v1/executions", params("status", "failed"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("status");
        assertThat(get("/v1/executions", params("min_cost", "cheap"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("min_cost");
        assertThat(get("/v1/executions", params("cursor", "garbage"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("cursor");
        assertThat(get("/v1/executions", params("limit", "501"), ACME_ANALYST).status())
                .isEqualTo(400);
    }

    private static List<String> ids(Response response) {
        return response.json()
                .get("executions")
                .valueStream()
                .map(e -> e.get("id").asString())
                .toList();
    }

    private static List<String> ids(String... names) {
        return Stream.of(names).map(n -> TestData.id(n).toString()).toList();
    }
}
