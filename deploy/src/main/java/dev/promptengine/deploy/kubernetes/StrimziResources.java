package dev.promptengine.deploy.kubernetes;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.PipelineAcls;
import dev.promptengine.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;

/**
 * Writes {@code deploy/kubernetes/base/kafka/topics.yaml} and {@code users.yaml}: a Strimzi
 * {@code KafkaTopic} for every topic the services declare (the same partitions and configuration
 * as service-support's {@code TopicsAutoConfiguration}, with replication factor 3 and
 * {@code min.insync.replicas} 2), and a {@code KafkaUser} per principal of {@link KafkaUser} with
 * exactly the ACLs of {@link PipelineAcls}. {@code StrimziResourcesTests} fails when the committed
 * files differ from what this generates.
 *
 * <p>Usage: {@code StrimziResources <directory>}.
 */
public final class StrimziResources {

    static final String CLUSTER = "promptengine";
    static final int PARTITIONS = 6;
    static final int REPLICAS = 3;
    static final int MIN_IN_SYNC_REPLICAS = 2;

    /** As service-support's TopicsAutoConfiguration: dead letters stay replayable as long as raw facts. */
    static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(90);

    static final int DEAD_LETTER_MAX_BYTES = 2 * 1024 * 1024;

    public static void main(String[] args) throws IOException {
        var directory = Path.of(args[0]);
        Files.writeString(directory.resolve("topics.yaml"), topics());
        Files.writeString(directory.resolve("users.yaml"), users());
    }

    static String topics() {
        var yaml = new StringBuilder(header("the schemas' Topics, configured as TopicsAutoConfiguration does"));
        for (var topic : Topics.ALL) {
            var config = new LinkedHashMap<String, String>();
            if (topic == Topics.PRICING || topic == Topics.PRICING_DISCOUNTS) {
                config.put("cleanup.policy", "compact");
                config.put("min.compaction.lag.ms", "0");
            }
            topic(yaml, topic.name(), PARTITIONS, config);
            var deadLetter = new LinkedHashMap<String, String>();
            deadLetter.put("retention.ms", Long.toString(DEAD_LETTER_RETENTION.toMillis()));
            deadLetter.put("max.message.bytes", Integer.toString(DEAD_LETTER_MAX_BYTES));
            topic(yaml, topic.deadLetter(), PARTITIONS, deadLetter);
        }
        // compacted, one partition: a handful of small records every instance reads whole
        topic(yaml, Topics.API_KEYS.name(), 1, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));
        // alert transitions (analytics-service publishes, other services subscribe); no dead-letter topic
        topic(yaml, Topics.ALERT.name(), PARTITIONS, Map.of());
        return yaml.toString();
    }

    static String users() {
        var yaml = new StringBuilder(header("the access module's PipelineAcls"));
        for (var user : KafkaUser.values()) {
            yaml.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1\n")
                    .append("kind: KafkaUser\n")
                    .append("metadata:\n")
                    .append("  name: ")
                    .append(user.username())
                    .append('\n');
            labels(yaml);
            yaml.append("spec:\n")
                    .append("  # the user operator writes the generated password to the Secret ")
                    .append(user.username())
                    .append(" (key password)\n")
                    .append("  authentication:\n")
                    .append("    type: scram-sha-512\n")
                    .append("  authorization:\n")
                    .append("    type: simple\n")
                    .append("    acls:\n");
            // one rule per resource, naming all its operations, in PipelineAcls' order
            Map<String, Set<String>> operations = new LinkedHashMap<>();
            Map<String, AclBinding> resources = new LinkedHashMap<>();
            for (AclBinding binding : PipelineAcls.of(user)) {
                var pattern = binding.pattern();
                String key = pattern.resourceType() + "\u0000" + pattern.name() + "\u0000" + pattern.patternType();
                resources.putIfAbsent(key, binding);
                operations
                        .computeIfAbsent(key, k -> new LinkedHashSet<>())
                        .add(camelCase(binding.entry().operation().name()));
            }
            resources.forEach((key, binding) -> {
                var pattern = binding.pattern();
                yaml.append("      - resource:\n")
                        .append("          type: ")
                        .append(resourceType(pattern.resourceType().name()))
                        .append('\n');
                if (!pattern.resourceType().name().equals("CLUSTER")) {
                    yaml.append("          name: ").append(pattern.name()).append('\n');
                    yaml.append("          patternType: ")
                            .append(pattern.patternType() == PatternType.PREFIXED ? "prefix" : "literal")
                            .append('\n');
                }
                yaml.append("        operations:\n");
                for (String operation : operations.get(key)) {
                    yaml.append("          - ").append(operation).append('\n');
                }
            });
        }
        return yaml.toString();
    }

    private static void topic(StringBuilder yaml, String name, int partitions, Map<String, String> extra) {
        yaml.append("---\n")
                .append("apiVersion: kafka.strimzi.io/v1\n")
                .append("kind: KafkaTopic\n")
                .append("metadata:\n")
                .append("  name: ")
                .append(name)
                .append('\n');
        labels(yaml);
        var config = new ArrayList<Map.Entry<String, String>>();
        config.add(Map.entry("min.insync.replicas", Integer.toString(MIN_IN_SYNC_REPLICAS)));
        extra.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(config::add);
        yaml.append("spec:\n")
                .append("  partitions: ")
                .append(partitions)
                .append('\n')
                .append("  replicas: ")
                .append(REPLICAS)
                .append('\n')
                .append("  config:\n");
        for (var entry : config) {
            yaml.append("    ")
                    .append(entry.getKey())
                    .append(": ")
                    .append(entry.getValue())
                    .append('\n');
        }
    }

    private static void labels(StringBuilder yaml) {
        yaml.append("  labels:\n")
                .append("    strimzi.io/cluster: ")
                .append(CLUSTER)
                .append('\n')
                .append("    app.kubernetes.io/part-of: promptengine\n");
    }

    private static String header(String source) {
        return """
                # Generated by dev.promptengine.deploy.kubernetes.StrimziResources from %s;
                # do not edit (StrimziResourcesTests fails when it differs). Regenerate:
                #   java -cp "$(cat deploy/target/classpath.txt):deploy/target/classes" \\
                #     dev.promptengine.deploy.kubernetes.StrimziResources deploy/kubernetes/base/kafka
                """.formatted(source);
    }

    /** Kafka's operation names (DESCRIBE_CONFIGS) as Strimzi spells them (DescribeConfigs). */
    static String camelCase(String name) {
        var camel = new StringBuilder();
        for (String word : name.toLowerCase(Locale.ROOT).split("_")) {
            camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return camel.toString();
    }

    private static String resourceType(String kafkaType) {
        return switch (kafkaType) {
            case "TOPIC" -> "topic";
            case "GROUP" -> "group";
            case "TRANSACTIONAL_ID" -> "transactionalId";
            case "CLUSTER" -> "cluster";
            default -> throw new IllegalArgumentException("No Strimzi ACL resource type for " + kafkaType);
        };
    }

    private StrimziResources() {}
}
