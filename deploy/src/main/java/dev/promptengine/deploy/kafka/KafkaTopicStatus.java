package dev.promptengine.deploy.kafka;

import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.deploy.Credentials;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What {@code bin/promptengine status} shows of a cluster: the live brokers and, per topic (internal
 * ones included), every partition's leader, replicas and in-sync replicas, with the topic's
 * {@code min.insync.replicas}; a partition without a leader or with fewer in-sync replicas than
 * replicas is marked. Asks as the super user ({@code PE_KAFKA_ADMIN_PASSWORD} in the environment).
 *
 * <p>Usage: {@code KafkaTopicStatus --bootstrap-servers=<host:port,...>}. Exit status 0 when every
 * partition has a leader and all its replicas in sync.
 */
public final class KafkaTopicStatus {

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        for (String arg : args) {
            if (arg.startsWith("--bootstrap-servers=")) {
                bootstrap = arg.substring("--bootstrap-servers=".length());
            } else {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
        }
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers=<host:port,...> is required");
        }
        var config = new LinkedHashMap<String, Object>(
                KafkaSecurity.clientProperties(KafkaUser.ADMIN, Credentials.required("PE_KAFKA_ADMIN_PASSWORD")));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        boolean healthy;
        try (Admin admin = Admin.create(config)) {
            var brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            System.out.println("  brokers: "
                    + brokers.stream()
                            .map(node -> node.id() + "@" + node.host() + ":" + node.port())
                            .sorted()
                            .collect(Collectors.joining(", ")));
            var names = new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(10, TimeUnit.SECONDS));
            Map<String, TopicDescription> topics =
                    admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            var minInSync = minInSyncReplicas(admin, names);
            healthy = print(topics, minInSync);
        }
        System.exit(healthy ? 0 : 1);
    }

    private static Map<String, String> minInSyncReplicas(Admin admin, TreeSet<String> names) throws Exception {
        var resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        var configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        var answer = new LinkedHashMap<String, String>();
        configs.forEach((resource, config) -> {
            var entry = config.get("min.insync.replicas");
            answer.put(resource.name(), entry == null ? "?" : entry.value());
        });
        return answer;
    }

    /** Prints the table; true when every partition has a leader and every replica in sync. */
    static boolean print(Map<String, TopicDescription> topics, Map<String, String> minInSync) {
        boolean healthy = true;
        System.out.printf(
                "  %-52s %9s  %-6s  %-8s  %-8s%n",
                "topic (min.insync.replicas)", "partition", "leader", "replicas", "isr");
        // the pipeline's topics by name, then Kafka's internal ones
        var ordered = topics.values().stream()
                .sorted(Comparator.comparing((TopicDescription topic) -> topic.isInternal())
                        .thenComparing(TopicDescription::name))
                .toList();
        for (var topic : ordered) {
            String label = topic.name() + " (" + minInSync.getOrDefault(topic.name(), "?") + ")";
            for (TopicPartitionInfo partition : topic.partitions()) {
                boolean leaderless =
                        partition.leader() == null || partition.leader().isEmpty();
                boolean underReplicated =
                        partition.isr().size() < partition.replicas().size();
                healthy &= !leaderless && !underReplicated;
                System.out.printf(
                        "  %-52s %9d  %-6s  %-8s  %-8s%s%n",
                        label,
                        partition.partition(),
                        leaderless
                                ? "none"
                                : Integer.toString(partition.leader().id()),
                        ids(partition.replicas()),
                        ids(partition.isr()),
                        leaderless ? "  NO LEADER" : underReplicated ? "  under-replicated" : "");
                label = "";
            }
        }
        return healthy;
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(node -> Integer.toString(node.id())).collect(Collectors.joining(","));
    }

    private KafkaTopicStatus() {}
}
