package dev.promptengine.cost;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CostServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(CostServiceApplication.class, args);
    }

    /**
     * Boot backs off its JDBC transaction manager once {@code transaction-id-prefix} creates the
     * Kafka one; {@code @Transactional} catalog changes (row + outbox) need the database's.
     * The listener container still uses the Kafka transaction manager for the enrichment.
     */
    @Bean
    @Primary
    DataSourceTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
