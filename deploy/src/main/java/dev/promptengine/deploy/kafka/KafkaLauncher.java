package dev.promptengine.deploy.kafka;

import dev.promptengine.access.kafka.KafkaAccess;
import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.SecureBroker;
import dev.promptengine.deploy.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
 * <p>Usage: {@code KafkaLauncher --dir=<state dir> --port=<port> --controller-port=<port>}.
 * Passwords come from the environment, never the command line: {@code PE_KAFKA_ADMIN_PASSWORD},
 * {@code PE_KAFKA_BROKER_PASSWORD} and one {@link KafkaUser#passwordVariable()} per principal.
 */
public final class KafkaLauncher {

    static final String READY = "PROMPTENGINE-KAFKA-READY";

    private static final Logger log = LoggerFactory.getLogger(KafkaLauncher.class);

    record Options(Path directory, int port, int controllerPort) {

        static Options parse(String... args) {
            Path directory = null;
            int port = 9092;
            int controllerPort = 9093;
            for (String arg : args) {
                if (arg.startsWith("--dir=")) {
                    directory = Path.of(arg.substring("--dir=".length()));
                } else if (arg.startsWith("--port=")) {
                    port = Integer.parseInt(arg.substring("--port=".length()));
                } else if (arg.startsWith("--controller-port=")) {
                    controllerPort = Integer.parseInt(arg.substring("--controller-port=".length()));
                } else {
                    throw new IllegalArgumentException("Unknown argument " + arg);
                }
            }
            if (directory == null) {
                throw new IllegalArgumentException("--dir=<state dir> is required");
            }
            return new Options(directory.toAbsolutePath(), port, controllerPort);
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
        Properties properties = serverProperties(
                data,
                options.port(),
                options.controllerPort(),
                adminPassword,
                Credentials.required("PE_KAFKA_BROKER_PASSWORD"));
        Path config = options.directory().resolve("server.properties");
        SecureBroker.write(config, properties);
        if (!Files.exists(data.resolve("meta.properties"))) {
            SecureBroker.format(config, adminPassword);
            log.info("Formatted Kafka storage in {}", data);
        }
        var server = SecureBroker.start(properties);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-stop"));
        grant("127.0.0.1:" + options.port(), adminPassword, passwords);
        log.info(
                "Kafka on 127.0.0.1:{} ready in {} ms: SASL/SCRAM-SHA-256, ACLs for {}",
                options.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                passwords.keySet());
        System.out.println(READY + " port=" + options.port());
        System.out.flush();
        server.awaitShutdown();
    }

    static Properties serverProperties(
            Path data, int port, int controllerPort, String adminPassword, String brokerPassword) {
        var properties = SecureBroker.properties(data, port, controllerPort, adminPassword, brokerPassword);
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
