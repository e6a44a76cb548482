package dev.promptengine.analytics.alert;

import java.util.List;
import java.util.UUID;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code alert_rule}. */
interface AlertRuleRepository extends ListCrudRepository<AlertRule, UUID> {

    List<AlertRule> findByTenantOrderByCreatedAt(String tenant);

    List<AlertRule> findByEnabledTrue();
}
