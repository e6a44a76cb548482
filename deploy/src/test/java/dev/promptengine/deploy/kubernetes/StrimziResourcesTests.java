package dev.promptengine.deploy.kubernetes;

import static dev.promptengine.deploy.kubernetes.Kustomization.list;
import static dev.promptengine.deploy.kubernetes.Kustomization.map;
import static dev.promptengine.deploy.kubernetes.Kustomization.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.PipelineAcls;
import dev.promptengine.service.topics.TopicsAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;

class StrimziResourcesTests {

    private static final Path GENERATED = Path.of("kubernetes", "base", "kafka");

    private static final String REGENERATE =
            "regenerate: java -cp \"$(cat deploy/target/classpath.txt):deploy/target/classes\""
                    + " dev.promptengine.deploy.kubernetes.StrimziResources deploy/kubernetes/base/kafka";

    @Test
    void theCommittedTopicsAndUsersAreTheGeneratedOnes() throws Exception {
        assertThat(Files.readString(GENERATED.resolve("topics.yaml")))
                .as(REGENERATE)
                .isEqualTo(StrimziResources.topics());
        assertThat(Files.readString(GENERATED.resolve("users.yaml")))
                .as(REGENERATE)
                .isEqualTo(StrimziResources.users());
    }

    @Test
    void everyTopicTheServicesDeclareIsAKafkaTopicWithTheSamePartitionsAndConfiguration() {
        var topics = Kustomization.load(GENERATED.resolve("topics.yaml"));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TopicsAutoConfiguration.class))
                .withPropertyValues("promptengine.topics.replication-factor=3")
                .run(context -> {
                    var declared = new DeclaredTopics(context).newTopics();
                    assertThat(topics).hasSameSizeAs(declared);
                    for (NewTopic topic : declared) {
                        var manifest = topics.stream()
                                .filter(t -> topic.name().equals(metadata(t).get("name")))
                                .findFirst()
                                .orElseThrow(() -> new AssertionError("no KafkaTopic " + topic.name()));
                        var spec = map(manifest.get("spec"));
                        assertThat(spec.get("partitions")).as(topic.name()).isEqualTo(topic.numPartitions());
                        assertThat(spec.get("replicas")).as(topic.name()).isEqualTo((int) topic.replicationFactor());
                        var config = new HashMap<String, String>();
                        map(spec.get("config")).forEach((key, value) -> config.put(key, String.valueOf(value)));
                        assertThat(config).as(topic.name()).containsEntry("min.insync.replicas", "2");
                        config.remove("min.insync.replicas");
                        assertThat(config)
                                .as(topic.name())
                                .isEqualTo(java.util.Objects.requireNonNullElse(topic.configs(), Map.of()));
                    }
                });
    }

    @Test
    void everyPrincipalHasExactlyThePipelinesAcls() {
        var users = Kustomization.load(GENERATED.resolve("users.yaml"));
        assertThat(users).hasSize(KafkaUser.values().length);
        for (var user : KafkaUser.values()) {
            var manifest = users.stream()
                    .filter(u -> user.username().equals(metadata(u).get("name")))
                    .findFirst()
                    .orElseThrow();
            var spec = map(manifest.get("spec"));
            assertThat(map(spec.get("authentication"))).containsEntry("type", "scram-sha-512");
            Set<String> granted = new HashSet<>();
            for (Object rule : list(map(spec.get("authorization")).get("acls"))) {
                var resource = map(map(rule).get("resource"));
                for (Object operation : list(map(rule).get("operations"))) {
                    granted.add(resource.get("type") + " " + resource.get("name") + " " + resource.get("patternType")
                            + " " + operation);
                }
            }
            Set<String> expected = new HashSet<>();
            for (AclBinding binding : PipelineAcls.of(user)) {
                var pattern = binding.pattern();
                String type = switch (pattern.resourceType()) {
                    case TOPIC -> "topic";
                    case GROUP -> "group";
                    case TRANSACTIONAL_ID -> "transactionalId";
                    default -> throw new AssertionError(pattern);
                };
                expected.add(type + " " + pattern.name() + " "
                        + (pattern.patternType() == PatternType.PREFIXED ? "prefix" : "literal") + " "
                        + StrimziResources.camelCase(binding.entry().operation().name()));
            }
            assertThat(granted).as(user.username()).isEqualTo(expected);
            assertThat(expected)
                    .as(user.username())
                    .hasSize(PipelineAcls.of(user).size());
        }
    }

    /** KafkaAdmin collects the NewTopic and NewTopics beans as it would create them on start. */
    private static final class DeclaredTopics extends KafkaAdmin {
        DeclaredTopics(org.springframework.context.ApplicationContext context) {
            super(Map.of());
            setApplicationContext(context);
        }

        @Override
        public java.util.Collection<NewTopic> newTopics() {
            return super.newTopics();
        }
    }

    @Test
    void aPipelineTopicMissingFromTheManifestsWouldBeNoticed() {
        Map<String, Object> anyTopic =
                Kustomization.load(GENERATED.resolve("topics.yaml")).get(0);
        assertThat(metadata(anyTopic).get("name")).isEqualTo("promptengine.usage.v1");
        assertThat(StrimziResources.topics()).contains("name: promptengine.apikeys.v1\n");
    }
}
