package dev.promptengine.analytics.partition;

import dev.promptengine.analytics.AnalyticsProperties;
import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.rollup.RollupShape;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Native range partitions: raw tables by UTC day ({@code <table>_pYYYYMMDD}), rollups by UTC month
 * ({@code <table>_pYYYYMM}). Created ahead on a schedule and on demand before a batch that holds
 * late events; retention drops whole partitions, never deletes rows.
 */
@Component
public class PartitionManager {

    /** Raw tables whose rows are kept {@code raw-days}. */
    static final List<String> RAW_TABLES = List.of("usage_fact", "execution_fact");
    /** Raw content tables, kept {@code content-days}. */
    static final List<String> CONTENT_TABLES = List.of("usage_content", "execution_content");
    /**
     * Rollup rows are updated by every batch that touches their key: free space on each page lets
     * PostgreSQL write the new row version on the same page without a new index entry (a HOT
     * update), which keeps the wide primary keys from growing with every update.
     */
    private static final String ROLLUP_STORAGE = " WITH (fillfactor = 70)";

    /** Rollup tables (every table of the {@link RollupShape} catalogue), kept {@code rollup-days}. */
    static final List<String> ROLLUP_TABLES = RollupShape.tables();

    /** Monthly tables kept {@code audit-days}. */
    static final List<String> AUDIT_TABLES = List.of("audit_log");

    private static final long DDL_LOCK = 0x616e616c79646466L; // "analyddf"
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AnalyticsProperties properties;
    private final Clock clock;
    private final Set<LocalDate> knownDays = ConcurrentHashMap.newKeySet();

    PartitionManager(WritePool pool, AnalyticsProperties properties, Clock clock) {
        this.jdbc = pool.jdbc();
        this.transactions = pool.transactions();
        this.properties = properties;
        this.clock = clock;
    }

    /** Makes sure the days (and months) of these event times have partitions. Cheap when they do. */
    public void ensureRawDays(Collection<Instant> occurredAt) {
        var missing = new TreeSet<LocalDate>();
        for (Instant instant : occurredAt) {
            var day = LocalDate.ofInstant(instant, ZoneOffset.UTC);
            if (!knownDays.contains(day)) {
                missing.add(day);
            }
        }
        if (!missing.isEmpty()) {
            createDays(missing);
        }
    }

    /** Forgets what it knows, so the next batch checks again (after a failure or a drop elsewhere). */
    public void forget() {
        knownDays.clear();
    }

    /** Today and the configured days ahead, plus retention; runs at start and on a schedule. */
    @Scheduled(initialDelayString = "0", fixedDelayString = "${promptengine.analytics.partitions.check-interval:1h}")
    public void maintain() {
        var today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        var days = new TreeSet<LocalDate>();
        for (int i = 0; i <= properties.partitions().daysAhead(); i++) {
            days.add(today.plusDays(i));
        }
        createDays(days);
        dropExpired();
    }

    private void createDays(Collection<LocalDate> days) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:key)) l")
                    .param("key", DDL_LOCK)
                    .query(Long.class)
                    .single();
            var months = new TreeSet<YearMonth>();
            for (LocalDate day : days) {
                for (String table : concat(RAW_TABLES, CONTENT_TABLES)) {
                    create(
                            table + "_p" + DAY.format(day),
                            table,
                            day.atStartOfDay(),
                            day.plusDays(1).atStartOfDay(),
                            "");
                }
                months.add(YearMonth.from(day));
            }
            for (YearMonth month : months) {
                for (String table : concat(ROLLUP_TABLES, AUDIT_TABLES)) {
                    create(
                            table + "_p" + MONTH.format(month),
                            table,
                            month.atDay(1).atStartOfDay(),
                            month.plusMonths(1).atDay(1).atStartOfDay(),
                            ROLLUP_TABLES.contains(table) ? ROLLUP_STORAGE : "");
                }
            }
        });
        knownDays.addAll(days);
    }

    private void create(
            String partition, String parent, java.time.LocalDateTime from, java.time.LocalDateTime to, String storage) {
        // Identifiers come from the fixed table lists and formatted dates, never from input.
        jdbc.sql("CREATE TABLE IF NOT EXISTS %s PARTITION OF %s FOR VALUES FROM ('%s+00') TO ('%s+00')%s"
                        .formatted(partition, parent, from, to, storage))
                .update();
    }

    /**
     * Drops partitions wholly older than retention: content after {@code content-days}, raw rows
     * after {@code raw-days}, rollups after {@code rollup-days}, the audit trail after {@code
     * audit-days} (a partition goes once its last day is older than the limit).
     */
    public List<String> dropExpired() {
        var today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        var retention = properties.retention();
        var dropped = new ArrayList<String>();
        transactions.executeWithoutResult(status -> {
            jdbc.sql("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:key)) l")
                    .param("key", DDL_LOCK)
                    .query(Long.class)
                    .single();
            for (String table : CONTENT_TABLES) {
                dropped.addAll(dropDaysBefore(table, today.minusDays(retention.contentDays())));
            }
            for (String table : RAW_TABLES) {
                dropped.addAll(dropDaysBefore(table, today.minusDays(retention.rawDays())));
            }
            for (String table : ROLLUP_TABLES) {
                dropped.addAll(dropMonthsBefore(table, today.minusDays(retention.rollupDays())));
            }
            for (String table : AUDIT_TABLES) {
                dropped.addAll(dropMonthsBefore(table, today.minusDays(retention.auditDays())));
            }
            pruneHistogramCache(today.minusDays(retention.rollupDays()));
            pruneDeadLetters(today.minusDays(retention.deadLetterDays()));
        });
        if (!dropped.isEmpty()) {
            knownDays.clear();
            log.info("Retention dropped partitions {}", dropped);
        }
        return dropped;
    }

    private List<String> dropDaysBefore(String table, LocalDate oldestKept) {
        var dropped = new ArrayList<String>();
        for (String partition : partitionsOf(table)) {
            if (LocalDate.parse(suffix(partition), DAY).isBefore(oldestKept)) {
                drop(partition);
                dropped.add(partition);
            }
        }
        return dropped;
    }

    /**
     * The daily histogram cache is derived data (recomputed from the daily rollups on a miss):
     * entries for days whose rollups are gone, and entries not recomputed for 30 days, go. It is a
     * small table keyed by filter, so a DELETE is the right tool here.
     */
    private void pruneHistogramCache(LocalDate oldestRollupDay) {
        int pruned = jdbc.sql("""
                        DELETE FROM latency_histogram_cache
                        WHERE day < :oldest OR computed_at < now() - interval '30 days'
                        """)
                .param("oldest", oldestRollupDay.atStartOfDay().atOffset(ZoneOffset.UTC))
                .update();
        if (pruned > 0) {
            log.info("Pruned {} latency histogram cache entries", pruned);
        }
    }

    /** Dead letters are few (one row per poison record): a DELETE by age, like the cache above. */
    private void pruneDeadLetters(LocalDate oldestKept) {
        int pruned = jdbc.sql("DELETE FROM dead_letter WHERE dead_lettered_at < :oldest")
                .param("oldest", oldestKept.atStartOfDay().atOffset(ZoneOffset.UTC))
                .update();
        if (pruned > 0) {
            log.info("Deleted {} dead letters older than {}", pruned, oldestKept);
        }
    }

    /** Drops the monthly partitions whose last day is before {@code oldestKept}. */
    private List<String> dropMonthsBefore(String table, LocalDate oldestKept) {
        var dropped = new ArrayList<String>();
        for (String partition : partitionsOf(table)) {
            if (YearMonth.parse(suffix(partition), MONTH).atEndOfMonth().isBefore(oldestKept)) {
                drop(partition);
                dropped.add(partition);
            }
        }
        return dropped;
    }

    private void drop(String partition) {
        jdbc.sql("DROP TABLE IF EXISTS " + partition).update();
    }

    /** Partitions of a parent in the current schema, by name ({@code <parent>_p<digits>} only). */
    public List<String> partitionsOf(String parent) {
        return jdbc.sql("""
                        SELECT c.relname FROM pg_inherits i
                        JOIN pg_class c ON c.oid = i.inhrelid
                        JOIN pg_class p ON p.oid = i.inhparent
                        WHERE p.relname = :parent AND p.relnamespace = current_schema()::regnamespace
                        ORDER BY c.relname
                        """).param("parent", parent).query(String.class).list().stream()
                .filter(name -> name.matches(java.util.regex.Pattern.quote(parent) + "_p\\d{6}(\\d{2})?"))
                .toList();
    }

    private static String suffix(String partition) {
        return partition.substring(partition.lastIndexOf("_p") + 2);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
