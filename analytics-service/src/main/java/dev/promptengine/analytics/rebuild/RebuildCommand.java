package dev.promptengine.analytics.rebuild;

import dev.promptengine.analytics.AnalyticsServiceApplication;
import java.time.Instant;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

/**
 * {@code java -jar analytics-service-exec.jar rebuild-rollups --from=<ISO-8601> --to=<ISO-8601>}
 * (plus the usual datasource settings): recomputes the rollups of the range from the raw facts
 * without consuming Kafka or serving HTTP, then exits.
 */
public final class RebuildCommand {

    public static final String NAME = "rebuild-rollups";

    /** @return the process exit code */
    public static int run(String... args) {
        var application = new SpringApplication(AnalyticsServiceApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(Map.of(
                "spring.kafka.listener.auto-startup", "false",
                "promptengine.analytics.scheduling", "false",
                "promptengine.topics.create", "false"));
        try (var context = application.run(args)) {
            var environment = context.getEnvironment();
            String from = environment.getProperty("from");
            String to = environment.getProperty("to");
            if (from == null || to == null) {
                System.err.println("usage: " + NAME + " --from=<ISO-8601 instant> --to=<ISO-8601 instant>");
                return 2;
            }
            var result = context.getBean(RollupRebuilder.class).rebuild(Instant.parse(from), Instant.parse(to));
            System.out.println("Rebuilt " + result);
            return 0;
        }
    }

    private RebuildCommand() {}
}
