package dev.promptengine.analytics.reporting;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code reporting_role}: which tenant a reporting login role reads (the views filter on
 * it, V16), who created it and when. The role's password is never stored here.
 */
@Table("reporting_role")
record ReportingRoleRecord(@Id String roleName, String tenant, Instant createdAt, String createdBy) {}
