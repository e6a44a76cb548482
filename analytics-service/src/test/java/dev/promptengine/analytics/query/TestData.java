package dev.promptengine.analytics.query;

import dev.promptengine.analytics.query.AnalyticsFixture.Execution;
import dev.promptengine.analytics.query.AnalyticsFixture.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The known data set every query test asserts against. Times are relative to day {@link #D0} (three
 * UTC days before the real today, so the write side's retention never touches it); "now" is
 * {@link #NOW} = D0 12:30. Tenant {@code acme}:
 *
 * <pre>
 * id   at          prompt       env        provider  model          status   error_type       in   out  ms     cost     user  session
 * e1   D-2 10:00   summarize v1 production openai    gpt-4o         success                   100  50   1000   0.0010   alice s1
 * e2   D-2 10:30   summarize v1 production openai    gpt-4o         success                   200  100  1200   0.0020   alice s1
 * e3   D-1 09:15   summarize v1 production openai    gpt-4o         error    rate_limit       100  0    300    0.0005   bob   s2
 * e4   D-1 14:00   summarize v2 production openai    gpt-4o-mini    success                   150  60   800    0.0003   bob   s2
 * e5   D-1 23:30   summarize v2 staging    openai    gpt-4o-mini    timeout  timeout          150  0    30000  0        bob   s2
 * e6   D0  00:10   summarize v2 production anthropic claude-sonnet  success                   300  200  2000   0.0040   carol s3
 * e7   D0  01:00   classify v1  production openai    gpt-4o-mini    success                   50   5    500    0.0001   carol s3
 * e8   D0  06:00   summarize v1 production openai    gpt-4o         error    invalid_request  5000 0    200    0.0050   alice s4
 * e9   D0  07:00   summarize v2 production anthropic claude-sonnet  error    other            10   0    400    0.00001  carol s3
 * e10  D0  11:45   classify v1  production openai    gpt-4o-mini    error    authentication   50   0    100    unpriced alice s4
 * e11  D0  12:10   classify v1  staging    anthropic claude-sonnet  error    network          60   0    700    0.0002   dave  s5
 * e12  D0  12:20   classify v1  production openai    gpt-4o-mini    success                   40   4    450    0.00008  -     -
 * e13  D-10 08:00  summarize v1 production openai    gpt-4o         success                   100  40   900    0.0009   alice s0
 * e14  D0  12:40   classify v1  production openai    gpt-4o-mini    success (after now)       10   1    100    0.00001  erin  s6
 * </pre>
 *
 * Each execution has a usage at the same time; two more usages: summarize v1 production D0 03:00
 * (alice, s4) and classify v1 staging D-1 05:00 (dave, s5). Tenant {@code globex}: two summarize v1
 * executions on D0 (02:00 success 9.99 USD, 03:00 rate_limit error 0.01 USD) with usages.
 */
public final class TestData {

    public static final LocalDate D0_DATE = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    public static final Instant D0 = D0_DATE.atStartOfDay(ZoneOffset.UTC).toInstant();
    public static final Instant NOW = at(0, 12, 30);

    public static final String ACME = "acme";
    public static final String GLOBEX = "globex";
    public static final String INITECH = "initech";

    public static final List<Execution> EXECUTIONS = new ArrayList<>();
    public static final List<Usage> USAGES = new ArrayList<>();

    static {
        acme(
                "e1",
                at(-2, 10, 0),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "success",
                null,
                100,
                50,
                1000,
                "0.0010",
                "alice",
                "s1");
        acme(
                "e2",
                at(-2, 10, 30),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "success",
                null,
                200,
                100,
                1200,
                "0.0020",
                "alice",
                "s1");
        acme(
                "e3",
                at(-1, 9, 15),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "error",
                "Rate limit exceeded (429)",
                100,
                0,
                300,
                "0.0005",
                "bob",
                "s2");
        acme(
                "e4",
                at(-1, 14, 0),
                "summarize",
                2,
                "production",
                "openai",
                "gpt-4o-mini",
                "success",
                null,
                150,
                60,
                800,
                "0.0003",
                "bob",
                "s2");
        acme(
                "e5",
                at(-1, 23, 30),
                "summarize",
                2,
                "staging",
                "openai",
                "gpt-4o-mini",
                "timeout",
                "Request timed out",
                150,
                0,
                30000,
                "0",
                "bob",
                "s2");
        acme(
                "e6",
                at(0, 0, 10),
                "summarize",
                2,
                "production",
                "anthropic",
                "claude-sonnet",
                "success",
                null,
                300,
                200,
                2000,
                "0.0040",
                "carol",
                "s3");
        acme(
                "e7",
                at(0, 1, 0),
                "classify",
                1,
                "production",
                "openai",
                "gpt-4o-mini",
                "success",
                null,
                50,
                5,
                500,
                "0.0001",
                "carol",
                "s3");
        acme(
                "e8",
                at(0, 6, 0),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "error",
                "Bad request: context length exceeded",
                5000,
                0,
                200,
                "0.0050",
                "alice",
                "s4");
        acme(
                "e9",
                at(0, 7, 0),
                "summarize",
                2,
                "production",
                "anthropic",
                "claude-sonnet",
                "error",
                "Something odd happened",
                10,
                0,
                400,
                "0.00001",
                "carol",
                "s3");
        acme(
                "e10",
                at(0, 11, 45),
                "classify",
                1,
                "production",
                "openai",
                "gpt-4o-mini",
                "error",
                "Invalid API key",
                50,
                0,
                100,
                null,
                "alice",
                "s4");
        acme(
                "e11",
                at(0, 12, 10),
                "classify",
                1,
                "staging",
                "anthropic",
                "claude-sonnet",
                "error",
                "connection reset by peer",
                60,
                0,
                700,
                "0.0002",
                "dave",
                "s5");
        acme(
                "e12",
                at(0, 12, 20),
                "classify",
                1,
                "production",
                "openai",
                "gpt-4o-mini",
                "success",
                null,
                40,
                4,
                450,
                "0.00008",
                null,
                null);
        acme(
                "e13",
                at(-10, 8, 0),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "success",
                null,
                100,
                40,
                900,
                "0.0009",
                "alice",
                "s0");
        acme(
                "e14",
                at(0, 12, 40),
                "classify",
                1,
                "production",
                "openai",
                "gpt-4o-mini",
                "success",
                null,
                10,
                1,
                100,
                "0.00001",
                "erin",
                "s6");
        USAGES.add(new Usage(ACME, uuid("u-extra-1"), at(0, 3, 0), "summarize", 1, "production", "alice", "s4"));
        USAGES.add(new Usage(ACME, uuid("u-extra-2"), at(-1, 5, 0), "classify", 1, "staging", "dave", "s5"));
        execution(
                GLOBEX,
                "g1",
                at(0, 2, 0),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "success",
                null,
                1000,
                1000,
                5000,
                "9.99",
                "zed",
                "z1");
        execution(
                GLOBEX,
                "g2",
                at(0, 3, 0),
                "summarize",
                1,
                "production",
                "openai",
                "gpt-4o",
                "error",
                "429 Too Many Requests",
                1000,
                0,
                50,
                "0.01",
                "zed",
                "z1");
    }

    /** Execution id of a named row of the table above. */
    public static UUID id(String name) {
        return uuid("execution-" + name);
    }

    public static Instant at(int day, int hour, int minute) {
        return D0.plus(day, ChronoUnit.DAYS).plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    public static void load(AnalyticsFixture fixture) {
        EXECUTIONS.forEach(fixture::insert);
        USAGES.forEach(fixture::insert);
        fixture.rebuildRollups(at(-11, 0, 0), at(1, 0, 0));
    }

    private static void acme(
            String name,
            Instant at,
            String slug,
            int version,
            String environment,
            String provider,
            String model,
            String status,
            String message,
            long in,
            long out,
            long ms,
            String cost,
            String user,
            String session) {
        execution(
                ACME,
                name,
                at,
                slug,
                version,
                environment,
                provider,
                model,
                status,
                message,
                in,
                out,
                ms,
                cost,
                user,
                session);
    }

    private static void execution(
            String tenant,
            String name,
            Instant at,
            String slug,
            int version,
            String environment,
            String provider,
            String model,
            String status,
            String message,
            long in,
            long out,
            long ms,
            String cost,
            String user,
            String session) {
        UUID usageId = uuid("usage-" + name);
        EXECUTIONS.add(new Execution(
                tenant,
                id(name),
                usageId,
                at,
                slug,
                version,
                environment,
                provider,
                model,
                status,
                errorType(status, message),
                message,
                in,
                out,
                ms,
                cost == null ? null : new BigDecimal(cost),
                user,
                session));
        USAGES.add(new Usage(tenant, usageId, at, slug, version, environment, user, session));
    }

    /** The documented categories (docs/analytics-storage.md), for the messages used here. */
    private static String errorType(String status, String message) {
        if (status.equals("timeout")) {
            return "timeout";
        }
        if (!status.equals("error")) {
            return "none";
        }
        String m = message.toLowerCase();
        if (m.contains("rate limit") || m.contains("429") || m.contains("too many requests")) {
            return "rate_limit";
        }
        if (m.contains("api key")) {
            return "authentication";
        }
        if (m.contains("timed out")) {
            return "timeout";
        }
        if (m.contains("connection")) {
            return "network";
        }
        if (m.contains("bad request") || m.contains("context length")) {
            return "invalid_request";
        }
        return "other";
    }

    static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private TestData() {}
}
