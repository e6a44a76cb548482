package dev.promptengine.access.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one SASL set-up of every broker (local stack, tests, compose) and its clients. Clients and
 * the broker's own inter-broker traffic authenticate with SASL/SCRAM-SHA-256 on the {@code CLIENT}
 * listener; the broker reaches its controller over SASL/PLAIN on the loopback {@code CONTROLLER}
 * listener (KRaft cannot check SCRAM there: the credentials live in the metadata the controller
 * serves). The {@code StandardAuthorizer} denies whatever no ACL allows.
 */
public final class KafkaSecurity {

    public static final String PROTOCOL = "SASL_PLAINTEXT";
    public static final String MECHANISM = "SCRAM-SHA-256";

    /** Generated credentials only: letters, digits, {@code -} and {@code _}, so they need no quoting anywhere. */
    private static final Pattern SAFE_PASSWORD = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9-]{1,63}");

    /** What a client adds to its configuration to authenticate as {@code username}. */
    public static Map<String, Object> clientProperties(String username, String password) {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("security.protocol", PROTOCOL);
        properties.put("sasl.mechanism", MECHANISM);
        properties.put("sasl.jaas.config", scramJaas(username, password));
        return properties;
    }

    public static String scramJaas(String username, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name(username)
                + "\" password=\"" + safe(password) + "\";";
    }

    /**
     * The broker's listener and security settings (a combined broker and controller, one node).
     *
     * @param host the address both listeners bind to
     * @param adminPassword the super user {@link KafkaUser#ADMIN}'s SCRAM password, also the
     *     broker's identity for inter-broker traffic; bootstrapped by {@link #formatScramArgument}
     * @param brokerPassword the broker's password on the controller listener
     */
    public static Map<String, String> brokerProperties(
            String host, int clientPort, int controllerPort, String adminPassword, String brokerPassword) {
        var properties = new LinkedHashMap<String, String>();
        properties.put(
                "listeners", "CLIENT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        properties.put("advertised.listeners", "CLIENT://" + host + ":" + clientPort);
        properties.put("listener.security.protocol.map", "CLIENT:" + PROTOCOL + ",CONTROLLER:" + PROTOCOL);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        properties.put("inter.broker.listener.name", "CLIENT");
        properties.put("listener.name.client.sasl.enabled.mechanisms", MECHANISM);
        properties.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        properties.put(
                "listener.name.client.scram-sha-256.sasl.jaas.config", scramJaas(KafkaUser.ADMIN, adminPassword));
        properties.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        properties.put("sasl.mechanism.controller.protocol", "PLAIN");
        properties.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + KafkaUser.BROKER
                        + "\" password=\"" + safe(brokerPassword) + "\" user_" + KafkaUser.BROKER + "=\""
                        + safe(brokerPassword) + "\";");
        properties.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        properties.put("super.users", "User:" + KafkaUser.ADMIN + ";User:" + KafkaUser.BROKER);
        properties.put("allow.everyone.if.no.acl.found", "false");
        return properties;
    }

    /** The storage tool's {@code --add-scram} value that creates the admin's credential at format time. */
    public static String formatScramArgument(String adminPassword) {
        return MECHANISM + "=[name=" + KafkaUser.ADMIN + ",password=" + safe(adminPassword) + "]";
    }

    private static String safe(String password) {
        if (password == null || !SAFE_PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException(
                    "Kafka passwords must be 16-128 letters, digits, '-' or '_' (generated ones are)");
        }
        return password;
    }

    private static String name(String username) {
        if (username == null || !SAFE_NAME.matcher(username).matches()) {
            throw new IllegalArgumentException("Kafka user names are lower-case letters, digits and '-': " + username);
        }
        return username;
    }

    private KafkaSecurity() {}
}
