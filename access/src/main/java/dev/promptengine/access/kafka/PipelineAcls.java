package dev.promptengine.access.kafka;

import dev.promptengine.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each principal may do, and nothing more (the broker denies what no ACL allows). Topics are
 * literal names from {@link Topics}; consumer groups and transactional ids are prefixed by the
 * principal's name, so every instance of a service gets them and no other service does.
 *
 * <ul>
 *   <li>ingest-service writes usages and executions.
 *   <li>cost-service reads executions, writes costed executions and its dead letters, reads and
 *       writes the pricing and discount topics.
 *   <li>analytics-service reads usages and costed executions and cost-service's dead letters,
 *       writes and reads cost corrections (re-pricing), writes its own dead letters, and writes the source topics when an admin replays a dead
 *       letter; it alone writes the API-key topic and the alert topic.
 *   <li>the direct producer writes usages and executions, like ingest-service.
 *   <li>every service may describe (also their configuration) and create the pipeline's topics
 *       (each declares them all on start, so none depends on start order) and read the API-key topic.
 * </ul>
 */
public final class PipelineAcls {

    /** The compacted topic of API keys (hashes, never raw keys), written by analytics-service. */
    public static final String API_KEYS_TOPIC = Topics.API_KEYS.name();

    public static List<AclBinding> all() {
        return Stream.of(KafkaUser.values()).flatMap(user -> of(user).stream()).toList();
    }

    public static List<AclBinding> of(KafkaUser user) {
        var acls = new Acls(user);
        switch (user) {
            case INGEST -> {
                acls.topics(AclOperation.WRITE, Topics.USAGE.name(), Topics.EXECUTION.name());
                acls.transactionalIds(user.username() + "-");
            }
            case COST -> {
                acls.topics(
                        AclOperation.READ,
                        Topics.EXECUTION.name(),
                        Topics.PRICING.name(),
                        Topics.PRICING_DISCOUNTS.name());
                acls.topics(
                        AclOperation.WRITE,
                        Topics.EXECUTION_COSTED.name(),
                        Topics.EXECUTION.deadLetter(),
                        Topics.PRICING.name(),
                        Topics.PRICING_DISCOUNTS.name());
                acls.groups(user.username());
                acls.transactionalIds("cost-");
            }
            case ANALYTICS -> {
                acls.topics(
                        AclOperation.READ,
                        Topics.USAGE.name(),
                        Topics.EXECUTION_COSTED.name(),
                        Topics.COST_CORRECTION.name(),
                        Topics.EXECUTION.deadLetter());
                acls.topics(
                        AclOperation.WRITE,
                        Topics.USAGE.deadLetter(),
                        Topics.EXECUTION_COSTED.deadLetter(),
                        // re-pricing publishes its corrections and applies them like any subscriber
                        Topics.COST_CORRECTION.name(),
                        Topics.COST_CORRECTION.deadLetter(),
                        // a replayed dead letter goes back to the topic it came from
                        Topics.USAGE.name(),
                        Topics.EXECUTION.name(),
                        Topics.EXECUTION_COSTED.name(),
                        API_KEYS_TOPIC,
                        // alert transitions (docs/alerts.md)
                        Topics.ALERT.name());
                acls.groups(user.username());
            }
            case DIRECT_PRODUCER -> {
                acls.topics(AclOperation.WRITE, Topics.USAGE.name(), Topics.EXECUTION.name());
                acls.transactionalIds(user.username() + "-");
            }
        }
        if (user != KafkaUser.DIRECT_PRODUCER) {
            acls.topics(AclOperation.CREATE, pipelineTopics());
            acls.topics(AclOperation.DESCRIBE, pipelineTopics());
            // ingest-service adopts each topic's max.message.bytes
            acls.topics(AclOperation.DESCRIBE_CONFIGS, pipelineTopics());
            acls.topics(AclOperation.READ, API_KEYS_TOPIC);
        }
        return acls.bindings;
    }

    /** Every topic the services declare: the pipeline's topics, their dead-letter topics, the key topic, the alert topic. */
    public static String[] pipelineTopics() {
        var names = new ArrayList<String>();
        for (var topic : Topics.ALL) {
            names.add(topic.name());
            names.add(topic.deadLetter());
        }
        if (!names.contains(API_KEYS_TOPIC)) {
            names.add(API_KEYS_TOPIC);
        }
        if (!names.contains(Topics.ALERT.name())) {
            names.add(Topics.ALERT.name());
        }
        return names.toArray(String[]::new);
    }

    private static final class Acls {
        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Acls(KafkaUser user) {
            this.principal = "User:" + user.username();
        }

        void topics(AclOperation operation, String... names) {
            for (String name : names) {
                allow(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operation);
            }
        }

        void groups(String prefix) {
            allow(new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED), AclOperation.READ);
        }

        void transactionalIds(String prefix) {
            var pattern = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED);
            allow(pattern, AclOperation.WRITE);
            allow(pattern, AclOperation.DESCRIBE);
        }

        private void allow(ResourcePattern pattern, AclOperation operation) {
            bindings.add(new AclBinding(
                    pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
    }

    private PipelineAcls() {}
}
