package dev.promptengine.analytics.repricing;

import java.util.UUID;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code repricing_run}; progress updates are explicit SQL in {@link Repricer}. */
interface RepricingRunRepository extends ListCrudRepository<RepricingRun, UUID> {}
