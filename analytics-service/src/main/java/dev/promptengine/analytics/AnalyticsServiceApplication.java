package dev.promptengine.analytics;

import dev.promptengine.analytics.rebuild.RebuildCommand;
import java.time.Clock;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AnalyticsServiceApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(RebuildCommand.NAME)) {
            System.exit(RebuildCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(AnalyticsServiceApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Partition creation ahead and retention; off for one-shot commands. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnProperty(name = "promptengine.analytics.scheduling", havingValue = "true", matchIfMissing = true)
    static class Scheduling {}
}
