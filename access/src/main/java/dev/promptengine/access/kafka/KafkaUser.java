package dev.promptengine.access.kafka;

/**
 * The Kafka principals of the pipeline, one per service plus the direct producer a host app uses to
 * publish Avro straight to Kafka. The names are also the prefixes of the consumer groups and
 * transactional ids each may use ({@link PipelineAcls}).
 */
public enum KafkaUser {
    INGEST("ingest-service"),
    COST("cost-service"),
    ANALYTICS("analytics-service"),
    DIRECT_PRODUCER("direct-producer");

    /** The operator: a super user that creates users and ACLs; no service runs as it. */
    public static final String ADMIN = "admin";

    /** The broker itself, on the controller listener only. */
    public static final String BROKER = "broker";

    private final String username;

    KafkaUser(String username) {
        this.username = username;
    }

    public String username() {
        return username;
    }

    /** The key of this user's password in {@code .promptengine/credentials.env} and compose's {@code .env}. */
    public String passwordVariable() {
        return "PE_KAFKA_" + name() + "_PASSWORD";
    }
}
