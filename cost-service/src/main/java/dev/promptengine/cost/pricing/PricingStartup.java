package dev.promptengine.cost.pricing;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Makes the lookup table complete before anything is priced: load the default catalog, relay the
 * outbox, read the pricing topic up to its end, then announce {@link PriceTableReady} (the
 * enrichment starts consuming on it). Without this, the first executions after a start could be
 * marked UNPRICED only because the table was still filling.
 */
@Component
class PricingStartup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PricingStartup.class);

    private final DefaultCatalog defaults;
    private final PricingOutbox outbox;
    private final PricingTopicReader reader;
    private final PriceTable table;
    private final PricingProperties properties;
    private final ApplicationEventPublisher events;

    PricingStartup(
            DefaultCatalog defaults,
            PricingOutbox outbox,
            PricingTopicReader reader,
            PriceTable table,
            PricingProperties properties,
            ApplicationEventPublisher events) {
        this.defaults = defaults;
        this.outbox = outbox;
        this.reader = reader;
        this.table = table;
        this.properties = properties;
        this.events = events;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (properties.loadDefaultCatalog()) {
            defaults.load();
        }
        Instant deadline = Instant.now().plus(properties.startupTimeout());
        while (!outbox.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Pricing outbox not relayed within " + properties.startupTimeout());
            }
            try {
                if (outbox.relay() == 0) {
                    Thread.sleep(100); // another instance holds the relay lock; it is publishing
                }
            } catch (RuntimeException e) {
                log.warn("Relaying pricing changes failed, retrying: {}", e.getMessage());
                Thread.sleep(500);
            }
        }
        try {
            reader.catchUp().get(properties.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("Pricing topic not read to its end", e);
        }
        log.info("Pricing table ready with {} price(s)", table.size());
        events.publishEvent(new PriceTableReady(table.size()));
    }
}
