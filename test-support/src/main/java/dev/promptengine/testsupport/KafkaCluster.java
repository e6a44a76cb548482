package dev.promptengine.testsupport;

import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.SecureBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * Three (or more) KRaft nodes, each broker and controller in a process of its own (Apache Kafka's
 * {@code kafka.Kafka} from the test classpath), with the product's SASL/SCRAM listeners and ACLs,
 * replication factor 3 and {@code min.insync.replicas=2} ({@link SecureBroker#clusterProperties}).
 * A node can be killed with SIGKILL and restarted on its ports and log directory: a real broker loss,
 * which the shared one-node {@link TestKafka} cannot show.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);

    private final Path directory;
    private final List<Integer> ports;
    private final String adminPassword = TestKafka.newPassword();
    private final Map<Integer, Process> processes = new TreeMap<>();
    private Map<KafkaUser, String> passwords;

    private KafkaCluster(Path directory, int nodes) throws IOException {
        this.directory = directory;
        this.ports =
                IntStream.range(0, nodes).mapToObj(i -> TestKafka.freePort()).toList();
        var controllerPorts =
                IntStream.range(0, nodes).mapToObj(i -> TestKafka.freePort()).toList();
        String brokerPassword = TestKafka.newPassword();
        String clusterId = SecureBroker.newClusterId();
        for (int node = 1; node <= nodes; node++) {
            var properties = SecureBroker.clusterProperties(
                    directory.resolve("node-" + node).resolve("data"),
                    node,
                    ports.get(node - 1),
                    controllerPorts,
                    adminPassword,
                    brokerPassword);
            // few internal partitions: quick to create, and every coordinator still moves when its node dies
            properties.put("offsets.topic.num.partitions", "3");
            properties.put("transaction.state.log.num.partitions", "3");
            Files.createDirectories(directory.resolve("node-" + node));
            SecureBroker.write(config(node), properties);
            SecureBroker.formatClusterNode(config(node), clusterId, adminPassword);
        }
    }

    /** Formats and starts {@code nodes} nodes, waits until all serve, then creates the service principals. */
    public static KafkaCluster start(int nodes) {
        long started = System.nanoTime();
        try {
            var cluster = new KafkaCluster(Files.createTempDirectory("kafka-cluster"), nodes);
            for (int node = 1; node <= nodes; node++) {
                cluster.launch(node);
            }
            cluster.awaitNodes(nodes);
            cluster.passwords = TestKafka.grantAccess(cluster.bootstrapServers(), cluster.adminPassword);
            log.info(
                    "Started a {}-node KRaft cluster {} in {} ms",
                    nodes,
                    cluster.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every node's listener, so a client reaches the cluster whichever node is down. */
    public String bootstrapServers() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    public int size() {
        return ports.size();
    }

    /** The bootstrap servers and the super user's SASL settings. */
    public Map<String, Object> adminConfig() {
        var config = new HashMap<String, Object>(KafkaSecurity.clientProperties(KafkaUser.ADMIN, adminPassword));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    public String password(KafkaUser user) {
        return passwords.get(user);
    }

    /**
     * Command-line arguments that point a Spring Boot service at the cluster as {@code user}, creating
     * the pipeline's topics with three replicas (the brokers' {@code min.insync.replicas=2} applies).
     */
    public List<String> springArguments(KafkaUser user) {
        return List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--promptengine.kafka.username=" + user.username(),
                "--promptengine.kafka.password=" + password(user),
                "--promptengine.topics.replication-factor=3");
    }

    /** Partition number to its leader's node id (-1 while it has none). */
    public Map<Integer, Integer> leaders(String topic) {
        return describe(topic).partitions().stream()
                .collect(Collectors.toMap(
                        TopicPartitionInfo::partition,
                        partition -> partition.leader() == null
                                ? -1
                                : partition.leader().id(),
                        (a, b) -> a,
                        TreeMap::new));
    }

    /** Partition number to the node ids of its in-sync replicas. */
    public Map<Integer, Set<Integer>> inSyncReplicas(String topic) {
        return describe(topic).partitions().stream()
                .collect(Collectors.toMap(
                        TopicPartitionInfo::partition,
                        partition -> partition.isr().stream().map(Node::id).collect(Collectors.toSet()),
                        (a, b) -> a,
                        TreeMap::new));
    }

    public TopicDescription describe(String topic) {
        try (Admin admin = Admin.create(adminConfig())) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot describe " + topic, e);
        }
    }

    /** SIGKILL for node {@code node}: no controlled shutdown, no leadership hand-over. */
    public void kill(int node) {
        var process = processes.get(node);
        process.destroyForcibly(); // SIGKILL on Linux
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + node + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        log.info("Killed node {} (SIGKILL)", node);
    }

    /** Starts a stopped node on its ports and log directory; returns once the cluster lists it again. */
    public void restart(int node) {
        launch(node);
        awaitNodes(size());
        log.info("Node {} is back", node);
    }

    private Path config(int node) {
        return directory.resolve("node-" + node).resolve("server.properties");
    }

    private void launch(int node) {
        var command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "kafka.Kafka",
                config(node).toString()));
        try {
            processes.put(
                    node,
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(directory
                                    .resolve("node-" + node)
                                    .resolve("broker.log")
                                    .toFile()))
                            .start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code count} brokers are registered and unfenced, failing early when a node exits. */
    private void awaitNodes(int count) {
        var config = adminConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                processes.forEach((node, process) -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Kafka node " + node + " exited; see "
                                + directory.resolve("node-" + node).resolve("broker.log"));
                    }
                });
                String last;
                try {
                    var nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.size() >= count) {
                        return;
                    }
                    last = nodes.size() + " of " + count + " brokers";
                } catch (Exception e) {
                    last = e.toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The cluster did not list " + count + " brokers in 180 s: " + last);
                }
                Thread.sleep(200); // polling other processes; no event to wait on
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (var process : processes.values()) {
            process.destroy();
        }
        for (var process : processes.values()) {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        FileSystemUtils.deleteRecursively(directory.toFile());
    }
}
