package dev.promptengine.analytics.facts;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.deadletter.DeadLetter;
import dev.promptengine.analytics.deadletter.DeadLetterStore;
import dev.promptengine.analytics.partition.PartitionManager;
import dev.promptengine.analytics.partition.RollupLock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The batch transaction: writes one consumed batch in one PostgreSQL transaction. It checks the
 * partitions are still owned (fencing), skips records below the stored offsets, drops duplicates
 * within the batch, stores poison records as dead letters, has {@link RawFactWriter} store the raw
 * facts, feeds only the newly inserted ones to {@link RollupWriter}, applies cost corrections
 * ({@link CorrectionWriter}) and stores the offsets. Either all of it commits or none of it.
 */
@Component
class FactsWriter {

    /** A consumed record and what it decoded to. */
    record Consumed(ConsumerRecord<String, byte[]> record, EventDecoder.Decoded decoded) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }

        /** The same record, as poison PostgreSQL refused to store (found by isolating it). */
        Consumed rejected(String reason) {
            FactKey key = decoded.key();
            String type = decoded instanceof EventDecoder.Usage
                    ? "usage"
                    : decoded instanceof EventDecoder.Correction ? "cost_correction" : "execution";
            return new Consumed(
                    record,
                    new EventDecoder.Poison(
                            EventDecoder.Poison.REJECTED_BY_DATABASE,
                            reason,
                            key == null ? null : key.tenant(),
                            key == null ? null : key.id(),
                            key == null ? null : type));
        }

        DeadLetter deadLetter(String group, EventDecoder.Poison poison) {
            return new DeadLetter(
                    group,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    poison.tenant(),
                    poison.eventId(),
                    poison.eventType(),
                    poison.kind(),
                    poison.reason(),
                    record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    record.value());
        }
    }

    /** What a committed batch changed (for logs, metrics and tests). */
    record Outcome(
            int skipped,
            List<DeadLetter> deadLetters,
            int newUsages,
            int newExecutions,
            int duplicates,
            int corrections) {

        int deadLettered() {
            return deadLetters.size();
        }

        Outcome plus(Outcome other) {
            var letters = new ArrayList<DeadLetter>(deadLetters);
            letters.addAll(other.deadLetters);
            return new Outcome(
                    skipped + other.skipped,
                    List.copyOf(letters),
                    newUsages + other.newUsages,
                    newExecutions + other.newExecutions,
                    duplicates + other.duplicates,
                    corrections + other.corrections);
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OffsetStore offsets;
    private final DeadLetterStore deadLetters;
    private final PartitionManager partitions;
    private final RawFactWriter rawFacts;
    private final RollupWriter rollups;
    private final CorrectionWriter corrections;
    private final AnalyticsProperties properties;

    FactsWriter(
            WritePool pool,
            OffsetStore offsets,
            DeadLetterStore deadLetters,
            PartitionManager partitions,
            RawFactWriter rawFacts,
            RollupWriter rollups,
            CorrectionWriter corrections,
            AnalyticsProperties properties) {
        this.properties = properties;
        this.rawFacts = rawFacts;
        this.rollups = rollups;
        this.corrections = corrections;
        this.jdbc = pool.jdbc();
        this.transactions = pool.transactions();
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.partitions = partitions;
    }

    Outcome write(String group, List<Consumed> batch, Map<TopicPartition, Long> epochs) {
        partitions.ensureRawDays(batch.stream()
                .map(c -> c.decoded().key())
                .filter(java.util.Objects::nonNull)
                .map(FactKey::occurredAt)
                .collect(Collectors.toSet()));
        return transactions.execute(status -> {
            RollupLock.shared(jdbc, properties.synchronousCommit());
            Map<TopicPartition, Long> stored = offsets.lockOwned(group, epochs);
            var fresh = batch.stream()
                    .filter(c -> c.record().offset() >= stored.get(c.partition()))
                    .toList();
            var poison = new ArrayList<DeadLetter>();
            var usages = new LinkedHashMap<FactKey, UsageFact>();
            var executions = new LinkedHashMap<FactKey, ExecutionFact>();
            var revisions = new LinkedHashMap<FactKey, Consumed>();
            int duplicates = 0;
            for (Consumed c : fresh) {
                if (c.decoded() instanceof EventDecoder.Poison p) {
                    poison.add(c.deadLetter(group, p));
                } else if (c.decoded() instanceof EventDecoder.Usage u) {
                    if (usages.putIfAbsent(u.key(), u.fact()) != null) {
                        duplicates++;
                    }
                } else if (c.decoded() instanceof EventDecoder.Execution e) {
                    if (executions.putIfAbsent(e.key(), e.fact()) != null) {
                        duplicates++;
                    }
                } else if (c.decoded() instanceof EventDecoder.Correction r) {
                    // the highest revision of an execution in the batch is the one that counts
                    Consumed previous = revisions.get(r.key());
                    if (previous == null || revision(c) > revision(previous)) {
                        revisions.put(r.key(), c);
                    }
                    if (previous != null) {
                        duplicates++;
                    }
                }
            }
            List<UsageFact> newUsages = rawFacts.insertUsages(usages.values());
            List<ExecutionFact> newExecutions = rawFacts.insertExecutions(executions.values());
            duplicates += usages.size() - newUsages.size() + executions.size() - newExecutions.size();
            rollups.add(newUsages, newExecutions);
            // after the new executions: a correction may follow its execution within one batch
            var applied = corrections.apply(revisions.values().stream()
                    .map(c -> ((EventDecoder.Correction) c.decoded()).revision())
                    .toList());
            duplicates += applied.duplicates();
            for (CostRevision unknown : applied.unknown()) {
                Consumed c = revisions.get(unknown.key());
                poison.add(c.deadLetter(
                        group,
                        new EventDecoder.Poison(
                                EventDecoder.Poison.UNKNOWN_EXECUTION,
                                "cost correction revision " + unknown.revision() + " of execution "
                                        + unknown.key().id()
                                        + " (tenant " + unknown.key().tenant() + ", occurred_at "
                                        + unknown.key().occurredAt() + "): no such execution is stored",
                                unknown.key().tenant(),
                                unknown.key().id(),
                                "cost_correction")));
            }
            deadLetters.insert(poison); // with the offsets: once per record, however often the batch is retried
            // dashboards hear of it when (and only if) this transaction commits
            CommitAnnouncer.announce(
                    jdbc, changedTenants(newUsages, newExecutions, applied.applied() > 0 ? revisions : Map.of()));
            offsets.advance(group, nextOffsets(batch));
            return new Outcome(
                    batch.size() - fresh.size(),
                    List.copyOf(poison),
                    newUsages.size(),
                    newExecutions.size(),
                    duplicates,
                    applied.applied());
        });
    }

    private static Set<String> changedTenants(
            List<UsageFact> usages, List<ExecutionFact> executions, Map<FactKey, Consumed> corrections) {
        var tenants = new HashSet<String>();
        usages.forEach(f -> tenants.add(f.key().tenant()));
        executions.forEach(f -> tenants.add(f.key().tenant()));
        corrections.keySet().forEach(k -> tenants.add(k.tenant()));
        return tenants;
    }

    private static int revision(Consumed c) {
        return ((EventDecoder.Correction) c.decoded()).revision().revision();
    }

    private static Map<TopicPartition, Long> nextOffsets(List<Consumed> batch) {
        var next = new LinkedHashMap<TopicPartition, Long>();
        for (Consumed c : batch) {
            next.merge(c.partition(), c.record().offset() + 1, Math::max);
        }
        return next;
    }
}
