package dev.promptengine.deploy.kafka;

import dev.promptengine.access.kafka.KafkaAccess;
import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.SecureBroker;
import dev.promptengine.deploy.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the local stack's broker with the product's access rules and keeps it running until
 * SIGTERM: writes {@code server.properties} (mode 0600: it holds the broker's credentials), formats
 * the log directory on first start with the admin's SCRAM credential, starts Apache Kafka's KRaft
 * server in this JVM, then creates every service principal's SCRAM credential and the pipeline's
 * ACLs ({@code access} module) and prints {@value #READY}.
 *
 * <p>Usage: {@code KafkaLauncher --dir=<state dir> --port=<port> --controller-port=<port>}, or for
 * node N of a three-node quorum ({@code bin/promptengine up --brokers 3}) {@code KafkaLauncher
 * --dir=<node dir> --port=<port> --node-id=N --controller-ports=<p1>,<p2>,<p3> --cluster-id=<id>}:
 * replication factor 3 and {@code min.insync.replicas=2} ({@link SecureBroker#clusterProperties}).
 * Passwords come from the environment, never the command line: {@code PE_KAFKA_ADMIN_PASSWORD},
 * {@code PE_KAFKA_BROKER_PASSWORD} and one {@link KafkaUser#passwordVariable()} per principal.
 */
public final class KafkaLauncher {

    static final String READY = "PROMPTENGINE-KAFKA-READY";

    private static final Logger log = LoggerFactory.getLogger(KafkaLauncher.class);

    /**
     * The broker's directory and ports; for one node of a cluster also its node id, every node's
     * controller port (node ids 1..n in that order) and the cluster id all nodes are formatted with.
     */
    record Options(
            Path directory, int port, int controllerPort, int nodeId, List<Integer> controllerPorts, String clusterId) {

        static Options parse(String... args) {
            Path directory = null;
            int port = 9092;
            int controllerPort = 9093;
            int nodeId = 0;
            List<Integer> controllerPorts = List.of();
            String clusterId = null;
            for (String arg : args) {
                if (arg.startsWith("--dir=")) {
                    directory = Path.of(arg.substring("--dir=".length()));
                } else if (arg.startsWith("--port=")) {
                    port = Integer.parseInt(arg.substring("--port=".length()));
                } else if (arg.startsWith("--controller-port=")) {
                    controllerPort = Integer.parseInt(arg.substring("--controller-port=".length()));
                } else if (arg.startsWith("--node-id=")) {
                    nodeId = Integer.parseInt(arg.substring("--node-id=".length()));
                } else if (arg.startsWith("--controller-ports=")) {
                    controllerPorts = Arrays.stream(arg.substring("--controller-ports=".length())
                                    .split(","))
                            .map(Integer::valueOf)
                            .toList();
                } else if (arg.startsWith("--cluster-id=")) {
                    clusterId = arg.substring("--cluster-id=".length());
                } else {
                    throw new IllegalArgumentException("Unknown argument " + arg);
                }
            }
            if (directory == null) {
                throw new IllegalArgumentException("--dir=<state dir> is required");
            }
            if (nodeId > 0 && (controllerPorts.size() < 3 || clusterId == null)) {
                throw new IllegalArgumentException(
                        "--node-id needs --controller-ports=<one per node, at least 3> and --cluster-id=<id>");
            }
            if (nodeId > 0) {
                controllerPort = controllerPorts.get(nodeId - 1);
            }
            return new Options(directory.toAbsolutePath(), port, controllerPort, nodeId, controllerPorts, clusterId);
        }

        boolean clusterNode() {
            return nodeId > 0;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String adminPassword = Credentials.required("PE_KAFKA_ADMIN_PASSWORD");
        var passwords = new EnumMap<KafkaUser, String>(KafkaUser.class);
        for (var user : KafkaUser.values()) {
            passwords.put(user, Credentials.required(user.passwordVariable()));
        }
        long started = System.nanoTime();
        Path data = options.directory().resolve("data");
        Files.createDirectories(data);
        Properties properties =
                serverProperties(options, data, adminPassword, Credentials.required("PE_KAFKA_BROKER_PASSWORD"));
        Path config = options.directory().resolve("server.properties");
        SecureBroker.write(config, properties);
        if (!Files.exists(data.resolve("meta.properties"))) {
            if (options.clusterNode()) {
                SecureBroker.formatClusterNode(config, options.clusterId(), adminPassword);
            } else {
                SecureBroker.format(config, adminPassword);
            }
            log.info("Formatted Kafka storage in {}", data);
        }
        var server = SecureBroker.start(properties);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-stop"));
        grant("127.0.0.1:" + options.port(), adminPassword, passwords);
        log.info(
                "Kafka {}on 127.0.0.1:{} ready in {} ms: SASL/SCRAM-SHA-256, ACLs for {}",
                options.clusterNode() ? "node " + options.nodeId() + " " : "",
                options.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                passwords.keySet());
        System.out.println(READY + " port=" + options.port());
        System.out.flush();
        server.awaitShutdown();
    }

    static Properties serverProperties(Options options, Path data, String adminPassword, String brokerPassword) {
        var properties = options.clusterNode()
                ? SecureBroker.clusterProperties(
                        data,
                        options.nodeId(),
                        options.port(),
                        options.controllerPorts(),
                        adminPassword,
                        brokerPassword)
                : SecureBroker.properties(
                        data, options.port(), options.controllerPort(), adminPassword, brokerPassword);
        properties.put("num.partitions", "6");
        properties.put("log.retention.hours", "168");
        return properties;
    }

    private static void grant(String bootstrap, String adminPassword, Map<KafkaUser, String> passwords) {
        var config = new LinkedHashMap<String, Object>(KafkaSecurity.clientProperties(KafkaUser.ADMIN, adminPassword));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(120).toMillis());
        try (Admin admin = Admin.create(config)) {
            KafkaAccess.apply(admin, passwords);
        }
    }

    private KafkaLauncher() {}
}
