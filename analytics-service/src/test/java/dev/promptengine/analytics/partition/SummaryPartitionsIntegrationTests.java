package dev.promptengine.analytics.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.analytics.query.QueryApiTestSupport;
import dev.promptengine.analytics.query.TestData;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The summary rollups of V5 get their monthly partitions ahead, on demand and dropped by retention
 * exactly like the per-prompt rollups ("now" is {@link TestData#NOW}; rollups are kept 730 days).
 */
class SummaryPartitionsIntegrationTests extends QueryApiTestSupport {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");
    private static final List<String> SUMMARIES = List.of(
            "usage_summary_hourly", "usage_summary_daily", "execution_summary_hourly", "execution_summary_daily");

    @Autowired
    PartitionManager partitions;

    @Test
    void createsSummaryPartitionsAheadAndOnDemandLikeTheOtherRollups() {
        // Given "now" and a late event 70 days before it (another month)
        var today = TestData.D0_DATE;
        var lateDay = today.minusDays(70);

        // When the schedule runs and a batch needs the late day
        partitions.maintain();
        partitions.ensureRawDays(List.of(lateDay.atStartOfDay(ZoneOffset.UTC).toInstant()));

        // Then every rollup table, summaries included, has the months of today, of 3 days ahead and of the late day
        for (String table : PartitionManager.ROLLUP_TABLES) {
            assertThat(partitions.partitionsOf(table))
                    .as(table)
                    .contains(
                            table + "_p" + MONTH.format(today),
                            table + "_p" + MONTH.format(today.plusDays(3)),
                            table + "_p" + MONTH.format(lateDay));
        }
        assertThat(PartitionManager.ROLLUP_TABLES).containsAll(SUMMARIES);
    }

    @Test
    void retentionDropsSummaryMonthsWithTheOtherRollups() {
        // Given summary rows in a month older than the rollup retention and in one just inside it
        var expired = TestData.D0_DATE.minusDays(800);
        var kept = TestData.D0_DATE.minusDays(700);
        partitions.ensureRawDays(List.of(
                expired.atStartOfDay(ZoneOffset.UTC).toInstant(),
                kept.atStartOfDay(ZoneOffset.UTC).toInstant()));
        for (LocalDate day : List.of(expired, kept)) {
            jdbc.sql("""
                            INSERT INTO usage_summary_daily (tenant, bucket_start, environment, usage_count)
                            VALUES ('retention', :at, 'production', 1)
                            """)
                    .param(
                            "at",
                            java.sql.Timestamp.from(
                                    day.atStartOfDay(ZoneOffset.UTC).toInstant()))
                    .update();
        }

        // When retention runs
        var dropped = partitions.dropExpired();

        // Then the expired month goes for every rollup table, summaries included, and the kept one stays
        for (String table : PartitionManager.ROLLUP_TABLES) {
            assertThat(dropped).contains(table + "_p" + MONTH.format(expired));
            assertThat(partitions.partitionsOf(table)).contains(table + "_p" + MONTH.format(kept));
        }
        assertThat(jdbc.sql("SELECT count(*) FROM usage_summary_daily WHERE tenant = 'retention'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
