package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.ingest.support.IngestServiceTestBase;
import dev.promptengine.testsupport.PathSpellings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of ingest-service, spelled every way decoding or normalisation could read
 * differently, without a key and with a key of another role: never accepted (no 2xx, so nothing is
 * published for anyone) and never a 5xx; the topics are unchanged afterwards.
 */
class PathSpellingIntegrationTests extends IngestServiceTestBase {

    private static final String USAGE = "{\"prompt_slug\":\"spelling\",\"prompt_version\":1}";

    private static final List<String> ENDPOINTS = List.of("/v1/usages", "/v1/executions", "/v1/events", "/v1/traces");

    @Test
    void everySpellingOfEveryEndpointWithoutAPublisherKeyIsRefusedAndPublishesNothing() throws Exception {
        var before = topics.rawEndOffsets();
        for (String endpoint : ENDPOINTS) {
            for (String spelling : PathSpellings.of(endpoint)) {
                for (String key : Arrays.asList(null, ANALYST_KEY, ADMIN_KEY)) {
                    int status = PathSpellings.status(port, "POST", spelling, key, USAGE);

                    assertThat(status).as("POST %s with key %s", spelling, key).isIn(400, 401, 403, 404, 405);
                }
            }
        }
        assertThat(topics.rawEndOffsets()).isEqualTo(before);
    }

    @Test
    void theCanonicalPathStillWorksForAPublisher() throws Exception {
        assertThat(PathSpellings.status(port, "POST", "/v1/usages", null, USAGE))
                .isEqualTo(401);
        assertThat(PathSpellings.status(port, "POST", "/v1/usages", PUBLISHER_KEY, USAGE))
                .isEqualTo(202);
        assertThat(PathSpellings.status(port, "POST", "/%761/usages", PUBLISHER_KEY, USAGE))
                .isEqualTo(400);
    }
}
