package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sessions, users and usages over the known data set (TestData; default range: the 7 days before D0 12:30). */
class SessionsAndUsagesIntegrationTests extends QueryApiTestSupport {

    @Test
    void listsSessionsMostRecentlyActiveFirstWithExactTotals() {
        JsonNode sessions = get("/v1/sessions", ACME_ANALYST).json().get("sessions");

        assertThat(sessions.valueStream().map(s -> s.get("session_id").asString()))
                .containsExactly("s5", "s4", "s3", "s2", "s1");
        JsonNode s4 = sessions.get(1);
        assertThat(s4.get("user_identifier").asString()).isEqualTo("alice");
        assertThat(s4.get("first_at").asString()).isEqualTo(TestData.at(0, 3, 0).toString());
        assertThat(s4.get("last_at").asString())
                .isEqualTo(TestData.at(0, 11, 45).toString());
        assertThat(s4.get("usages").asLong()).isEqualTo(3); // e8's, e10's and the render without a call
        assertThat(s4.get("executions").asLong()).isEqualTo(2);
        assertThat(s4.get("errors").asLong()).isEqualTo(2);
        assertThat(s4.get("total_tokens").asLong()).isEqualTo(5050);
        assertThat(new BigDecimal(s4.get("total_cost").asString())).isEqualByComparingTo("0.005");
        assertThat(s4.get("unpriced_executions").asLong()).isEqualTo(1); // e10
        JsonNode s3 = sessions.get(2);
        assertThat(new BigDecimal(s3.get("total_cost").asString())).isEqualByComparingTo("0.00411");
        assertThat(sessions.get(3).get("errors").asLong()).isEqualTo(2); // s2: an error and a timeout
    }

    @Test
    void pagesSessionsWithACursorAndFilters() {
        var seen = new ArrayList<String>();
        String cursor = null;
        do {
            var query = cursor == null ? params("limit", "2") : params("limit", "2", "cursor", cursor);
            JsonNode body = get("/v1/sessions", query, ACME_ANALYST).json();
            body.get("sessions")
                    .valueStream()
                    .forEach(s -> seen.add(s.get("session_id").asString()));
            cursor = body.get("next_cursor").isNull()
                    ? null
                    : body.get("next_cursor").asString();
        } while (cursor != null);
        assertThat(seen).containsExactly("s5", "s4", "s3", "s2", "s1");

        assertThat(sessionIds(params("user", "alice"))).containsExactly("s4", "s1");
        assertThat(sessionIds(params("environment", "staging"))).containsExactly("s5", "s2");
        // provider keeps the sessions with a matching call, counting only those calls
        JsonNode anthropic = get("/v1/sessions", params("provider", "anthropic"), ACME_ANALYST)
                .json()
                .get("sessions");
        assertThat(anthropic.valueStream().map(s -> s.get("session_id").asString()))
                .containsExactly("s5", "s3");
        assertThat(anthropic.get(1).get("executions").asLong()).isEqualTo(2); // e6 and e9, not e7
    }

    @Test
    void showsOneSessionsEventsInOrderWithCost() {
        JsonNode body = get("/v1/sessions/s4", ACME_ANALYST).json();

        assertThat(body.get("truncated").asBoolean()).isFalse();
        assertThat(new BigDecimal(body.get("summary").get("total_cost").asString()))
                .isEqualByComparingTo("0.005");
        List<String> events = body.get("events")
                .valueStream()
                .map(e -> e.get("type").asString() + ":" + e.get("id").asString())
                .toList();
        assertThat(events)
                .containsExactly(
                        "usage:" + TestData.uuid("u-extra-1"),
                        "usage:" + TestData.uuid("usage-e8"),
                        "execution:" + TestData.id("e8"),
                        "usage:" + TestData.uuid("usage-e10"),
                        "execution:" + TestData.id("e10"));
        JsonNode e8 = body.get("events").get(2);
        assertThat(e8.get("usage_id").asString())
                .isEqualTo(TestData.uuid("usage-e8").toString());
        assertThat(e8.get("status").asString()).isEqualTo("error");
        assertThat(e8.get("input_tokens").asLong()).isEqualTo(5000);
        assertThat(new BigDecimal(e8.get("total_cost").asString())).isEqualByComparingTo("0.005");
        JsonNode e10 = body.get("events").get(4);
        assertThat(e10.get("pricing_status").asString()).isEqualTo("unpriced");
        assertThat(e10.get("total_cost").isNull()).isTrue();
    }

    @Test
    void showsOneUserAcrossSessions() {
        JsonNode body = get("/v1/users/alice", ACME_ANALYST).json();

        JsonNode total = body.get("total");
        assertThat(total.get("user_identifier").asString()).isEqualTo("alice");
        assertThat(total.get("usages").asLong()).isEqualTo(5);
        assertThat(total.get("executions").asLong()).isEqualTo(4);
        assertThat(total.get("errors").asLong()).isEqualTo(2);
        assertThat(new BigDecimal(total.get("total_cost").asString())).isEqualByComparingTo("0.008");
        assertThat(total.get("unpriced_executions").asLong()).isEqualTo(1);
        assertThat(body.get("sessions")
                        .valueStream()
                        .map(s -> s.get("session_id").asString()))
                .containsExactly("s4", "s1");
        assertThat(get("/v1/users/nobody", ACME_ANALYST).status()).isEqualTo(404);
        assertThat(get("/v1/users/alice", params("user", "bob"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("user");
    }

    @Test
    void listsUsagesWithTheirExecutionsAndRendersThatNeverReachedAnLlm() {
        JsonNode all =
                get("/v1/usages", params("limit", "500"), ACME_ANALYST).json().get("usages");
        // the 12 executions' renders in the range plus the two renders without a call
        assertThat(all).hasSize(14);
        JsonNode newest = all.get(0);
        assertThat(newest.get("id").asString())
                .isEqualTo(TestData.uuid("usage-e12").toString());
        assertThat(newest.get("executions").get(0).get("id").asString())
                .isEqualTo(TestData.id("e12").toString());

        JsonNode without = get("/v1/usages", params("has_execution", "false"), ACME_ANALYST)
                .json()
                .get("usages");
        assertThat(without.valueStream().map(u -> u.get("id").asString()))
                .containsExactly(
                        TestData.uuid("u-extra-1").toString(),
                        TestData.uuid("u-extra-2").toString());
        assertThat(without.get(0).get("executions")).isEmpty();
        assertThat(get("/v1/usages", params("has_execution", "true", "limit", "500"), ACME_ANALYST)
                        .json()
                        .get("usages"))
                .hasSize(12);

        JsonNode one =
                get("/v1/usages/" + TestData.uuid("usage-e6"), ACME_ANALYST).json();
        assertThat(one.get("prompt_slug").asString()).isEqualTo("summarize");
        assertThat(one.get("executions").valueStream().map(e -> e.get("id").asString()))
                .containsExactly(TestData.id("e6").toString());
    }

    @Test
    void keepsEveryTenantToItsOwnSessionsUsersAndUsages() {
        assertThat(get("/v1/sessions/s4", GLOBEX_ANALYST).status()).isEqualTo(404);
        assertThat(get("/v1/users/alice", GLOBEX_ANALYST).status()).isEqualTo(404);
        assertThat(get("/v1/usages/" + TestData.uuid("usage-e6"), GLOBEX_ANALYST)
                        .status())
                .isEqualTo(404);
        assertThat(get("/v1/sessions", GLOBEX_ANALYST)
                        .json()
                        .get("sessions")
                        .valueStream()
                        .map(s -> s.get("session_id").asString()))
                .containsExactly("z1");
        assertThat(get("/v1/sessions", ACME_PUBLISHER).status()).isEqualTo(403);
        assertThat(get("/v1/usages", "not-a-key").status()).isEqualTo(401);
    }

    @Test
    void rejectsBadParameters() {
        assertThat(parameterOf(get("/v1/usages", params("has_execution", "maybe"), ACME_ANALYST)))
                .isEqualTo("has_execution");
        assertThat(parameterOf(get("/v1/usages", params("provider", "openai"), ACME_ANALYST)))
                .isEqualTo("provider");
        assertThat(parameterOf(get("/v1/sessions", params("cursor", "garbage"), ACME_ANALYST)))
                .isEqualTo("cursor");
        assertThat(parameterOf(get("/v1/sessions", params("limit", "501"), ACME_ANALYST)))
                .isEqualTo("limit");
        assertThat(get("/v1/usages/not-a-uuid", ACME_ANALYST).status()).isEqualTo(400);
    }

    private List<String> sessionIds(java.util.Map<String, String> query) {
        return get("/v1/sessions", query, ACME_ANALYST)
                .json()
                .get("sessions")
                .valueStream()
                .map(s -> s.get("session_id").asString())
                .toList();
    }

    private static String parameterOf(Response response) {
        assertThat(response.status()).isEqualTo(400);
        return response.json().get("parameter").asString();
    }
}
