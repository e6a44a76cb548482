package dev.promptengine.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.PipelineAcls;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ComposeAccessScriptTests {

    private static final Path COMMITTED = Path.of("compose", "kafka-access.sh");

    @Test
    void theCommittedComposeScriptIsTheOneGeneratedFromThePipelinesAcls() throws Exception {
        assertThat(Files.readString(COMMITTED))
                .as(
                        "regenerate: java -cp ... dev.promptengine.deploy.kafka.ComposeAccessScript deploy/compose/kafka-access.sh")
                .isEqualTo(ComposeAccessScript.script());
    }

    @Test
    void everyPrincipalAndEveryAclIsInTheScript() {
        String script = ComposeAccessScript.script();
        for (var user : KafkaUser.values()) {
            assertThat(script).contains("--entity-name " + user.username() + " --add-config");
        }
        // every binding once: a line per principal, operation and resource type naming its resources
        long resources = script.lines()
                .filter(line -> line.startsWith("acl "))
                .mapToLong(line -> line.split(" --(topic|group|transactional-id|cluster) ", -1).length - 1)
                .sum();
        assertThat(resources).isEqualTo(PipelineAcls.all().size());
        assertThat(script)
                .contains("acl --allow-principal User:ingest-service --operation Write --topic promptengine.usage.v1"
                        + " --topic promptengine.execution.v1\n")
                .contains("--operation DescribeConfigs")
                .contains("acl --allow-principal User:cost-service --operation Write --resource-pattern-type prefixed"
                        + " --transactional-id cost-\n");
    }
}
